import { IsIn, IsOptional, IsString, IsUrl, IsUUID, MaxLength } from 'class-validator';
import { defineEvent } from '../registry';
import { TOPICS } from '../topics';

/** The history `source` of every Bridge event. */
export const BRIDGE_SOURCE = 'BRIDGE' as const;
export type BridgeSource = typeof BRIDGE_SOURCE;

/** Payload of every OpenID provider event. */
export class ProviderEventData {
  @IsUUID()
  providerId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  /** The provider's OpenID issuer URL, when configured. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2048)
  issuerUrl?: string;

  /** History `source`; always `BRIDGE`. */
  @IsIn([BRIDGE_SOURCE])
  source!: BridgeSource;

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

/** Payload of a login attempt through a provider (`interaction.succeeded`; base of `interaction.errored`). */
export class InteractionEventData {
  @IsUUID()
  interactionId!: string;

  @IsUUID()
  providerId!: string;

  /** Display name of the provider at the time of the interaction (history `name` of the INTERACTION entry). */
  @IsString()
  @MaxLength(256)
  providerName!: string;

  /** The subject (end user) that attempted to log in, when known. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  subject?: string;

  /** History `source`; always `BRIDGE`. */
  @IsIn([BRIDGE_SOURCE])
  source!: BridgeSource;
}

/**
 * `interaction.errored`: a failed login attempt; `error` (required) says why. (A separate class rather than an
 * optional field made required: class-validator keeps a parent's `@IsOptional` on overridden properties.)
 */
export class InteractionErroredData extends InteractionEventData {
  @IsString()
  @MaxLength(2048)
  error!: string;
}

const topic = TOPICS.bridge;
/**
 * Every Bridge event, provider or interaction, is keyed by `providerId`: a provider's history (its
 * configuration changes and the login attempts through it) stays in one partition, in order. The history entry
 * of an interaction still uses `interactionId` as its entity id.
 */
const key = (d: { providerId: string }) => d.providerId;

function providerEvent<T extends string>(type: T, description: string) {
  return defineEvent({ type, version: 1, topic, payload: ProviderEventData, key, description, usedBy: ['history'] });
}

export const ProviderCreated = providerEvent('provider.created', 'An OpenID provider was created in Bridge (history PROVIDER CREATED, source BRIDGE).');
export const ProviderUpdated = providerEvent(
  'provider.updated',
  'An OpenID provider was updated, attributes other than the client secret (history PROVIDER UPDATED, source BRIDGE).',
);
export const ProviderDeleted = providerEvent('provider.deleted', 'An OpenID provider was deleted (history PROVIDER DELETED, source BRIDGE).');
export const ProviderClientSecretRegenerated = providerEvent(
  'provider.client-secret-regenerated',
  "The provider's client secret was regenerated (history PROVIDER CLIENT_SECRET_REGENERATED, source BRIDGE).",
);

export const InteractionSucceeded = defineEvent({
  type: 'interaction.succeeded',
  version: 1,
  topic,
  payload: InteractionEventData,
  key,
  description:
    'A login attempt through a provider succeeded (history INTERACTION SUCCEEDED, source BRIDGE). Keyed by providerId, not interactionId.',
  usedBy: ['history'],
});

export const InteractionErrored = defineEvent({
  type: 'interaction.errored',
  version: 1,
  topic,
  payload: InteractionErroredData,
  key,
  description:
    'A login attempt through a provider resulted in an error; `error` says why (history INTERACTION ERRORED, source BRIDGE). Keyed by providerId, not interactionId.',
  usedBy: ['history'],
});

export const BRIDGE_EVENTS = [
  ProviderCreated,
  ProviderUpdated,
  ProviderDeleted,
  ProviderClientSecretRegenerated,
  InteractionSucceeded,
  InteractionErrored,
] as const;
