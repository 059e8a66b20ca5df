import { BackupCreated, BackupRestored, SessionDid, SessionKey, WalletProofShared, type WalletCredentialEventData } from '@cep/contracts';
import { checkAllTransitions, hashPreAuthorizedCode, hashTxCode, sessionFields } from '@cep/producer-sdk';
import { BACKUP_MACHINE, backupAggregate, PRESENTATION_MACHINE, presentationAggregate, WALLET_DID_MACHINE, WALLET_KEY_MACHINE, walletDidAggregate, walletKeyAggregate } from '../wallet.machines';
import { offerProof, withoutCodes } from './offer-proof';
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
const CODE = 'Zm9yZ2VkLW9yLW5vdC10aGlzLWlzLWEtdGVzdC1jb2Rl';
const proof = { preAuthorizedCodeHash: hashPreAuthorizedCode(CODE) };

describe('wallet aggregates', () => {
  it('wallet credential: given each state, when each command, then the table holds', () => {
    expect(
      checkAllTransitions(WALLET_CREDENTIAL_MACHINE, () => new WalletCredentialAggregate(ID), (a, c) => {
        if (c === 'receive') a.receive(offer, 'w', meta, info);
        else if (c === 'claim') a.claim('bob', offer, undefined, proof, 'w', meta, info);
        else a.reject('bob', offer, 'no thanks', proof, 'w', meta, info);
      }),
    ).toEqual([]);
  });

  it('given a received credential, when claimed, then CLAIMED keeps the activityId and the holder is the actor', () => {
    const a = new WalletCredentialAggregate(ID);
    a.receive({ ...offer, ...proof }, 'w', meta, info);
    expect(a.pullPendingEvents().map((e) => e.type)).toEqual(['wallet.credential-received', 'session.wallet']);
    a.claim('bob', undefined, undefined, offerProof({}, a.data), 'w', meta, info);
    const [claimed, s] = a.pullPendingEvents();
    expect(claimed.data).toMatchObject({ activityId: REF, actorProfileId: 'bob', issuerOrganisationId: 'issuer-org', preAuthorizedCodeHash: proof.preAuthorizedCodeHash });
    expect(s.data).toMatchObject({ walletEventType: 'CredentialWalletEvent', credentialStatus: 'CLAIMED', walletId: 'w' });
  });

  it('given an email offer, when received, then 409 (email recipients claim from the link); claiming without an offer is 404', () => {
    expect(() => new WalletCredentialAggregate(ID).receive({ ...offer, recipient: { type: 'email', identifier: 'b@x' } }, 'w', meta, info)).toThrow(/claimed from their link/);
    expect(() => new WalletCredentialAggregate(ID).claim('bob', undefined, undefined, undefined, 'w', meta, info)).toThrow(/not found/);
  });

  it('offer proof: hashes of the caller\'s codes only, never the codes; the tx code is bound to the pre-authorized code; no code is a 400', () => {
    expect(offerProof({ preAuthorizedCode: CODE, txCode: '123456' }, undefined)).toEqual({ preAuthorizedCodeHash: hashPreAuthorizedCode(CODE), txCodeHash: hashTxCode(CODE, '123456') });
    expect(offerProof({ offer: { preAuthorizedCode: CODE } }, undefined)).toEqual(proof);
    expect(offerProof({}, { preAuthorizedCodeHash: 'a'.repeat(64) })).toEqual({ preAuthorizedCodeHash: 'a'.repeat(64) });
    expect(hashTxCode(CODE, '123456')).not.toBe(hashTxCode('another-code-of-the-same-shape-xx', '123456'));
    expect(() => offerProof({}, undefined)).toThrow(/preAuthorizedCode/);
    expect(() => offerProof({ txCode: '123456' }, { preAuthorizedCodeHash: 'a'.repeat(64) })).toThrow(/preAuthorizedCode/);
    const given = { ...offer, preAuthorizedCode: CODE, preAuthorizedCodeHash: 'f'.repeat(64), txCodeHash: 'e'.repeat(64) };
    expect(withoutCodes(given)).toEqual(offer);
    const a = new WalletCredentialAggregate(ID);
    a.claim('bob', withoutCodes(given), undefined, offerProof(given, undefined), 'w', meta, info);
    const json = JSON.stringify(a.pullPendingEvents());
    expect(json).not.toContain(CODE);
    expect(json).not.toContain('f'.repeat(64));
    expect(json).toContain(proof.preAuthorizedCodeHash);
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
