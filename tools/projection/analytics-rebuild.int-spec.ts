import type { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { HistoryIntegrityService, historyProjection } from '@cep/history';
import { TenantDatabase } from '@cep/platform';
import { ensureTopics, toOutgoingMessage } from '@cep/messaging';
import { credentialCreatedEvent, newOrgId, testDataSource, testKafka, uniqueName } from '@cep/testing';
import { connectAs, createAnalystLogin, dropAnalystLogin, uniqueLogin } from '../../libs/analytics/src/testing/analyst-login';
import { rebuildProjection } from './projection-rebuild';

/**
 * A rebuild swaps the read-model schema and drops the old one with CASCADE: the analytics views that read it must be
 * re-created on the new schema inside the swap (not dropped, not left on the old tables), with their owner, options,
 * grants and the analyst policies of the rebuilt tables intact.
 */
describe('projection rebuild keeps the analytics layer working', () => {
  const kafka = testKafka('analytics-rebuild');
  const topic = uniqueName('analytics-rebuild');
  const a = newOrgId();
  const b = newOrgId();
  const login = uniqueLogin('analyst_rebuild');
  let ds: DataSource;
  let c: Client;

  beforeAll(async () => {
    ds = await testDataSource();
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
    const producer = kafka.producer();
    await producer.connect();
    const events = [...Array.from({ length: 5 }, () => credentialCreatedEvent(a)), ...Array.from({ length: 3 }, () => credentialCreatedEvent(b))];
    await producer.send({
      topic,
      messages: events.map((e) => {
        const m = toOutgoingMessage(e);
        return { key: m.key, value: m.value, headers: m.headers };
      }),
    });
    await producer.disconnect();
    await createAnalystLogin(ds, login, a);
    c = await connectAs(login);
  });

  afterAll(async () => {
    await c?.end().catch(() => undefined);
    await dropAnalystLogin(ds, login).catch(() => undefined);
    await ds?.destroy();
  });

  it('after a history rebuild (old schema dropped) the analyst reads the new model through the views, still walled', async () => {
    const count = async (org: string) =>
      (await c.query(`SELECT count(*)::int AS n FROM analytics.history_entries WHERE organisation_id = $1`, [org])).rows[0].n as number;
    // Not projected into the live schema: the analyst's session (kept open across the swap) sees none yet.
    expect(await count(a)).toBe(0);

    // The projection under its own name (no other checkpoints to wait for), reading only this test's topic.
    const projection = { ...historyProjection, name: uniqueName('history-analytics'), topics: [topic] };
    const r = await rebuildProjection(ds, kafka, { projection, schema: 'history', groupId: uniqueName('analytics-rebuild') }, { timeoutMs: 120000 });
    expect(r.eventsApplied).toBe(8);
    expect((await ds.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = $1`, [r.previousSchema]))[0].n).toBe(0);

    expect(await count(a)).toBe(5);
    expect(await count(b)).toBe(0);
    // The replay chained every entry again in the build schema: the swapped-in history verifies (as the gateway does).
    const tenant = new TenantDatabase(ds);
    try {
      const integrity = new HistoryIntegrityService(tenant);
      expect(await integrity.verify({ organisationId: a })).toMatchObject({ valid: true, checkedLinks: 5, headSeq: 5 });
      expect(await integrity.verify({ organisationId: b })).toMatchObject({ valid: true, checkedLinks: 3, headSeq: 3 });
      expect((await integrity.verify({ organisationId: a })).checkedCheckpoints).toBeGreaterThanOrEqual(1);
    } finally {
      await tenant.onApplicationShutdown();
    }
    await c.query(`SELECT set_config('app.organisation_id', $1, false)`, [b]);
    expect(await count(b)).toBe(0);
    expect((await c.query(`SELECT DISTINCT organisation_id FROM analytics.history_entries`)).rows).toEqual([{ organisation_id: a }]);
    await expect(c.query(`SELECT * FROM history.entries LIMIT 1`)).rejects.toMatchObject({ code: '42501' });

    const [view] = await ds.query(
      `SELECT v.reloptions AS options, pg_get_userbyid(v.relowner) AS owner, has_table_privilege('cep_analyst', v.oid, 'SELECT') AS granted,
              (SELECT n.nspname FROM pg_depend d JOIN pg_rewrite rw ON rw.oid = d.objid JOIN pg_class t ON t.oid = d.refobjid
               JOIN pg_namespace n ON n.oid = t.relnamespace WHERE rw.ev_class = v.oid AND t.oid <> v.oid LIMIT 1) AS reads
       FROM pg_class v WHERE v.oid = 'analytics.history_entries'::regclass`,
    );
    expect(view).toEqual({ options: ['security_barrier=true'], owner: 'cep_analytics_owner', granted: true, reads: 'history' });
    const policies = await ds.query(`SELECT policyname, permissive FROM pg_policies WHERE schemaname = 'history' AND tablename = 'entries' ORDER BY policyname`);
    expect(policies).toEqual([
      { policyname: 'analytics_login', permissive: 'PERMISSIVE' },
      { policyname: 'analytics_login_only', permissive: 'RESTRICTIVE' },
      { policyname: 'tenant_isolation', permissive: 'PERMISSIVE' },
    ]);
  });
});
