import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import {
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialOffered,
  CredentialPending,
  partitionsFor,
  TOPICS,
  type EventEnvelope,
} from '@cep/contracts';
import { skipHistoryBacklog } from '@cep/history/testing';
import { EventPublisher } from '@cep/messaging';
import { credentialCreatedData, expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

const TOTAL = 20_000;

/** 5,000 credentials × (CREATED, PENDING, OFFERED, ACCEPTED): 20,000 events over the credentials topic's partitions. */
function credentialEvents(org: string): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  const t0 = Date.parse('2025-05-01T00:00:00Z');
  for (let i = 0; i < TOTAL / 4; i++) {
    const created = credentialCreatedData({ claims: [{ name: 'n', value: String(i) }] });
    const { claims: _c, offerExpiresAt: _o, ...state } = created;
    const meta = (k: number) => ({ organisationId: org, correlationId: randomUUID(), source: 'urn:cep:test', time: new Date(t0 + i * 4000 + k) });
    out.push(
      buildEvent(CredentialCreated, created, meta(0)),
      buildEvent(CredentialPending, state, meta(1)),
      buildEvent(CredentialOffered, state, meta(2)),
      buildEvent(CredentialAccepted, state, meta(3)),
    );
  }
  return out;
}

/**
 * Exactly-once effect of the history projector under crashes: 20,000 events through the real broker, the
 * projector process SIGKILLed mid-stream (and, separately, killed by a failpoint between the database commit and
 * the Kafka offset commit), restarted; the organisation ends with exactly 20,000 entries and counters summing to
 * 20,000 (the counters are not idempotent by key: a doubly applied batch would show). Also with 10% of the
 * events published twice.
 */
describe('history projector crash recovery (Kafka + PostgreSQL, real processes)', () => {
  const kafka = testKafka('history-crash');
  let ds: DataSource;

  /** Starts a projector process and registers it with the test's own list (killed when the test ends). */
  const starter = (running: AppHandle[]) => async (groupId: string, port: number, env: Record<string, string> = {}) => {
    const app = await startApp('history-projector', { port, env: { KAFKA_GROUP_ID: groupId, ...env } });
    running.push(app);
    return app;
  };
  /**
   * Runs a scenario with its own processes and publisher. Sequentially: every consumer group of the history
   * projection shares the checkpoints in the database (per projection, not per group), so two scenarios at once
   * would apply each other's messages.
   */
  const scenario = (body: (start: ReturnType<typeof starter>, publishInChunks: (events: EventEnvelope[], chunk?: number) => Promise<void>) => Promise<void>) => async () => {
    const running: AppHandle[] = [];
    const publisher = new EventPublisher(kafka);
    const publishInChunks = async (events: EventEnvelope[], chunk = 2000) => {
      for (let i = 0; i < events.length; i += chunk) await publisher.publish(events.slice(i, i + chunk));
    };
    try {
      await body(starter(running), publishInChunks);
    } finally {
      await Promise.all(running.map((a) => a.kill('SIGKILL')));
      await publisher.disconnect();
    }
  };
  const stats = async (org: string) => {
    const [r] = await ds.query(
      `SELECT (SELECT count(*) FROM history.entries WHERE organisation_id = $1)::int AS rows,
              (SELECT count(DISTINCT id) FROM history.entries WHERE organisation_id = $1)::int AS ids,
              (SELECT coalesce(sum(n), 0) FROM history.counts WHERE organisation_id = $1)::int AS counted,
              (SELECT coalesce(sum(n), 0) FROM history.related_counts WHERE organisation_id = $1)::int AS "relatedCounted",
              (SELECT count(*) FROM history.entries, unnest(related_ids) AS r WHERE organisation_id = $1 AND r <> entity_id)::int AS "relatedRows",
              (SELECT count(*) FROM history.entities WHERE organisation_id = $1)::int AS entities`,
      [org],
    );
    return r as { rows: number; ids: number; counted: number; relatedCounted: number; relatedRows: number; entities: number };
  };
  const expectExactly = async (org: string) => {
    const s = await expectEventually(
      async () => {
        const s = await stats(org);
        expect(s.counted).toBeGreaterThanOrEqual(TOTAL);
        return s;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    // the relation counters (not idempotent by key either) equal a recount of the entries' relations
    expect(s.relatedRows).toBeGreaterThanOrEqual(TOTAL * 2);
    expect(s).toEqual({ rows: TOTAL, ids: TOTAL, counted: TOTAL, relatedCounted: s.relatedRows, relatedRows: s.relatedRows, entities: TOTAL / 4 });
  };

  beforeAll(async () => {
    ds = await testDataSource();
    expect(partitionsFor(TOPICS.credentials)).toBeGreaterThanOrEqual(3);
    await skipHistoryBacklog(ds, kafka);
  });
  afterAll(async () => {
    await ds.destroy();
  });

  it('killed by the failpoint between the DB commit and the Kafka commit, restarted, SIGKILLed mid-stream, restarted: exactly 20,000', scenario(async (start, publishInChunks) => {
    const org = newOrgId();
    const group = uniqueName('it-history-crash');
    const events = credentialEvents(org);
    await publishInChunks(events.slice(0, TOTAL / 2));
    // 1. dies right after its 5th batch committed in PostgreSQL, before the Kafka offset commit
    const doomed = await start(group, 4320, { CEP_FAILPOINTS: 'runner.after-db-commit@5' });
    await expectEventually(() => expect(doomed.proc.signalCode).toBe('SIGKILL'), { timeoutMs: 60_000 });
    const afterFailpoint = (await stats(org)).rows;
    expect(afterFailpoint).toBeGreaterThan(0);
    expect(afterFailpoint).toBeLessThan(TOTAL / 2);
    // 2. restarted, then SIGKILLed from outside while the second half is still being published
    const second = await start(group, 4321);
    const rest = publishInChunks(events.slice(TOTAL / 2), 1000);
    await expectEventually(async () => expect((await stats(org)).rows).toBeGreaterThan(afterFailpoint + 1000), { timeoutMs: 60_000, intervalMs: 50 });
    await second.kill('SIGKILL');
    expect((await stats(org)).rows).toBeLessThan(TOTAL);
    await rest;
    // 3. restarted: catches up
    await start(group, 4322);
    await expectExactly(org);
  }));

  it('10% of the events published twice, with a SIGKILL in between: exactly 20,000', scenario(async (start, publishInChunks) => {
    const org = newOrgId();
    const group = uniqueName('it-history-dupes');
    const events = credentialEvents(org);
    const dupes = events.filter((_, i) => i % 10 === 3);
    const first = await start(group, 4323);
    await publishInChunks([...events.slice(0, TOTAL / 2), ...dupes.slice(0, dupes.length / 2)]);
    await expectEventually(async () => expect((await stats(org)).rows).toBeGreaterThan(2000), { timeoutMs: 60_000, intervalMs: 50 });
    await first.kill('SIGKILL');
    await publishInChunks([...events.slice(TOTAL / 2), ...dupes]);
    await start(group, 4324);
    await expectExactly(org);
  }));
});
