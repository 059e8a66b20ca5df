import {
  DidCreated,
  DidDeactivated,
  KeyCreated,
  OrganisationCreated,
  SessionDid,
  SessionKey,
  TrustAnchorCreated,
  TrustAnchorDeleted,
  TrustEntityActivated,
  TrustEntityCreated,
  TrustEntityRemoved,
  TrustEntityWithdrawn,
} from '@cep/contracts';
import { NONE, StateMachine } from '@cep/producer-sdk';

/** Keys: created (or imported) once; export and rotation are KeyEvent-only operations on an existing key. */
export const KEY_MACHINE = new StateMachine('key', ['ACTIVE'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: KeyCreated.type },
  export: { from: ['ACTIVE'], event: SessionKey.type },
  rotate: { from: ['ACTIVE'], event: SessionKey.type },
});

/** DIDs: created, updated and resolved while active, deactivated once; a deactivated DID still resolves. */
export const DID_MACHINE = new StateMachine('DID', ['ACTIVE', 'DEACTIVATED'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: DidCreated.type },
  update: { from: ['ACTIVE'], event: SessionDid.type },
  deactivate: { from: ['ACTIVE'], to: 'DEACTIVATED', event: DidDeactivated.type },
  resolve: { from: ['ACTIVE', 'DEACTIVATED'], event: SessionDid.type },
});

export const ORGANISATION_MACHINE = new StateMachine('organisation', ['ACTIVE'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: OrganisationCreated.type },
});

export const TRUST_ANCHOR_MACHINE = new StateMachine('trust anchor', ['ACTIVE', 'DELETED'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: TrustAnchorCreated.type },
  delete: { from: ['ACTIVE'], to: 'DELETED', event: TrustAnchorDeleted.type },
});

/** Trust entities: published (ACTIVE), removed by the anchor or withdrawn by the entity, re-activated. */
export const TRUST_ENTITY_MACHINE = new StateMachine('trust entity', ['ACTIVE', 'REMOVED', 'WITHDRAWN'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: TrustEntityCreated.type },
  remove: { from: ['ACTIVE'], to: 'REMOVED', event: TrustEntityRemoved.type },
  withdraw: { from: ['ACTIVE'], to: 'WITHDRAWN', event: TrustEntityWithdrawn.type },
  activate: { from: ['REMOVED', 'WITHDRAWN'], to: 'ACTIVE', event: TrustEntityActivated.type },
});
