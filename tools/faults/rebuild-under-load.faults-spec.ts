import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { buildEvent, CREDENTIAL_EVENTS, CredentialCreated, type EventEnvelope } from '@cep/contracts';
import { EventPublisher } from '@cep/messaging';
import { DEV_JWT_SECRET } from '@cep/platform';
import { credentialCreatedData, expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';
import { startAtEnd } from '../../libs/testing/src/faults';
import { rebuildProjection } from '../projection/projection-rebuild';
import { REBUILD_TARGETS } from '../projection/projections';

/**
 * A rebuild under live load: the history read model of one credential is "buggy" (every name wrong) in the
 * live schema; `rebuildProjection` replays into a new schema and swaps while events keep arriving and the
 * gateway is queried throughout. Every response is the complete old model or the complete new one, never a
 * partial one, and once the new model is served the old one never comes back. Runs in the faults tier: the replay
 * reads the whole (shared) topics from offset 0, which takes minutes on a long-lived broker.
 */
describe('projection rebuild under live load', () => {
  const apps: AppHandle[] = [];
  const org = newOrgId();
  const kafka = testKafka('rebuild-e2e');
  const publisher = new EventPublisher(kafka);
  const groupId = uniqueName('e2e-rebuild-history');
  let ds: DataSource;
  let gateway: AppHandle;

  beforeAll(async () => {
    ds = await testDataSource();
    // The live projector starts at the end of the (shared, long) topic; the rebuild replays all of it from 0.
    const admin = kafka.admin();
    await admin.connect();
    await startAtEnd(ds, admin, REBUILD_TARGETS.history.projection, groupId);
    await admin.disconnect();
    const [p, g] = await Promise.all([
      startApp('history-projector', { port: 4760, env: { KAFKA_GROUP_ID: groupId } }),
      // Readers poll without pause: the per-token rate limit is not what this test is about.
      startApp('gateway', { port: 4761, env: { THROTTLE_LIMIT: '0' } }),
    ]);
    apps.push(p, g);
    gateway = g;
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await publisher.disconnect();
    await ds?.destroy();
  });

  it('serves the old complete model until one atomic swap, then the new complete model', async () => {
    const reader = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'history:read' });
    const created = credentialCreatedData({ name: 'Passport' });
    const { claims: _c, offerExpiresAt: _o, ...state } = created;
    const states = CREDENTIAL_EVENTS.filter((d) => d.type !== CredentialCreated.type);
    const meta = (i: number) => ({ organisationId: org, correlationId: randomUUID(), source: 'urn:cep:test', time: new Date(Date.UTC(2026, 2, 1) + i * 1000) });
    const ENTRIES = 300;
    const events: EventEnvelope[] = [buildEvent(CredentialCreated, created, meta(0))];
    for (let i = 1; i < ENTRIES; i++) events.push(buildEvent(states[i % states.length] as (typeof states)[number], state as never, meta(i)));
    await publisher.publish(events);

    const query = async () => {
      const r = await fetch(`${gateway.url}/api/history/v1?page=0&pageSize=1000&entityId=${created.credentialId}`, { headers: { authorization: `Bearer ${reader}` } });
      expect(r.status).toBe(200);
      return (await r.json()) as { totalItems: number; values: { name: string | null }[] };
    };
    await expectEventually(async () => expect((await query()).totalItems).toBe(ENTRIES), { timeoutMs: 60000 });

    // The "bug": the live model has the wrong name on every entry of this credential.
    await ds.query(`UPDATE history.entries SET name = 'BUG' WHERE organisation_id = $1 AND entity_id = $2`, [org, created.credentialId]);

    // Live load: other credentials of the same organisation keep arriving during the rebuild.
    let loading = true;
    let published = 0;
    const load = (async () => {
      while (loading) {
        const batch = Array.from({ length: 20 }, () => buildEvent(CredentialCreated, credentialCreatedData(), meta(10_000 + published++)));
        await publisher.publish(batch);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // Readers throughout.
    const seen: ('old' | 'new' | string)[] = [];
    let reading = true;
    const readers = (async () => {
      while (reading) {
        const body = await query();
        const bugs = body.values.filter((v) => v.name === 'BUG').length;
        if (body.totalItems === ENTRIES && body.values.length === ENTRIES && bugs === ENTRIES) seen.push('old');
        else if (body.totalItems === ENTRIES && body.values.length === ENTRIES && bugs === 0) seen.push('new');
        else seen.push(`partial total=${body.totalItems} rows=${body.values.length} bug=${bugs}`);
      }
    })();

    let result: Awaited<ReturnType<typeof rebuildProjection>>;
    try {
      result = await rebuildProjection(ds, kafka, { ...REBUILD_TARGETS.history, groupId }, { swapWindowMs: 30000, timeoutMs: 600000 });
      await expectEventually(() => expect(seen.at(-1)).toBe('new'), { timeoutMs: 30000 });
      const afterSwap = seen.length;
      await expectEventually(() => expect(seen.length).toBeGreaterThan(afterSwap + 20), { timeoutMs: 30000 });
    } finally {
      // Stop the load and the readers whatever happened, so nothing outlives the test.
      reading = false;
      loading = false;
      await Promise.allSettled([readers, load]);
    }
    await Promise.all([readers, load]);

    const partial = seen.filter((s) => s !== 'old' && s !== 'new');
    expect(partial).toEqual([]);
    const firstNew = seen.indexOf('new');
    expect(seen.slice(0, firstNew).length).toBeGreaterThan(0); // the old model served while building
    expect(seen.slice(firstNew).every((s) => s === 'new')).toBe(true); // one switch, never back
    process.stdout.write(
      `rebuild ${result.id}: ${result.ms} ms, ${seen.length} gateway responses (${firstNew} old, ${seen.length - firstNew} new, 0 partial), ${published} live events during the rebuild\n`,
    );

    // The live projector keeps projecting into the new schema: every live event ends up in it.
    await expectEventually(
      async () => {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
        expect(n).toBe(ENTRIES + published);
      },
      { timeoutMs: 60000 },
    );
    const [reg] = await ds.query(`SELECT status, previous_dropped FROM projection.rebuilds WHERE id = $1`, [result.id]);
    expect(reg).toEqual({ status: 'swapped', previous_dropped: true });
  });
});
