import {
  BRIDGE_SOURCE,
  CredentialSchemaCreated,
  CredentialSchemaDeleted,
  CredentialSchemaShared,
  DidCreated,
  DidDeactivated,
  InteractionErrored,
  InteractionSucceeded,
  KeyCreated,
  OrganisationCreated,
  ProviderClientSecretRegenerated,
  ProviderCreated,
  ProviderDeleted,
  ProviderUpdated,
  SessionDid,
  SessionKey,
  TrustAnchorCreated,
  TrustAnchorDeleted,
  TrustEntityActivated,
  TrustEntityCreated,
  TrustEntityRemoved,
  TrustEntityWithdrawn,
} from '@cep/contracts';
import { checkAllTransitions, pathsTo, sessionFields } from '@cep/producer-sdk';
import { providerAggregate, PROVIDER_MACHINE } from '../bridge/provider.machine';
import { CREDENTIAL_SCHEMA_MACHINE, CredentialSchemaAggregate } from '../credential-schemas/credential-schema.aggregate';
import { didAggregate, keyAggregate, organisationAggregate, trustAnchorAggregate, trustEntityAggregate } from './identity.aggregates';
import { DID_MACHINE, KEY_MACHINE, ORGANISATION_MACHINE, TRUST_ANCHOR_MACHINE, TRUST_ENTITY_MACHINE } from './identity.machines';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const OTHER = '01890a5d-ac96-774b-bcce-b302099a8058';
const meta = { organisationId: ID, correlationId: 'c', source: 'urn:cep:issuer', time: new Date('2026-01-01T00:00:00Z') };
const s = { target: 'cep.issuer', originator: 'alice', callId: 'call' };
const actor = { actorProfileId: 'alice' };

describe('issuer aggregates: given each state, when each command, then the table holds (legal → event + state; illegal → 409, nothing recorded)', () => {
  it('credential schema', () => {
    expect(
      checkAllTransitions(CREDENTIAL_SCHEMA_MACHINE, () => new CredentialSchemaAggregate(ID), (a, c) => {
        if (c === 'create') a.create({ schemaId: ID, name: 'Badge', profile: 'jwt-vc', credentialType: 'T', claimNames: ['n'], ...actor }, meta);
        else if (c === 'share') a.share('alice', meta);
        else a.delete('alice', meta);
      }),
    ).toEqual([]);
    expect([...pathsTo(CREDENTIAL_SCHEMA_MACHINE).keys()]).toEqual(['NONE', 'ACTIVE', 'DELETED']);
    expect([CredentialSchemaCreated, CredentialSchemaShared, CredentialSchemaDeleted].map((d) => d.type)).toHaveLength(3);
  });

  it('key', () => {
    expect(
      checkAllTransitions(KEY_MACHINE, () => keyAggregate(ID), (a, c) => {
        if (c === 'create') {
          a.execute('create', KeyCreated, { keyId: ID, name: 'k', keyType: 'EDDSA', storageType: 'INTERNAL', ...actor }, meta);
          a.also(SessionKey, { ...sessionFields(s, 'create_key', 'Success'), keyEventType: 'Create', keyAlgorithm: 'EDDSA', keyId: ID }, meta);
        } else {
          a.check(c);
          a.also(SessionKey, { ...sessionFields(s, `${c}_key`, 'Success'), keyEventType: c === 'export' ? 'Export' : 'Rotation', keyAlgorithm: 'EDDSA', keyId: ID }, meta);
        }
      }),
    ).toEqual([]);
  });

  it('DID', () => {
    expect(
      checkAllTransitions(DID_MACHINE, () => didAggregate(ID), (a, c) => {
        if (c === 'create') a.execute('create', DidCreated, { didId: ID, did: 'did:key:z6Mk', name: 'd', method: 'KEY', keyIds: [], ...actor }, meta);
        else if (c === 'deactivate') a.execute('deactivate', DidDeactivated, actor, meta);
        else {
          a.check(c);
          a.also(SessionDid, { ...sessionFields(s, `${c}_did`, 'Success'), didEventType: c === 'update' ? 'Update' : 'Resolve', didMethod: 'key', did: 'did:key:z6Mk' }, meta);
        }
      }),
    ).toEqual([]);
  });

  it('organisation', () => {
    expect(
      checkAllTransitions(ORGANISATION_MACHINE, () => organisationAggregate(ID), (a) => a.execute('create', OrganisationCreated, { id: ID, name: 'Acme', ...actor }, meta)),
    ).toEqual([]);
  });

  it('trust anchor', () => {
    expect(
      checkAllTransitions(TRUST_ANCHOR_MACHINE, () => trustAnchorAggregate(ID), (a, c) => {
        if (c === 'create') a.execute('create', TrustAnchorCreated, { trustAnchorId: ID, name: 'EU list', type: 'SIMPLE_TRUST_LIST', ...actor }, meta);
        else a.execute('delete', TrustAnchorDeleted, actor, meta);
      }),
    ).toEqual([]);
  });

  it('trust entity', () => {
    const defs = { remove: TrustEntityRemoved, withdraw: TrustEntityWithdrawn, activate: TrustEntityActivated } as const;
    expect(
      checkAllTransitions(TRUST_ENTITY_MACHINE, () => trustEntityAggregate(ID), (a, c) => {
        if (c === 'create') a.execute('create', TrustEntityCreated, { trustEntityId: ID, name: 'Acme', trustAnchorId: OTHER, ...actor }, meta);
        else a.execute(c, defs[c], actor, meta);
      }),
    ).toEqual([]);
  });

  it('Bridge provider (and login interactions)', () => {
    const bridge = { ...actor, source: BRIDGE_SOURCE };
    const login = { interactionId: OTHER, providerId: ID, providerName: 'Google', source: BRIDGE_SOURCE };
    expect(
      checkAllTransitions(PROVIDER_MACHINE, () => providerAggregate(ID), (a, c) => {
        if (c === 'create') a.execute('create', ProviderCreated, { providerId: ID, name: 'Google', ...bridge }, meta);
        else if (c === 'update') a.execute('update', ProviderUpdated, { name: 'Google 2', ...bridge }, meta);
        else if (c === 'regenerateSecret') a.execute('regenerateSecret', ProviderClientSecretRegenerated, bridge, meta);
        else if (c === 'delete') a.execute('delete', ProviderDeleted, bridge, meta);
        else if (c === 'loginSucceeded') {
          a.check(c);
          a.also(InteractionSucceeded, login, meta);
        } else {
          a.check(c);
          a.also(InteractionErrored, { ...login, error: 'denied' }, meta);
        }
      }),
    ).toEqual([]);
  });

  it('given a provider, when updated, then its new name is replayed into later events', () => {
    const a = providerAggregate(ID);
    a.execute('create', ProviderCreated, { providerId: ID, name: 'Google', source: BRIDGE_SOURCE, ...actor }, meta);
    a.execute('update', ProviderUpdated, { name: 'Google Workspace' }, meta);
    const deleted = a.execute('delete', ProviderDeleted, {}, meta);
    expect(deleted.data).toMatchObject({ providerId: ID, name: 'Google Workspace', source: 'BRIDGE' });
  });
});
