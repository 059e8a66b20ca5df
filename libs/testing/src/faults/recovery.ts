import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { checkpointName, toOutgoingMessage, type Projection } from '@cep/messaging';
import { credentialCreatedEvent } from '../event-fixtures';
import { WORKSPACE_ROOT } from '../infra';
import { startAtEnd } from './fault-suite';

/**
 * Recovery-time measurement of a projector's production build (`npm run build` → `node dist/apps/<app>/src/main.js`
 * with tools/runtime/register-paths.js, NODE_ENV=production), against the real broker and database:
 *  - start → ready: process spawn until /health/ready answers 200 (consumer joined), the group being empty;
 *  - kill -9 → recovered, restarted: the only instance is SIGKILLed and started again at once (what the supervisor
 *    or Kubernetes does); time until every partition's checkpoint has advanced again (its next batch committed);
 *  - kill -9 → recovered, survivor: two instances run, one is SIGKILLed and not restarted; time until every
 *    partition (the dead member's included) has its next batch committed by the survivor.
 * A ticker publishes one event to every partition of every topic of the projection every `tickMs`, so a partition
 * that is consumed advances within a tick.
 */

export interface RecoveryRun {
  startToReadyMs: number;
  restartedRecoveryMs: number;
  restartedReadyMs: number;
  survivorRecoveryMs: number;
}

export interface RecoveryOptions {
  app: string;
  projection: Projection;
  groupId: string;
  basePort: number;
  env?: Record<string, string>;
  tickMs?: number;
  timeoutMs?: number;
  log?: (s: string) => void;
}

interface Instance {
  proc: ChildProcess;
  port: number;
  logFile: string;
  exited: Promise<void>;
}

/**
 * Compiles apps, libs and tools to dist/ (`npm run build`); returns the time it took. tsc emits even when it reports
 * type errors; those are printed (the type-check tier fails on them), the measurement goes on with what was emitted.
 */
export function buildProduction(): number {
  const t = Date.now();
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: WORKSPACE_ROOT, stdio: 'pipe' });
  } catch (err) {
    const out = String((err as { stdout?: Buffer }).stdout ?? err).slice(0, 2000);
    process.stderr.write(`[recovery] npm run build reported errors (output emitted anyway):\n${out}\n`);
  }
  return Date.now() - t;
}

export class RecoveryBench {
  private producer?: Producer;
  private admin?: Admin;
  private ticker?: NodeJS.Timeout;
  private sending?: Promise<void>;
  private partitions: { topic: string; partition: number }[] = [];
  private readonly live = new Set<Instance>();
  private readonly log: (s: string) => void;
  private readonly org = crypto.randomUUID();

  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    private readonly opts: RecoveryOptions,
  ) {
    this.log = opts.log ?? ((s) => process.stdout.write(`[recovery] ${s}\n`));
  }

  async setUp(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await startAtEnd(this.ds, this.admin, this.opts.projection, this.opts.groupId);
    for (const topic of this.opts.projection.topics) {
      for (const o of await this.admin.fetchTopicOffsets(topic)) this.partitions.push({ topic, partition: o.partition });
    }
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.ticker = setInterval(() => {
      if (this.sending) return;
      const byTopic = new Map<string, { partition: number; key: string; value: string; headers: Record<string, string> }[]>();
      for (const p of this.partitions) {
        // any valid event advances a partition's checkpoint (types a projection does not record are skipped)
        const m = toOutgoingMessage(credentialCreatedEvent(this.org));
        const list = byTopic.get(p.topic) ?? [];
        list.push({ partition: p.partition, key: m.key, value: m.value, headers: m.headers });
        byTopic.set(p.topic, list);
      }
      this.sending = this.producer!
        .sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => (this.sending = undefined));
    }, this.opts.tickMs ?? 100);
  }

  async tearDown(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await this.sending; // a send in flight would reconnect the producer after its disconnect
    for (const i of [...this.live]) await this.kill(i, 'SIGTERM');
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  /** One run of the three measurements; leaves no instance running. */
  async run(): Promise<RecoveryRun> {
    await this.waitGroupEmpty();
    // 1. start → ready (empty group: a deploy, or the first start)
    const t0 = Date.now();
    const a = this.spawn(this.opts.basePort);
    await this.waitReady(a);
    const startToReadyMs = Date.now() - t0;
    await this.waitAllAdvance(await this.offsets(), Date.now());

    // 2. kill -9 the only instance, start it again at once
    const killed = await this.kill(a, 'SIGKILL');
    const atKill = await this.offsets();
    const a2 = this.spawn(this.opts.basePort);
    const readyAt = this.waitReady(a2).then(() => Date.now());
    const restartedRecoveryMs = (await this.waitAllAdvance(atKill, killed)) - killed;
    const restartedReadyMs = (await readyAt) - killed;

    // 3. two instances; kill -9 one, the other takes over its partitions
    const b = this.spawn(this.opts.basePort + 1);
    await this.waitReady(b);
    await this.waitStableMembers(2);
    await this.waitAllAdvance(await this.offsets(), Date.now());
    const killed2 = await this.kill(a2, 'SIGKILL');
    const survivorRecoveryMs = (await this.waitAllAdvance(await this.offsets(), killed2)) - killed2;
    await this.kill(b, 'SIGTERM');

    const r = { startToReadyMs, restartedRecoveryMs, restartedReadyMs, survivorRecoveryMs };
    this.log(JSON.stringify(r));
    return r;
  }

  private spawn(port: number): Instance {
    const logFile = path.join(os.tmpdir(), `cep-recovery-${this.opts.app}-${port}-${Date.now()}.log`);
    const out = fs.openSync(logFile, 'a');
    const proc = spawn(
      process.execPath,
      ['-r', './tools/runtime/register-paths.js', path.join('dist/apps', this.opts.app, 'src/main.js')],
      {
        cwd: WORKSPACE_ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          // production refuses the public dev secret; a projector does not use it
          AUTH_JWT_SECRET: `recovery-${crypto.randomUUID()}`,
          METRICS_PORT: String(port),
          KAFKA_GROUP_ID: this.opts.groupId,
          ...this.opts.env,
        },
        stdio: ['ignore', out, out],
      },
    );
    fs.closeSync(out);
    const inst: Instance = { proc, port, logFile, exited: new Promise((r) => proc.once('exit', () => r())) };
    this.live.add(inst);
    void inst.exited.then(() => this.live.delete(inst));
    return inst;
  }

  /** Sends the signal, waits for the exit; returns the time the signal was sent. */
  private async kill(i: Instance, sig: NodeJS.Signals): Promise<number> {
    const t = Date.now();
    if (i.proc.exitCode === null && i.proc.signalCode === null) i.proc.kill(sig);
    await i.exited;
    return t;
  }

  private async waitReady(i: Instance): Promise<void> {
    await this.until(async () => {
      if (i.proc.exitCode !== null || i.proc.signalCode !== null) {
        throw new Error(`${this.opts.app} exited during start:\n${fs.readFileSync(i.logFile, 'utf8').slice(-3000)}`);
      }
      try {
        return (await fetch(`http://127.0.0.1:${i.port}/health/ready`)).status === 200;
      } catch {
        return false;
      }
    }, 'ready');
  }

  private async offsets(): Promise<Map<string, bigint>> {
    const rows: { topic: string; partition: number; next_offset: string }[] = await this.ds.query(
      `SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = $1`,
      [checkpointName(this.opts.projection)],
    );
    return new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
  }

  /** Polls the checkpoints until every partition is past `base`; returns when the last one advanced (ms epoch). */
  private async waitAllAdvance(base: Map<string, bigint>, since: number): Promise<number> {
    const pending = new Set(this.partitions.map((p) => `${p.topic}/${p.partition}`));
    let last = since;
    await this.until(async () => {
      const now = await this.offsets();
      const t = Date.now();
      for (const k of [...pending]) {
        if ((now.get(k) ?? 0n) > (base.get(k) ?? 0n)) {
          pending.delete(k);
          last = t;
        }
      }
      return pending.size === 0;
    }, `every partition advancing (${pending.size} left)`);
    return last;
  }

  private async waitGroupEmpty(): Promise<void> {
    await this.until(async () => {
      const { groups } = await this.admin!.describeGroups([this.opts.groupId]);
      return !groups[0] || groups[0].members.length === 0;
    }, 'group empty');
  }

  private async waitStableMembers(n: number): Promise<void> {
    await this.until(async () => {
      const { groups } = await this.admin!.describeGroups([this.opts.groupId]);
      return groups[0]?.state === 'Stable' && groups[0].members.length === n;
    }, `${n} stable members`);
  }

  private async until(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + (this.opts.timeoutMs ?? 120000);
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`recovery: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
}
