import * as fs from 'fs';
import { Registry } from 'prom-client';
import type { MigrationInterface } from 'typeorm';
import type { DataSource } from 'typeorm';
import { BatchProjectionRunner, EventPublisher, ProjectionMetrics } from '@cep/messaging';
import { connectDatabase, GATEWAY_DB_ROLE, pendingMigrations, SCHEMA_MIGRATIONS } from '@cep/platform';
import { historyProjection } from '@cep/history';
import { historyScenario, skipHistoryBacklog } from '@cep/history/testing';
import { expectEventually, newOrgId, startApp, testConfig, testKafka, uniqueName, type AppHandle } from '@cep/testing';
import { ensureDatabase, migrate } from './migrate';
import { ALL_MIGRATIONS } from './migrations';

/**
 * A rolling upgrade where the pods start before the migration Job finished, against real Kafka and PostgreSQL:
 * the projector app does not consume and is not ready while its database is one migration behind; a runner that
 * meets an undefined column retries instead of dead-lettering; once the migration ran, everything is projected.
 */
type M = new () => MigrationInterface;
const nameOf = (m: M) => (new m() as { name?: string }).name ?? m.name;
const timestampOf = (m: M) => Number(nameOf(m).match(/(\d{13})$/)?.[1]);

function databaseUrl(name: string): string {
  const u = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  u.pathname = `/${name}`;
  return u.toString();
}

/** A new database with only `migrations` run (TypeORM's migrations table lists exactly these). */
async function databaseWith(migrations: M[]): Promise<{ url: string; ds: DataSource }> {
  const url = databaseUrl(`cep_test_behind_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`);
  await ensureDatabase(url);
  const cfg = testConfig({ DATABASE_URL: url });
  const m = await connectDatabase({ ...cfg, DATABASE_STATEMENT_TIMEOUT_MS: 0 }, { migrations, applicationName: 'test-migrate' });
  await m.runMigrations({ transaction: 'each' });
  await m.destroy();
  return { url, ds: await connectDatabase(cfg, { applicationName: 'test' }) };
}

async function dropDatabase(url: string): Promise<void> {
  const admin = await connectDatabase(testConfig({ DATABASE_URL: databaseUrl('postgres') }), { applicationName: 'test-drop' });
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
  await admin.destroy();
}

const ready = async (app: AppHandle) => {
  const r = await fetch(`${app.url}/health/ready`);
  return { status: r.status, body: (await r.json()) as { error?: Record<string, { status: string; pending?: string[] }> } };
};

const count = async (ds: DataSource, sql: string, params: unknown[]) => ((await ds.query(sql, params)) as { n: number }[])[0].n;

describe('readiness and consumption gated on migrations (Kafka + PostgreSQL)', () => {
  const kafka = testKafka('schema-readiness-int');
  const publisher = new EventPublisher(kafka);
  const dbs: { url: string; ds: DataSource }[] = [];

  afterAll(async () => {
    await publisher.disconnect();
    for (const d of dbs) {
      await d.ds.destroy().catch(() => undefined);
      await dropDatabase(d.url);
    }
  });

  it('keeps the projector app unready and out of its consumer group until the latest migration ran, then projects everything', async () => {
    const ordered = [...ALL_MIGRATIONS].sort((a, b) => timestampOf(a) - timestampOf(b));
    const latest = ordered[ordered.length - 1];
    expect(SCHEMA_MIGRATIONS).toContain(nameOf(latest));
    const db = await databaseWith(ordered.slice(0, -1));
    dbs.push(db);
    await skipHistoryBacklog(db.ds, kafka);
    const groupId = uniqueName('it-schema-gate');
    const projector = await startApp('history-projector', { port: 4781, waitReady: false, env: { DATABASE_URL: db.url, KAFKA_GROUP_ID: groupId } });
    try {
      // Serving HTTP, not ready: `schema` names the pending migration.
      const before = await expectEventually(async () => {
        const r = await ready(projector);
        expect(r.status).toBe(503);
        return r;
      }, { timeoutMs: 60000, intervalMs: 250 });
      expect(before.body.error?.schema).toEqual(expect.objectContaining({ status: 'down', pending: [nameOf(latest)] }));

      const org = newOrgId();
      const sc = historyScenario(org);
      await publisher.publish(sc.events);
      // It said why it waits, and it has not joined the group nor written anything.
      await expectEventually(() => expect(fs.readFileSync(projector.logFile, 'utf8')).toContain('waiting for the migrations'));
      const admin = kafka.admin();
      await admin.connect();
      const { groups } = await admin.describeGroups([groupId]);
      await admin.disconnect();
      expect(groups[0].members).toEqual([]);
      expect((await ready(projector)).status).toBe(503);
      expect(await count(db.ds, `SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org])).toBe(0);

      // The migration Job runs: ready, then every event is projected and none is dead-lettered.
      await migrate(db.url);
      await expectEventually(async () => expect((await ready(projector)).status).toBe(200), { timeoutMs: 60000, intervalMs: 250 });
      await expectEventually(
        async () => expect(await count(db.ds, `SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org])).toBe(sc.events.length),
        { timeoutMs: 60000 },
      );
      expect(await count(db.ds, `SELECT count(*)::int AS n FROM projection.dead_letters`, [])).toBe(0);
      // The check also works for a role that does not own the schema (the gateway's read role).
      await db.ds.transaction(async (m) => {
        await m.query(`SET LOCAL ROLE ${GATEWAY_DB_ROLE}`);
        expect(await pendingMigrations(m)).toEqual([]);
      });
    } finally {
      await projector.kill('SIGTERM');
    }
  });

  it('retries a batch that meets an undefined column (schema behind the runner) and never dead-letters it', async () => {
    // The history read model one migration behind: entries without the search columns the projection writes.
    const searchColumns = ALL_MIGRATIONS.findIndex((m) => nameOf(m) === 'HistorySearchColumnsRelatedCounts1732000002000');
    expect(searchColumns).toBeGreaterThan(0);
    const behind = ALL_MIGRATIONS.filter((m) => timestampOf(m) < timestampOf(ALL_MIGRATIONS[searchColumns]) || nameOf(m).startsWith('Projection') || nameOf(m).startsWith('DeadLetter'));
    const db = await databaseWith(behind);
    dbs.push(db);
    await skipHistoryBacklog(db.ds, kafka);
    const metrics = new ProjectionMetrics(new Registry());
    const runner = new BatchProjectionRunner(kafka, db.ds, historyProjection, { groupId: uniqueName('it-schema-retry'), lagPollMs: 0, metrics });
    const retries = async () => (await metrics.retries.get()).values.reduce((s, v) => s + v.value, 0);
    await runner.start();
    try {
      const org = newOrgId();
      const sc = historyScenario(org);
      await publisher.publish(sc.events);
      // The batch fails with 42703 and is retried with backoff, not isolated into dead letters.
      await expectEventually(async () => expect(await retries()).toBeGreaterThanOrEqual(2), { timeoutMs: 60000 });
      expect(await count(db.ds, `SELECT count(*)::int AS n FROM projection.dead_letters`, [])).toBe(0);
      expect(await count(db.ds, `SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org])).toBe(0);

      await migrate(db.url);
      await expectEventually(
        async () => expect(await count(db.ds, `SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org])).toBe(sc.events.length),
        { timeoutMs: 60000 },
      );
      expect(await count(db.ds, `SELECT count(*)::int AS n FROM projection.dead_letters`, [])).toBe(0);
    } finally {
      await runner.stop();
    }
  });
});
