import * as fs from 'fs';
import { historyProjection } from '@cep/history';
import { checkpointName, EventPublisher } from '@cep/messaging';
import { expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName } from '@cep/testing';
import type { DataSource } from 'typeorm';
import { credentialWorkload, startAtEnd } from '../../libs/testing/src/faults';

/**
 * SIGTERM on every kind of app: the process exits well inside the pod's grace period (45 s projectors, 30 s
 * others); a projector stopped mid-stream finishes or abandons its batch, leaves the group at once (the group is
 * empty right after the exit, no session timeout) and its database connections are gone.
 */
describe('graceful shutdown (SIGTERM)', () => {
  let ds: DataSource;
  const kafka = testKafka('shutdown-e2e');
  beforeAll(async () => (ds = await testDataSource()));
  afterAll(async () => ds.destroy());

  it('projector mid-stream: leaves the group, closes its pool, exits in seconds', async () => {
    const groupId = uniqueName('e2e-shutdown');
    const admin = kafka.admin();
    await admin.connect();
    await startAtEnd(ds, admin, historyProjection, groupId);
    const projector = await startApp('history-projector', { port: 4770, env: { KAFKA_GROUP_ID: groupId } });
    const publisher = new EventPublisher(kafka);
    try {
      const start = await ds.query(`SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM projection.checkpoints WHERE projection = $1`, [checkpointName(historyProjection)]);
      const msgs = credentialWorkload(newOrgId(), { events: 8000 }).messages;
      for (let i = 0; i < msgs.length; i += 500) await publisher.send(msgs.slice(i, i + 500));
      // Mid-stream: some batches committed, more to come.
      await expectEventually(async () => {
        const [{ n }] = await ds.query(`SELECT coalesce(sum(next_offset), 0)::bigint AS n FROM projection.checkpoints WHERE projection = $1`, [checkpointName(historyProjection)]);
        expect(BigInt(n) - BigInt(start[0].n)).toBeGreaterThan(0n);
      });
      const t = Date.now();
      await projector.kill('SIGTERM');
      const ms = Date.now() - t;
      expect(ms).toBeLessThan(15000);
      expect(fs.readFileSync(projector.logFile, 'utf8')).toContain('consumer stopped');
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0].members).toEqual([]);
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [historyProjection.name]);
      expect(n).toBe(0);
      process.stdout.write(`projector SIGTERM → exit in ${ms} ms, group empty, 0 connections left\n`);
    } finally {
      await projector.kill('SIGKILL');
      await publisher.disconnect();
      await admin.disconnect();
    }
  });

  it.each([
    ['gateway', 4771],
    ['issuer', 4772],
  ])('%s exits cleanly on SIGTERM', async (app, port) => {
    const h = await startApp(app as string, { port: port as number });
    const t = Date.now();
    await h.kill('SIGTERM');
    const ms = Date.now() - t;
    expect(h.proc.exitCode === 0 || h.proc.signalCode === 'SIGTERM').toBe(true);
    expect(ms).toBeLessThan(10000);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [app]);
    expect(n).toBe(0);
  });
});
