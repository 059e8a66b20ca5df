import type { DataSource, QueryRunner } from 'typeorm';
import { upcastEnvelope, type EventEnvelope } from '@cep/contracts';
import { enqueueOutbox } from '@cep/messaging';

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Thrown when the expected stream version does not match: another command won the race (HTTP 409). */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stream ${streamId} is at version ${actualVersion}, expected ${expectedVersion}`);
  }
}

export interface StoredEvent {
  streamId: string;
  version: number;
  event: EventEnvelope;
}

export function eventStoreDdl(schema: string): string[] {
  if (!IDENT.test(schema)) throw new Error(`invalid schema ${schema}`);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `CREATE TABLE IF NOT EXISTS ${schema}.events (
       global_position bigserial PRIMARY KEY,
       stream_id text NOT NULL,
       stream_type text NOT NULL,
       version integer NOT NULL,
       event_id uuid NOT NULL UNIQUE,
       event_type text NOT NULL,
       organisation_id text NOT NULL,
       occurred_at timestamptz NOT NULL,
       envelope jsonb NOT NULL,
       UNIQUE (stream_id, version)
     )`,
    `CREATE INDEX IF NOT EXISTS events_org_idx ON ${schema}.events (organisation_id, stream_type)`,
  ];
}

/**
 * Stream identity scoped by tenant (migration 1732000095000): a stream is (organisation_id, stream_id), so a
 * client-chosen id already used by another tenant is a new, independent stream instead of a 409 that reveals
 * the other tenant's data. Replaces the global UNIQUE (stream_id, version) of {@link eventStoreDdl}.
 */
export function tenantScopedStreamsDdl(schema: string): string[] {
  if (!IDENT.test(schema)) throw new Error(`invalid schema ${schema}`);
  return [
    `ALTER TABLE ${schema}.events DROP CONSTRAINT IF EXISTS events_stream_id_version_key`,
    `ALTER TABLE ${schema}.events DROP CONSTRAINT IF EXISTS events_org_stream_version_key`,
    `ALTER TABLE ${schema}.events ADD CONSTRAINT events_org_stream_version_key UNIQUE (organisation_id, stream_id, version)`,
  ];
}

/** Reverts {@link tenantScopedStreamsDdl} (fails if two tenants now share a stream id, as it must). */
export function globalStreamsDdl(schema: string): string[] {
  if (!IDENT.test(schema)) throw new Error(`invalid schema ${schema}`);
  return [
    `ALTER TABLE ${schema}.events DROP CONSTRAINT IF EXISTS events_org_stream_version_key`,
    `ALTER TABLE ${schema}.events ADD CONSTRAINT events_stream_id_version_key UNIQUE (stream_id, version)`,
  ];
}

/**
 * Append-only event streams in PostgreSQL with optimistic concurrency (unique (organisation_id, stream_id,
 * version)), writing the outbox rows in the same transaction, so an event is stored if and only if it will be
 * published. A stream belongs to one tenant: the same stream id in two tenants is two independent streams.
 */
export class EventStore {
  constructor(
    private readonly ds: DataSource,
    private readonly schema: string,
  ) {
    if (!IDENT.test(schema)) throw new Error(`invalid schema ${schema}`);
  }

  /** The stream's events in order; without `organisationId`, every tenant's stream of that id (tools and tests only). */
  async readStream(streamId: string, organisationId?: string): Promise<StoredEvent[]> {
    const rows: { stream_id: string; version: number; envelope: EventEnvelope }[] = await this.ds.query(
      `SELECT stream_id, version, envelope FROM ${this.schema}.events
       WHERE stream_id = $1 ${organisationId ? 'AND organisation_id = $2' : ''} ORDER BY version`,
      organisationId ? [streamId, organisationId] : [streamId],
    );
    // Envelopes stored before the CloudEvents attribute names keep their old names in the table: renamed on read.
    return rows.map((r) => ({ streamId: r.stream_id, version: r.version, event: upcastEnvelope(r.envelope as never) as unknown as EventEnvelope }));
  }

  /**
   * Appends events at `expectedVersion + 1 ...`. `expectedVersion` 0 means "the stream must not exist".
   * Throws {@link ConcurrencyError} when another writer appended first. Returns the new version.
   * The stream is the events' tenant's (`organisationid`, the same for every event of one append).
   */
  async append(streamId: string, streamType: string, expectedVersion: number, events: EventEnvelope[], tx?: QueryRunner): Promise<number> {
    if (!events.length) return expectedVersion;
    const org = events[0].organisationid;
    if (events.some((e) => e.organisationid !== org)) throw new Error(`stream ${streamId}: one append must stay in one organisation`);
    const version = (q: { query: (sql: string, params: unknown[]) => Promise<{ v: number }[]> }) =>
      q.query(`SELECT COALESCE(MAX(version), 0)::int AS v FROM ${this.schema}.events WHERE organisation_id = $1 AND stream_id = $2`, [org, streamId]);
    const run = async (q: QueryRunner) => {
      const [{ v }] = await version(q);
      if (v !== expectedVersion) throw new ConcurrencyError(streamId, expectedVersion, v);
      try {
        await q.query(
          `INSERT INTO ${this.schema}.events (stream_id, stream_type, version, event_id, event_type, organisation_id, occurred_at, envelope)
           SELECT $1, $2, * FROM unnest($3::int[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[])`,
          [
            streamId,
            streamType,
            events.map((_, i) => expectedVersion + i + 1),
            events.map((e) => e.id),
            events.map((e) => e.type),
            events.map((e) => e.organisationid),
            events.map((e) => e.time),
            events.map((e) => JSON.stringify(e)),
          ],
        );
      } catch (err) {
        if ((err as { driverError?: { code?: string }; code?: string }).driverError?.code === '23505' || (err as { code?: string }).code === '23505') {
          const [{ v: now }] = await version(this.ds);
          throw new ConcurrencyError(streamId, expectedVersion, now);
        }
        throw err;
      }
      await enqueueOutbox(q, this.schema, events);
    };
    if (tx) {
      await run(tx);
    } else {
      const q = this.ds.createQueryRunner();
      await q.connect();
      try {
        await q.startTransaction();
        await run(q);
        await q.commitTransaction();
      } catch (err) {
        if (q.isTransactionActive) await q.rollbackTransaction().catch(() => undefined);
        throw err;
      } finally {
        await q.release();
      }
    }
    return expectedVersion + events.length;
  }
}
