import {
  DidCreated,
  KeyCreated,
  OrganisationCreated,
  TrustAnchorCreated,
  TrustEntityCreated,
  type DidEventData,
  type KeyCreatedData,
  type OrganisationEventData,
  type TrustAnchorEventData,
  type TrustEntityEventData,
} from '@cep/contracts';
import { EntityAggregate, type CommandsOf, type StatesOf } from '@cep/producer-sdk';
import { DID_MACHINE, KEY_MACHINE, ORGANISATION_MACHINE, TRUST_ANCHOR_MACHINE, TRUST_ENTITY_MACHINE } from './identity.machines';

type Agg<M, D extends object> = EntityAggregate<StatesOf<M>, CommandsOf<M>, D>;

export type KeyAggregate = Agg<typeof KEY_MACHINE, KeyCreatedData>;
export type DidAggregate = Agg<typeof DID_MACHINE, DidEventData>;
export type OrganisationAggregate = Agg<typeof ORGANISATION_MACHINE, OrganisationEventData>;
export type TrustAnchorAggregate = Agg<typeof TRUST_ANCHOR_MACHINE, TrustAnchorEventData>;
export type TrustEntityAggregate = Agg<typeof TRUST_ENTITY_MACHINE, TrustEntityEventData>;

export const keyAggregate = (id: string): KeyAggregate => new EntityAggregate(id, KEY_MACHINE, [KeyCreated.type]);
export const didAggregate = (id: string): DidAggregate => new EntityAggregate(id, DID_MACHINE, [DidCreated.type]);
export const organisationAggregate = (id: string): OrganisationAggregate => new EntityAggregate(id, ORGANISATION_MACHINE, [OrganisationCreated.type]);
export const trustAnchorAggregate = (id: string): TrustAnchorAggregate => new EntityAggregate(id, TRUST_ANCHOR_MACHINE, [TrustAnchorCreated.type]);
export const trustEntityAggregate = (id: string): TrustEntityAggregate => new EntityAggregate(id, TRUST_ENTITY_MACHINE, [TrustEntityCreated.type]);
