import {
  buildEvent,
  CredentialSchemaCreated,
  CredentialSchemaDeleted,
  CredentialSchemaShared,
  type CredentialSchemaEventData,
  type EventEnvelope,
  type EventMeta,
} from '@cep/contracts';
import { LifecycleAggregate, NONE, StateMachine } from '@cep/producer-sdk';

export const SCHEMA_STATES = ['ACTIVE', 'DELETED'] as const;
export type SchemaState = (typeof SCHEMA_STATES)[number];

export const CREDENTIAL_SCHEMA_MACHINE = new StateMachine('credential schema', SCHEMA_STATES, {
  create: { from: [NONE], to: 'ACTIVE', event: CredentialSchemaCreated.type },
  share: { from: ['ACTIVE'], event: CredentialSchemaShared.type },
  delete: { from: ['ACTIVE'], to: 'DELETED', event: CredentialSchemaDeleted.type },
});
export type CredentialSchemaCommand = 'create' | 'share' | 'delete';

/** Credential schema: created, shared any number of times while active, deleted once. */
export class CredentialSchemaAggregate extends LifecycleAggregate<SchemaState, CredentialSchemaCommand, CredentialSchemaEventData | undefined> {
  constructor(id: string) {
    super(id, CREDENTIAL_SCHEMA_MACHINE, undefined);
  }

  protected override fold(data: CredentialSchemaEventData | undefined, e: EventEnvelope): CredentialSchemaEventData | undefined {
    return e.type === CredentialSchemaCreated.type ? (e.data as CredentialSchemaEventData) : data;
  }

  create(data: CredentialSchemaEventData, meta: EventMeta): void {
    this.guard('create');
    this.record(buildEvent(CredentialSchemaCreated, data, meta));
  }

  share(actorProfileId: string, meta: EventMeta): void {
    this.guard('share');
    this.record(buildEvent(CredentialSchemaShared, { ...this.data!, actorProfileId }, meta));
  }

  delete(actorProfileId: string, meta: EventMeta): void {
    this.guard('delete');
    this.record(buildEvent(CredentialSchemaDeleted, { ...this.data!, actorProfileId }, meta));
  }
}
