import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import { get } from 'http';
import { createServer } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { AssignerProtocol, type Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TOPICS } from '@cep/contracts';
import { skipHistoryBacklog } from '@cep/history/testing';
import { EventPublisher, toOutgoingMessage } from '@cep/messaging';
import { credentialCreatedEvent, expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName, WORKSPACE_ROOT, type AppHandle } from '@cep/testing';

/**
 * A real Prometheus (the `prometheus` binary of the Debian package, as in production) scrapes two replicas of the
 * history projector every second and evaluates the repository's alert rules (k8s/components/monitoring/rules.yml).
 * One replica hangs (SIGSTOP: it keeps its partitions, answers no scrape, applies nothing) while events are published
 * to its partitions; the other replica keeps reporting the lag of every partition of the group from the stored
 * checkpoints. Asserted through Prometheus's own HTTP API (/api/v1/alerts): CepProjectorLagHigh fires for the
 * history projection (the rule's expression and threshold unchanged), CepProjectorDown fires for the hung instance;
 * after the replica is resumed (SIGCONT) it drains its partitions and both alerts clear.
 *
 * Test-only change to the rules, in a generated copy: `for:` is shortened to 3 s so the test takes seconds, not
 * ten minutes; expressions, thresholds and labels are the repository's.
 * Skipped with a message when `prometheus` is not installed, unless CI is set (then it must run; tools/ci/test.sh
 * installs the package).
 */
const RULES = path.join(WORKSPACE_ROOT, 'k8s/components/monitoring/rules.yml');
const FOR = '3s';
const EVENTS = 12_000; // above the rule's 10,000-message threshold

const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;
const suite = hasPrometheus || process.env.CI ? describe : describe.skip;
if (!hasPrometheus && !process.env.CI) {
  console.warn('prometheus-alerts.e2e-spec: skipped: the `prometheus` binary is not installed (Debian package prometheus; tools/ci/test.sh installs it under CI)');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * GET on Prometheus's API with node:http: the e2e tier's global fetch checks every response against the OpenAPI
 * document of the app it calls, and Prometheus is not one of the platform's apps.
 */
function prom(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (/-/ready answers text)
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

suite('Prometheus evaluates the repository rules against the running projectors', () => {
  const kafka = testKafka('prometheus-e2e');
  const publisher = new EventPublisher(kafka);
  const group = uniqueName('prom-e2e-history');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cep-prometheus-'));
  let ds: DataSource;
  let admin: Admin;
  let a: AppHandle;
  let b: AppHandle;
  let prometheus: ChildProcess | undefined;
  let promUrl = '';
  let promLog = '';

  async function alerts(): Promise<Alert[]> {
    const r = await prom(`${promUrl}/api/v1/alerts`);
    expect(r.status).toBe(200);
    const body = r.body as { status: string; data: { alerts: Alert[] } };
    expect(body.status).toBe('success');
    return body.data.alerts;
  }
  const lagAlert = (list: Alert[]) => list.find((x) => x.labels.alertname === 'CepProjectorLagHigh' && x.labels.projection === 'history');
  const downAlert = (list: Alert[], instance: string) => list.find((x) => x.labels.alertname === 'CepProjectorDown' && x.labels.instance === instance);

  beforeAll(async () => {
    ds = await testDataSource();
    await skipHistoryBacklog(ds, kafka);
    admin = kafka.admin();
    await admin.connect();

    // Two replicas of one group. A long session timeout keeps the hung replica's partitions with it (no rebalance
    // hands them to the other while the test looks at the alert).
    const env = (client: string) => ({
      KAFKA_GROUP_ID: group,
      KAFKA_CLIENT_ID: client,
      KAFKA_SESSION_TIMEOUT_MS: '120000',
      KAFKA_REBALANCE_TIMEOUT_MS: '120000',
    });
    const [portA, portB, portProm] = [await freePort(), await freePort(), await freePort()];
    a = await startApp('history-projector', { port: portA, env: env('prom-e2e-a') });
    b = await startApp('history-projector', { port: portB, env: env('prom-e2e-b') });

    // The repository's rules with `for:` shortened (generated copy), evaluated every second.
    const doc = yaml.load(fs.readFileSync(RULES, 'utf8')) as { groups: { name: string; interval?: string; rules: { alert?: string; for?: string }[] }[] };
    for (const g of doc.groups) {
      g.interval = '1s';
      for (const r of g.rules) if (r.alert && r.for) r.for = FOR;
    }
    fs.writeFileSync(path.join(dir, 'rules.yml'), yaml.dump(doc));
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      yaml.dump({
        global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
        rule_files: [path.join(dir, 'rules.yml')],
        scrape_configs: [{ job_name: 'history-projector', static_configs: [{ targets: [`127.0.0.1:${portA}`, `127.0.0.1:${portB}`] }] }],
      }),
    );
    const check = spawnSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(check.stderr + check.stdout).toMatch(/SUCCESS/);
    promLog = path.join(dir, 'prometheus.log');
    const out = fs.openSync(promLog, 'a');
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${portProm}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', out, out] },
    );
    promUrl = `http://127.0.0.1:${portProm}`;
    await expectEventually(
      async () => {
        if (prometheus!.exitCode !== null) throw new Error(`prometheus exited: ${fs.readFileSync(promLog, 'utf8').slice(-2000)}`);
        expect((await prom(`${promUrl}/-/ready`)).status).toBe(200);
      },
      { timeoutMs: 30000 },
    );
  });

  afterAll(async () => {
    if (b?.proc.pid && b.proc.exitCode === null) process.kill(b.proc.pid, 'SIGCONT');
    prometheus?.kill('SIGTERM');
    await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
    await admin?.disconnect();
    await publisher.disconnect();
    await ds?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('CepProjectorLagHigh fires while a replica is stopped with events waiting on its partitions, and clears after it resumes', async () => {
    // Both targets up, both replicas members of the group with partitions assigned.
    await expectEventually(
      async () => {
        const r = (await prom(`${promUrl}/api/v1/targets`)).body as { data: { activeTargets: { health: string }[] } };
        expect(r.data.activeTargets.map((t) => t.health)).toEqual(['up', 'up']);
      },
      { timeoutMs: 30000 },
    );
    const partitionsOfB = await expectEventually(
      async () => {
        const [g] = (await admin.describeGroups([group])).groups;
        expect(g.state).toBe('Stable');
        expect(g.members).toHaveLength(2);
        const member = g.members.find((m) => m.clientId.startsWith('prom-e2e-b'));
        expect(member).toBeDefined();
        const decoded = AssignerProtocol.MemberAssignment.decode(member!.memberAssignment);
        const mine = decoded?.assignment[TOPICS.credentials] ?? [];
        expect(mine.length).toBeGreaterThan(0);
        return mine;
      },
      { timeoutMs: 60000 },
    );
    expect(lagAlert(await alerts())).toBeUndefined();

    // Replica B hangs holding its partitions; events go to exactly those partitions.
    await publisher.connect();
    process.kill(b.proc.pid!, 'SIGSTOP');
    const org = newOrgId();
    for (let sent = 0; sent < EVENTS; sent += 2000) {
      const messages = Array.from({ length: Math.min(2000, EVENTS - sent) }, (_, i) => {
        const m = toOutgoingMessage(credentialCreatedEvent(org));
        return { key: m.key, value: m.value, headers: m.headers, partition: partitionsOfB[(sent + i) % partitionsOfB.length] };
      });
      await (await publisher.raw()).send({ topic: TOPICS.credentials, acks: -1, messages });
    }

    const firing = await expectEventually(
      async () => {
        const list = await alerts();
        const lag = lagAlert(list);
        expect(lag?.state).toBe('firing');
        expect(downAlert(list, `127.0.0.1:${b.port}`)?.state).toBe('firing');
        return lag!;
      },
      { timeoutMs: 90000, intervalMs: 1000 },
    );
    expect(Number(firing.value)).toBeGreaterThan(10000);
    expect(firing.labels.severity).toBe('warning');
    // The healthy replica is not reported down.
    expect(downAlert(await alerts(), `127.0.0.1:${a.port}`)).toBeUndefined();

    // B resumes: it drains its partitions, the lag falls to 0 and both alerts clear.
    process.kill(b.proc.pid!, 'SIGCONT');
    await expectEventually(
      async () => {
        const list = await alerts();
        expect(lagAlert(list)).toBeUndefined();
        expect(downAlert(list, `127.0.0.1:${b.port}`)).toBeUndefined();
      },
      { timeoutMs: 120000, intervalMs: 1000 },
    );
    // ... because the backlog was applied: the recorded lag is back to 0 and the events are in the read model.
    await expectEventually(
      async () => {
        const q = encodeURIComponent('cep:consumer_lag:sum{projection="history"}');
        const r = (await prom(`${promUrl}/api/v1/query?query=${q}`)).body as { data: { result: { value: [number, string] }[] } };
        expect(r.data.result.map((x) => Number(x.value[1]))).toEqual([0]);
      },
      { timeoutMs: 60000, intervalMs: 1000 },
    );
    const [{ n }] = await ds.query(`SELECT count(DISTINCT entity_id)::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
    expect(n).toBeGreaterThan(0);
  });
});
