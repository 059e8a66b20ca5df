import { ArrayMaxSize, IsArray, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { defineEvent } from '../registry';
import { TOPICS } from '../topics';
import { MAX_CLAIMS, PROFILES, type Profile } from './common';

/**
 * Payload of every credential schema event. Carries the schema's display name (history `name`, text search by
 * `credentialSchemaName`), its claim names (text search by `claimName`) and its profile / credential type.
 */
export class CredentialSchemaEventData {
  @IsUUID()
  schemaId!: string;

  @IsString()
  @MaxLength(256)
  name!: string;

  @IsIn(PROFILES)
  profile!: Profile;

  @IsString()
  @MaxLength(256)
  credentialType!: string;

  /** Claim names (paths) the schema defines. */
  @IsArray()
  @ArrayMaxSize(MAX_CLAIMS)
  @IsString({ each: true })
  @MaxLength(256, { each: true })
  claimNames!: string[];

  /** The profile (user or service account) that triggered the action. */
  @IsString()
  @MaxLength(256)
  actorProfileId!: string;
}

const topic = TOPICS.credentials;
const key = (d: { schemaId: string }) => d.schemaId;

export const CredentialSchemaCreated = defineEvent({
  type: 'credential-schema.created',
  version: 1,
  topic,
  payload: CredentialSchemaEventData,
  key,
  description: 'A credential schema was created (history CREDENTIAL_SCHEMA CREATED).',
  usedBy: ['history'],
});

export const CredentialSchemaDeleted = defineEvent({
  type: 'credential-schema.deleted',
  version: 1,
  topic,
  payload: CredentialSchemaEventData,
  key,
  description: 'A credential schema was deleted (history CREDENTIAL_SCHEMA DELETED).',
  usedBy: ['history'],
});

export const CredentialSchemaShared = defineEvent({
  type: 'credential-schema.shared',
  version: 1,
  topic,
  payload: CredentialSchemaEventData,
  key,
  description: 'A credential schema was shared with a mobile device (history CREDENTIAL_SCHEMA SHARED).',
  usedBy: ['history'],
});

export const CREDENTIAL_SCHEMA_EVENTS = [CredentialSchemaCreated, CredentialSchemaDeleted, CredentialSchemaShared] as const;
