import { randomUUID } from 'crypto';
import { Client } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { buildEvent, SessionVerification, type SessionStatusType } from '@cep/contracts';
import { expectEventually, newOrgId, testConfig, testDataSource } from '@cep/testing';
import { EVENT_LOG_CHANNEL, EVENT_LOG_SEQ_LOCK, EventLogQueryService, insertEventLogRows, toEventLogRow, type EventLogRow } from './index';

function row(org: string, ts: number, status: SessionStatusType = 'Open', over: { sessionId?: string; format?: string } = {}): EventLogRow {
  return toEventLogRow(
    buildEvent(
      SessionVerification,
      {
        target: 'acme.verifier1',
        action: { type: status === 'Open' ? 'init_session' : 'verify' },
        status: { type: status },
        sessionId: over.sessionId ?? randomUUID(),
        format: over.format ?? 'vc+sd-jwt',
        signatureAlgorithm: 'ES256',
        credentialType: 'identity_credential',
        ...(status === 'Failure' ? { error: 'signature invalid' } : {}),
      },
      { organisationId: org, correlationId: randomUUID(), source: 'urn:cep:test', time: new Date(ts) },
    ),
  )!;
}

async function inTx<T>(ds: DataSource, fn: (tx: QueryRunner) => Promise<T>): Promise<T> {
  const tx = ds.createQueryRunner();
  await tx.connect();
  await tx.startTransaction();
  try {
    const r = await fn(tx);
    await tx.commitTransaction();
    return r;
  } catch (e) {
    await tx.rollbackTransaction();
    throw e;
  } finally {
    await tx.release();
  }
}

describe('event-log store (PostgreSQL)', () => {
  let ds: DataSource;
  let svc: EventLogQueryService;

  beforeAll(async () => {
    ds = await testDataSource();
    svc = new EventLogQueryService(ds);
  });
  afterAll(async () => ds.destroy());

  it('assigns seq in commit order: a writer that starts while another is uncommitted waits, and readers never see a gap filled late', async () => {
    const org = newOrgId();
    const start = await svc.headSeq(org);
    const t1 = ds.createQueryRunner();
    const t2 = ds.createQueryRunner();
    await t1.connect();
    await t2.connect();
    try {
      await t1.startTransaction();
      await t2.startTransaction();
      const a = row(org, 1000);
      const b = row(org, 2000);
      await insertEventLogRows({ tx: t1 }, [a]);
      const t2Insert = insertEventLogRows({ tx: t2 }, [b]);
      // t2 blocks on the sequence lock until t1 ends
      await expectEventually(async () => {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM pg_locks
           WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          [...EVENT_LOG_SEQ_LOCK],);
        expect(n).toBe(1);
      });
      expect((await svc.readAfter(org, {}, start, 100)).events).toEqual([]);
      await t1.commitTransaction();
      await t2Insert;
      const mid = await svc.readAfter(org, {}, start, 100);
      expect(mid.events.map((e) => e.event._id)).toEqual([a.eventId]); // b is not committed yet
      await t2.commitTransaction();
      const all = await svc.readAfter(org, {}, start, 100);
      expect(all.events.map((e) => e.event._id)).toEqual([a.eventId, b.eventId]);
      expect(all.events[0].seq).toBeLessThan(all.events[1].seq);
      expect((await svc.readAfter(org, {}, mid.scannedTo, 100)).events.map((e) => e.event._id)).toEqual([b.eventId]);
    } finally {
      if (t1.isTransactionActive) await t1.rollbackTransaction();
      if (t2.isTransactionActive) await t2.rollbackTransaction();
      await t1.release();
      await t2.release();
    }
  });

  it('dedupes by event id: a redelivered event keeps its first seq', async () => {
    const org = newOrgId();
    const r = row(org, 5000);
    await inTx(ds, (tx) => insertEventLogRows({ tx }, [r, r]));
    const [first] = await ds.query(`SELECT seq FROM event_log.events WHERE event_id = $1`, [r.eventId]);
    await inTx(ds, (tx) => insertEventLogRows({ tx }, [r]));
    const rows = await ds.query(`SELECT seq FROM event_log.events WHERE organisation_id = $1`, [org]);
    expect(rows).toEqual([first]);
  });

  it('notifies the organisation on commit', async () => {
    const org = newOrgId();
    const c = new Client({ connectionString: testConfig().DATABASE_URL });
    await c.connect();
    const got: string[] = [];
    c.on('notification', (m) => m.channel === EVENT_LOG_CHANNEL && got.push(m.payload ?? ''));
    await c.query(`LISTEN ${EVENT_LOG_CHANNEL}`);
    try {
      await inTx(ds, (tx) => insertEventLogRows({ tx }, [row(org, 1), row(org, 2)]));
      await expectEventually(() => expect(got.filter((o) => o === org)).toHaveLength(1));
    } finally {
      await c.end();
    }
  });

  it('queries newest first with an opaque cursor, filters and groups with exact counts', async () => {
    const org = newOrgId();
    const statuses: SessionStatusType[] = ['Open', 'Open', 'Open', 'Success', 'Success', 'Failure', 'Open'];
    const rows = statuses.map((s, i) => row(org, 10_000 + i * 1000, s, { format: i % 2 ? 'jwt_vc_json' : 'vc+sd-jwt' }));
    await inTx(ds, (tx) => insertEventLogRows({ tx }, rows));
    await inTx(ds, (tx) => insertEventLogRows({ tx }, [row(newOrgId(), 10_500)])); // another tenant

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await svc.query(org, {}, { limit: 3, cursor });
      seen.push(...page.items.map((i) => i._id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...rows].reverse().map((r) => r.eventId));

    const window = await svc.query(org, { fromTimestamp: 11_000, toTimestamp: 13_000, status: ['Open'] }, { limit: 100 });
    expect(window.items.map((i) => i.timestamp)).toEqual([12_000, 11_000]);
    expect(window.nextCursor).toBeNull();

    expect(await svc.groupBy(org, {}, 'status.type')).toEqual([
      { _id: 'Open', count: 4 },
      { _id: 'Success', count: 2 },
      { _id: 'Failure', count: 1 },
    ]);
    expect(await svc.groupBy(org, { status: ['Open'] }, 'format')).toEqual([
      { _id: 'vc+sd-jwt', count: 3 },
      { _id: 'jwt_vc_json', count: 1 },
    ]);
    expect(await svc.groupBy(org, {}, 'error')).toEqual([
      { _id: null, count: 6 },
      { _id: 'signature invalid', count: 1 },
    ]);
  });
});
