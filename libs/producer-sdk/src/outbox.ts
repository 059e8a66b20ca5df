import type { DataSource, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { currentOutboxDdl, enqueueOutbox, EventPublisher, OutboxRelay, type OutboxRelayOptions } from '@cep/messaging';
import { assertValidEvents } from './event-factory';

/** DDL of the outbox table (and its NOTIFY trigger) in `schema`; run it from your own migration. */
export function outboxTableDdl(schema: string): string[] {
  return [`CREATE SCHEMA IF NOT EXISTS ${schema}`, ...currentOutboxDdl(schema)];
}

/**
 * Writes validated events to the outbox inside the caller's transaction: commit your own state change and the
 * outbox rows together, and the relay publishes them after the commit. Invalid events throw before anything
 * is written (the caller's transaction should then roll back).
 */
export async function appendToOutbox(tx: QueryRunner, schema: string, events: readonly EventEnvelope[]): Promise<void> {
  assertValidEvents(events);
  await enqueueOutbox(tx, schema, [...events]);
}

/** Runs `fn` in one database transaction: commit on success, rollback on any error. */
export async function inTransaction<T>(ds: DataSource, fn: (tx: QueryRunner) => Promise<T>): Promise<T> {
  const q = ds.createQueryRunner();
  await q.connect();
  try {
    await q.startTransaction();
    const out = await fn(q);
    await q.commitTransaction();
    return out;
  } catch (err) {
    if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await q.release();
  }
}

/**
 * The relay that publishes an outbox to Kafka (at least once, in order per key; one leader per schema).
 * `relay.start()` after your app starts, `await relay.stop()` on shutdown.
 */
export function createOutboxRelay(ds: DataSource, publisher: EventPublisher, opts: OutboxRelayOptions): OutboxRelay {
  return new OutboxRelay(ds, publisher, opts);
}
