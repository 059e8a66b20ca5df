import {
  InteractionErrored,
  InteractionSucceeded,
  ProviderClientSecretRegenerated,
  ProviderCreated,
  ProviderDeleted,
  ProviderUpdated,
  type ProviderEventData,
} from '@cep/contracts';
import { EntityAggregate, NONE, StateMachine, type CommandsOf, type StatesOf } from '@cep/producer-sdk';

/**
 * Bridge OpenID providers. Login interactions through a provider are facts of the provider's stream (both keyed
 * by providerId, so a provider's configuration changes and its logins stay ordered) and need an active provider.
 */
export const PROVIDER_MACHINE = new StateMachine('provider', ['ACTIVE', 'DELETED'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: ProviderCreated.type },
  update: { from: ['ACTIVE'], event: ProviderUpdated.type },
  regenerateSecret: { from: ['ACTIVE'], event: ProviderClientSecretRegenerated.type },
  delete: { from: ['ACTIVE'], to: 'DELETED', event: ProviderDeleted.type },
  loginSucceeded: { from: ['ACTIVE'], event: InteractionSucceeded.type },
  loginErrored: { from: ['ACTIVE'], event: InteractionErrored.type },
});

export type ProviderAggregate = EntityAggregate<StatesOf<typeof PROVIDER_MACHINE>, CommandsOf<typeof PROVIDER_MACHINE>, ProviderEventData>;

export const providerAggregate = (id: string): ProviderAggregate =>
  new EntityAggregate(id, PROVIDER_MACHINE, [ProviderCreated.type, ProviderUpdated.type]);
