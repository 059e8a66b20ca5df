/**
 * @cep/producer-sdk: what a producer (ours or an external team's) uses to emit valid events.
 * - {@link EventFactory}: typed builders from the contracts, validated before they leave the producer;
 * - {@link appendToOutbox} / {@link inTransaction} / {@link createOutboxRelay}: the transactional outbox;
 * - {@link StateMachine} / {@link LifecycleAggregate}: table-driven event-sourced aggregates;
 * - `nest/`: the command context decorator and the aggregate store used by the NestJS producer apps.
 * See docs/producers.md.
 */
import 'reflect-metadata';
export * from './event-factory';
export * from './outbox';
export * from './state-machine';
export * from './lifecycle.aggregate';
export * from './command-context';
export * from './nest';
export * from './transition-cases';
export * from './offer-codes';
