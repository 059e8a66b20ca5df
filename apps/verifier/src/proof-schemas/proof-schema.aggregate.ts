import { ProofSchemaCreated, ProofSchemaDeleted, ProofSchemaShared, type ProofSchemaEventData } from '@cep/contracts';
import { EntityAggregate, NONE, StateMachine, type CommandsOf, type StatesOf } from '@cep/producer-sdk';

/** Proof schema: created, shared any number of times while active, deleted once. */
export const PROOF_SCHEMA_MACHINE = new StateMachine('proof schema', ['ACTIVE', 'DELETED'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: ProofSchemaCreated.type },
  share: { from: ['ACTIVE'], event: ProofSchemaShared.type },
  delete: { from: ['ACTIVE'], to: 'DELETED', event: ProofSchemaDeleted.type },
});

export type ProofSchemaAggregate = EntityAggregate<StatesOf<typeof PROOF_SCHEMA_MACHINE>, CommandsOf<typeof PROOF_SCHEMA_MACHINE>, ProofSchemaEventData>;

export const proofSchemaAggregate = (id: string): ProofSchemaAggregate => new EntityAggregate(id, PROOF_SCHEMA_MACHINE, [ProofSchemaCreated.type]);
