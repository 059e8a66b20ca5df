import { BackupCreated, BackupRestored, SessionDid, SessionKey, WalletProofShared, type WalletCredentialEventData } from '@cep/contracts';
import { checkAllTransitions, sessionFields } from '@cep/producer-sdk';
import { BACKUP_MACHINE, backupAggregate, PRESENTATION_MACHINE, presentationAggregate, WALLET_DID_MACHINE, WALLET_KEY_MACHINE, walletDidAggregate, walletKeyAggregate } from '../wallet.machines';
import { WALLET_CREDENTIAL_MACHINE, WalletCredentialAggregate } from './wallet-credential.aggregate';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const REF = '01890a5d-ac96-774b-bcce-b302099a8058';
const meta = { organisationId: 'wallet-org', correlationId: 'c', source: 'urn:cep:wallet', time: new Date('2026-01-01T00:00:00Z') };
const info = { target: 'cep.wallet', originator: 'bob', callId: 'call' };
const offer: WalletCredentialEventData = {
  credentialId: ID,
  name: 'Badge',
  schemaId: REF,
  schemaName: 'Badge',
  profile: 'jwt-vc',
  credentialType: 'VerifiedEmployee',
  issuerDid: { id: REF, did: 'did:key:issuer' },
  activityId: REF,
  actorProfileId: 'alice',
  recipient: { type: 'profile', identifier: 'bob' },
  source: 'send',
  issuerOrganisationId: 'issuer-org',
};

describe('wallet aggregates', () => {
  it('wallet credential: given each state, when each command, then the table holds', () => {
    expect(
      checkAllTransitions(WALLET_CREDENTIAL_MACHINE, () => new WalletCredentialAggregate(ID), (a, c) => {
        if (c === 'receive') a.receive(offer, 'w', meta, info);
        else if (c === 'claim') a.claim('bob', offer, undefined, 'w', meta, info);
        else a.reject('bob', offer, 'no thanks', 'w', meta, info);
      }),
    ).toEqual([]);
  });

  it('given a received credential, when claimed, then CLAIMED keeps the activityId and the holder is the actor', () => {
    const a = new WalletCredentialAggregate(ID);
    a.receive(offer, 'w', meta, info);
    expect(a.pullPendingEvents().map((e) => e.type)).toEqual(['wallet.credential-received', 'session.wallet']);
    a.claim('bob', undefined, undefined, 'w', meta, info);
    const [claimed, s] = a.pullPendingEvents();
    expect(claimed.data).toMatchObject({ activityId: REF, actorProfileId: 'bob', issuerOrganisationId: 'issuer-org' });
    expect(s.data).toMatchObject({ walletEventType: 'CredentialWalletEvent', credentialStatus: 'CLAIMED', walletId: 'w' });
  });

  it('given an email offer, when received, then 409 (email recipients claim from the link); claiming without an offer is 404', () => {
    expect(() => new WalletCredentialAggregate(ID).receive({ ...offer, recipient: { type: 'email', identifier: 'b@x' } }, 'w', meta, info)).toThrow(/claimed from their link/);
    expect(() => new WalletCredentialAggregate(ID).claim('bob', undefined, undefined, 'w', meta, info)).toThrow(/not found/);
  });

  it('presentation, backup, key and DID: given each state, when each command, then the table holds', () => {
    expect(
      checkAllTransitions(PRESENTATION_MACHINE, () => presentationAggregate(ID), (a) =>
        a.execute('share', WalletProofShared, { proofId: ID, name: 'Age', verifierDid: { id: REF, did: 'did:web:v' }, credentials: [{ credentialId: REF, schemaId: REF }], actorProfileId: 'bob' }, meta),
      ),
    ).toEqual([]);
    expect(
      checkAllTransitions(BACKUP_MACHINE, () => backupAggregate(ID), (a, c) => {
        if (c === 'create') a.execute('create', BackupCreated, { backupId: ID, name: 'b.zip', actorProfileId: 'bob' }, meta);
        else a.execute('restore', BackupRestored, {}, meta);
      }),
    ).toEqual([]);
    expect(
      checkAllTransitions(WALLET_KEY_MACHINE, () => walletKeyAggregate(ID), (a, c) =>
        a.execute(c, SessionKey, { ...sessionFields(info, c, 'Success'), keyEventType: c === 'create' ? 'Create' : c === 'export' ? 'Export' : 'Rotation', keyAlgorithm: 'Ed25519', keyId: ID }, meta),
      ),
    ).toEqual([]);
    expect(
      checkAllTransitions(WALLET_DID_MACHINE, () => walletDidAggregate(ID), (a, c) =>
        a.execute(c, SessionDid, { ...sessionFields(info, c, 'Success'), didEventType: c === 'create' ? 'Create' : c === 'update' ? 'Update' : 'Resolve', didMethod: 'key', did: 'did:key:z6Mk' }, meta),
      ),
    ).toEqual([]);
  });
});
