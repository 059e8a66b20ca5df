import { execFile } from 'child_process';
import * as path from 'path';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { checkpointName, currentOutboxDdl, EventPublisher, OutboxRelay } from '@cep/messaging';
import { WORKSPACE_ROOT } from '../infra';
import { startAtEnd } from './fault-suite';
import { enqueuePaced } from './paced-publish';
import { ProjectorSupervisor } from './projector-supervisor';
import type { ReadModelAdapter } from './read-model-adapter';
import { credentialWorkload } from './workload';

/**
 * The local three-node KRaft cluster of tools/kafka/cluster.sh (combined broker + controller nodes 1..3), driven
 * from tests: start/stop, the leader of a partition (kafkajs metadata), the active controller (the metadata quorum's
 * leader through Admin#describeMetadataQuorum: under KRaft a Metadata response names a random broker as
 * "controller"), and per-node kill -9, SIGSTOP/SIGCONT, graceful stop and restart.
 */
export class LocalKafkaCluster {
  readonly ports: number[];

  constructor(
    readonly basePort = Number(process.env.KAFKA_CLUSTER_BASE_PORT ?? 39092),
    readonly host = '127.0.0.1',
  ) {
    this.ports = [1, 2, 3].map((n) => basePort + 100 * (n - 1));
  }

  get brokers(): string {
    return this.ports.map((p) => `${this.host}:${p}`).join(',');
  }

  /** tools/kafka/cluster.sh, asynchronously (the event loop keeps measuring while a node starts). */
  private sh(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'bash',
        [path.join(WORKSPACE_ROOT, 'tools/kafka/cluster.sh'), ...args],
        { encoding: 'utf8', env: { ...process.env, KAFKA_HOST: this.host, KAFKA_CLUSTER_BASE_PORT: String(this.basePort) }, timeout: 180000 },
        (err, stdout, stderr) => (err ? reject(new Error(`cluster.sh ${args.join(' ')}: ${String(err)}\n${stderr.slice(-2000)}`)) : resolve(stdout.trim())),
      );
    });
  }

  /** Deletes the data dirs of an earlier run and starts the three nodes (a fresh cluster). */
  async startFresh(): Promise<void> {
    await this.sh('reset');
    await this.sh('start');
  }
  async stop(): Promise<void> {
    await this.sh('stop');
  }
  async kill9(node: number): Promise<void> {
    await this.sh('kill9', String(node));
  }
  async pause(node: number): Promise<void> {
    await this.sh('pause', String(node));
  }
  async resume(node: number): Promise<void> {
    await this.sh('resume', String(node));
  }
  async startNode(node: number): Promise<void> {
    await this.sh('start-node', String(node));
  }
  async stopNode(node: number): Promise<void> {
    await this.sh('stop-node', String(node));
  }

  /** Node id of the active controller (metadata quorum leader). */
  async controller(): Promise<number> {
    const out = await this.sh('controller');
    const id = Number(out.split('\n').pop());
    if (![1, 2, 3].includes(id)) throw new Error(`no active controller reported: ${out}`);
    return id;
  }

  /** Leader node of each partition of the topics. */
  async leaders(admin: Admin, topics: string[]): Promise<Map<string, number>> {
    const meta = await admin.fetchTopicMetadata({ topics });
    const out = new Map<string, number>();
    for (const t of meta.topics) for (const p of t.partitions) out.set(`${t.name}/${p.partitionId}`, p.leader);
    return out;
  }

  /** Partitions whose in-sync replicas are fewer than three (empty: the cluster is fully replicated). */
  async underReplicated(admin: Admin, topics: string[]): Promise<string[]> {
    const meta = await admin.fetchTopicMetadata({ topics });
    return meta.topics.flatMap((t) => t.partitions.filter((p) => p.isr.length < 3 || p.leader < 0).map((p) => `${t.name}/${p.partitionId} isr=${p.isr.join(',')}`));
  }
}

export type ClusterFaultName = 'leader-kill9' | 'controller-kill9' | 'rolling-restart' | 'partition-sigstop';
export const ALL_CLUSTER_FAULTS: ClusterFaultName[] = ['leader-kill9', 'controller-kill9', 'rolling-restart', 'partition-sigstop'];

export interface ClusterFaultProfile {
  name: string;
  /** Valid events per fault run. */
  events: number;
  /** Publishing rate (messages/s): a live stream while the fault hits. */
  publishRate: number;
  /** Progress (slowest projector) at which the fault is injected. */
  injectAt: number;
  /** How long a killed node stays down before it is started again. */
  downSeconds: number;
  /** SIGSTOP duration: longer than the projectors' session timeout (6 s) and the brokers' (9 s). */
  pauseSeconds: number;
  drainTimeoutMs: number;
}

export const CLUSTER_PROFILES: Record<string, ClusterFaultProfile> = {
  ci: { name: 'ci', events: 3000, publishRate: 250, injectAt: 0.3, downSeconds: 8, pauseSeconds: 15, drainTimeoutMs: 240000 },
  full: { name: 'full', events: 100000, publishRate: 1000, injectAt: 0.3, downSeconds: 20, pauseSeconds: 25, drainTimeoutMs: 1800000 },
};

export interface ClusterFaultResult {
  fault: ClusterFaultName;
  projector: string;
  events: number;
  rowsOut: number;
  expectedRows: number;
  lost: number;
  unexpected: number;
  doubled: number;
  /** Fault → this read model has applied everything published before the fault (ms). */
  recoveryMs: number;
  /** Fault → every read model caught up (ms): the slowest of the projectors. */
  allRecoveredMs: number;
  /**
   * Fault → everything the producer had written to its outbox before the fault is on the topics and applied by every
   * read model (ms): the end-to-end stall, relay included.
   */
  endToEndMs: number;
  /** The longest any of the run's events waited in the outbox before the broker acknowledged it (ms). */
  maxOutboxWaitMs: number;
  /** Projector process exits during the run (a crash the supervisor had to restart); 0 = no restart needed. */
  restarts: number;
  /** The outbox relay's producers thrown away after a failed or incomplete send during the run (batches resent). */
  relayResets: number;
  /** Most outbox rows waiting for the relay during the run. */
  maxBacklog: number;
  notes: string[];
  pass: boolean;
}

type Ends = Map<string, bigint>;

/**
 * The cluster faults against projector processes (the FaultSuite's adapters and oracles): one fresh organisation per
 * fault, a paced workload written to a producer outbox and taken to the topics by the producers' `OutboxRelay` (the
 * path every event takes in production), the fault injected mid-load, then the outbox drained, lag 0 and every read
 * model compared with its oracle both ways (lost = oracle rows missing, doubled = event ids applied twice or
 * duplicate rows). Recovery time: from the fault until every read model has applied everything that was on the
 * topics when the fault hit, and end to end until everything in the outbox at the fault is published and applied.
 */
export class ClusterFaultSuite {
  readonly results: ClusterFaultResult[] = [];
  private readonly supervisors = new Map<string, ProjectorSupervisor>();
  private admin!: Admin;
  private readonly publisher: EventPublisher;
  private relay?: OutboxRelay;
  /** The producer whose outbox carries the workload (a schema of the suite's own, like a producer app's). */
  readonly outboxSchema = 'cluster_faults';
  readonly groupPrefix = `cep.cluster-faults.${Date.now().toString(36)}`;

  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    readonly cluster: LocalKafkaCluster,
    readonly adapters: ReadModelAdapter[],
    readonly profile: ClusterFaultProfile,
    private readonly databaseUrl: string,
    private readonly basePort = 4900,
    private readonly log: (s: string) => void = (s) => process.stdout.write(`[cluster-faults] ${s}\n`),
  ) {
    this.publisher = new EventPublisher(kafka);
  }

  private get topics(): string[] {
    return [...new Set(this.adapters.flatMap((a) => a.projection.topics))];
  }

  async setUp(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.publisher.connect();
    await this.ds.query(`CREATE SCHEMA IF NOT EXISTS ${this.outboxSchema}`);
    for (const ddl of currentOutboxDdl(this.outboxSchema)) await this.ds.query(ddl);
    this.relay = new OutboxRelay(this.ds, this.publisher, { schema: this.outboxSchema, databaseUrl: this.databaseUrl, pollIntervalMs: 200 });
    this.relay.start();
    // Fresh topics: the partitions' leadership is still spreading through the brokers' metadata (ListOffsets
    // answers "not the leader" for a moment), so wait for full replication and retry.
    await this.waitHealthy();
    for (const a of this.adapters) await retry(() => startAtEnd(this.ds, this.admin, a.projection, `${this.groupPrefix}.${a.projection.name}`));
    let i = 0;
    for (const a of this.adapters) {
      const env = { KAFKA_GROUP_ID: `${this.groupPrefix}.${a.projection.name}`, PROJECTION_PARTITION_CONCURRENCY: '3', KAFKA_BROKERS: this.cluster.brokers };
      this.supervisors.set(a.projection.name, new ProjectorSupervisor(a.app, this.basePort + 10 * i++, env));
    }
    await Promise.all([...this.supervisors.values()].map((s) => s.start()));
  }

  async tearDown(): Promise<void> {
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    await this.relay?.stop().catch(() => undefined);
    await this.publisher.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  private async checkpoints(): Promise<Ends> {
    const rows: { projection: string; topic: string; partition: number; next_offset: string }[] = await retry(() =>
      this.ds.query(`SELECT projection, topic, partition, next_offset FROM projection.checkpoints`),
    );
    return new Map(rows.map((r) => [`${r.projection}/${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
  }

  /** High watermarks of every partition of the suite's topics. */
  private async highWatermarks(): Promise<Ends> {
    const out: Ends = new Map();
    for (const topic of this.topics) for (const o of await retry(() => this.admin.fetchTopicOffsets(topic))) out.set(`${topic}/${o.partition}`, BigInt(o.high));
    return out;
  }

  /** Partitions of this projector behind the given ends. */
  private behind(a: ReadModelAdapter, cps: Ends, ends: Ends): string[] {
    const cp = checkpointName(a.projection);
    const out: string[] = [];
    for (const topic of a.projection.topics)
      for (const [k, high] of ends)
        if (k.startsWith(`${topic}/`) && (cps.get(`${cp}/${k}`) ?? 0n) < high) out.push(`${k} ${cps.get(`${cp}/${k}`) ?? 0n} < ${high}`);
    return out;
  }

  /** Resolves per projector with the time (ms since `t0`) at which it had applied everything up to `ends`. */
  private async caughtUp(ends: Ends, t0: number, deadlineMs: number): Promise<Map<string, number>> {
    const done = new Map<string, number>();
    const deadline = Date.now() + deadlineMs;
    while (done.size < this.adapters.length) {
      const cps = await this.checkpoints();
      for (const a of this.adapters) if (!done.has(a.projection.name) && !this.behind(a, cps, ends).length) done.set(a.projection.name, Date.now() - t0);
      if (done.size === this.adapters.length) break;
      if (Date.now() > deadline) {
        const lagging = this.adapters.filter((a) => !done.has(a.projection.name)).map((a) => `${a.projection.name}: ${this.behind(a, cps, ends).slice(0, 4).join('; ')}`);
        const logs = [...this.supervisors.values()].map((s) => `--- ${s.app}\n${s.tailLog(1500)}`).join('\n');
        throw new Error(`not caught up in ${deadlineMs} ms: ${lagging.join(' | ')}\n${logs}`);
      }
      await sleep(200);
    }
    return done;
  }

  private async progress(base: Ends, expected: Map<string, number>): Promise<number> {
    const cps = await this.checkpoints();
    let min = 1;
    for (const a of this.adapters) {
      const cp = checkpointName(a.projection);
      let n = 0n;
      for (const [k, v] of cps) if (k.startsWith(`${cp}/`)) n += v - (base.get(k) ?? 0n);
      min = Math.min(min, Number(n) / Math.max(1, expected.get(a.projection.name) ?? 1));
    }
    return min;
  }

  /** Outbox rows the relay has not published yet (up to a position). */
  private async backlog(upTo?: string): Promise<number> {
    const r: { n: number }[] = await this.ds.query(
      `SELECT count(*)::int AS n FROM ${this.outboxSchema}.outbox WHERE published_at IS NULL AND ($1::bigint IS NULL OR position <= $1::bigint)`,
      [upTo ?? null],
    );
    return r[0].n;
  }

  /**
   * From the run's outbox rows (after `position`): the most rows waiting at once (written, not yet acknowledged) and
   * the longest wait of one (created_at: the writing transaction; published_at: the acknowledgement).
   */
  private async outboxStats(position: string): Promise<{ maxBacklog: number; maxOutboxWaitMs: number }> {
    const t = `${this.outboxSchema}.outbox`;
    const r: { backlog: number; wait_ms: number }[] = await this.ds.query(
      `WITH run AS (SELECT created_at, published_at FROM ${t} WHERE position > $1::bigint),
            steps AS (SELECT created_at AS at, 1 AS d FROM run UNION ALL SELECT published_at, -1 FROM run)
       SELECT (SELECT coalesce(max(n), 0)::int FROM (SELECT sum(d) OVER (ORDER BY at, d ROWS UNBOUNDED PRECEDING) AS n FROM steps) x) AS backlog,
              (SELECT coalesce(extract(epoch FROM max(published_at - created_at)) * 1000, 0)::float8 FROM run) AS wait_ms`,
      [position],
    );
    return { maxBacklog: r[0].backlog, maxOutboxWaitMs: Number(r[0].wait_ms) };
  }

  private async lastPosition(): Promise<string> {
    const r: { p: string }[] = await this.ds.query(`SELECT coalesce(max(position), 0)::text AS p FROM ${this.outboxSchema}.outbox`);
    return r[0].p;
  }

  /** Waits until the cluster has all three nodes back in every partition's ISR. */
  async waitHealthy(timeoutMs = 120000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const under = await this.cluster.underReplicated(this.admin, this.topics).catch((e) => [String(e)]);
      if (!under.length) return;
      if (Date.now() > deadline) throw new Error(`cluster not fully replicated after ${timeoutMs} ms: ${under.slice(0, 5).join('; ')}`);
      await sleep(500);
    }
  }

  async run(fault: ClusterFaultName): Promise<ClusterFaultResult[]> {
    const p = this.profile;
    const org = crypto.randomUUID();
    const wl = credentialWorkload(org, { events: p.events, sessions: true, relations: true });
    const notes: string[] = [];
    const note = (s: string) => {
      this.log(`${fault}: ${s}`);
      notes.push(s);
    };
    await this.waitHealthy();
    const restartsBefore = new Map([...this.supervisors].map(([k, s]) => [k, s.restarts]));
    const base = await this.checkpoints();
    const startEnds = await this.highWatermarks();
    const expected = new Map(this.adapters.map((a) => [a.projection.name, wl.messages.filter((m) => a.projection.topics.includes(m.topic)).length]));
    const resetsBefore = this.publisher.resets;
    const positionBefore = await this.lastPosition();
    let publishErr: unknown;
    const publishing = enqueuePaced(this.ds, this.outboxSchema, wl.messages, this.profile.publishRate).catch((e) => (publishErr = e));
    const deadline = Date.now() + p.drainTimeoutMs;
    while ((await this.progress(base, expected)) < p.injectAt) {
      if (publishErr) throw publishErr;
      if (Date.now() > deadline) throw new Error(`${fault}: progress never reached ${p.injectAt}`);
      await sleep(100);
    }
    // Everything on the topics at the fault: recovery = the fault → every read model has applied all of it.
    const endsAtFault = await this.highWatermarks();
    const positionAtFault = await this.lastPosition();
    const tFault = Date.now();
    const recovered = this.caughtUp(endsAtFault, tFault, p.drainTimeoutMs);
    recovered.catch(() => undefined);
    const endToEnd = (async () => {
      const deadline = Date.now() + p.drainTimeoutMs;
      while ((await this.backlog(positionAtFault)) > 0) {
        if (Date.now() > deadline) throw new Error(`${fault}: the outbox rows written before the fault were not published in ${p.drainTimeoutMs} ms`);
        await sleep(200);
      }
      return Math.max(...(await this.caughtUp(await this.highWatermarks(), tFault, p.drainTimeoutMs)).values());
    })();
    endToEnd.catch(() => undefined);
    await this.inject(fault, startEnds, endsAtFault, note);
    await publishing;
    if (publishErr) throw publishErr;
    const recovery = await recovered;
    const allRecoveredMs = Math.max(...recovery.values());
    note(`fault → all read models caught up with the topics as of the fault: ${(allRecoveredMs / 1000).toFixed(1)} s`);
    const endToEndMs = await endToEnd;
    note(`fault → the outbox as of the fault published and applied everywhere: ${(endToEndMs / 1000).toFixed(1)} s`);
    // Everything written to the outbox is on the topics, then applied by every read model.
    const drainDeadline = Date.now() + p.drainTimeoutMs;
    while ((await this.backlog()) > 0) {
      if (Date.now() > drainDeadline) throw new Error(`${fault}: outbox not drained: ${await this.backlog()} rows`);
      await sleep(200);
    }
    const relayResets = this.publisher.resets - resetsBefore;
    const { maxBacklog, maxOutboxWaitMs } = await this.outboxStats(positionBefore);
    note(
      `outbox: at most ${maxBacklog} rows waiting, the longest wait ${(maxOutboxWaitMs / 1000).toFixed(1)} s; relay producer replaced ${relayResets}× after a failed or incomplete send`,
    );
    await this.caughtUp(await this.highWatermarks(), Date.now(), p.drainTimeoutMs);

    const results: ClusterFaultResult[] = [];
    for (const a of this.adapters) {
      const stored = await retry(() => a.readRows(this.ds, org));
      const oracle = a.oracle(wl.events);
      const storedSet = new Set(stored);
      const oracleSet = new Set(oracle);
      const lost = oracle.filter((r) => !storedSet.has(r)).length;
      const unexpected = stored.filter((r) => !oracleSet.has(r)).length;
      const doubled = (await a.duplicateEventIds(this.ds, org, wl.events)) + (stored.length - storedSet.size);
      const restarts = this.supervisors.get(a.projection.name)!.restarts - restartsBefore.get(a.projection.name)!;
      const r: ClusterFaultResult = {
        fault,
        projector: a.projection.name,
        events: wl.events.length,
        rowsOut: stored.length,
        expectedRows: oracle.length,
        lost,
        unexpected,
        doubled,
        recoveryMs: recovery.get(a.projection.name)!,
        allRecoveredMs,
        endToEndMs,
        maxOutboxWaitMs,
        restarts,
        relayResets,
        maxBacklog,
        notes: [...notes],
        pass: lost === 0 && unexpected === 0 && doubled === 0 && restarts === 0,
      };
      results.push(r);
      this.results.push(r);
    }
    return results;
  }

  /** The node leading the partition that received the most of this run's messages so far. */
  private async busiestLeader(startEnds: Ends, now: Ends): Promise<{ node: number; partitions: string[] }> {
    const growth = [...now].map(([k, v]) => ({ k, n: v - (startEnds.get(k) ?? 0n) })).sort((x, y) => (y.n > x.n ? 1 : y.n < x.n ? -1 : 0));
    const leaders = await retry(() => this.cluster.leaders(this.admin, this.topics));
    const node = leaders.get(growth[0].k)!;
    const top = growth.slice(0, 6).filter((g) => leaders.get(g.k) === node).map((g) => `${g.k} (+${g.n})`);
    return { node, partitions: top };
  }

  private async inject(fault: ClusterFaultName, startEnds: Ends, now: Ends, note: (s: string) => void): Promise<void> {
    const p = this.profile;
    switch (fault) {
      case 'leader-kill9': {
        const { node, partitions } = await this.busiestLeader(startEnds, now);
        await this.cluster.kill9(node);
        note(`kill -9 node ${node}, leader of the busiest partitions ${partitions.join(', ')}; down ${p.downSeconds} s`);
        await sleep(p.downSeconds * 1000);
        await this.cluster.startNode(node);
        return;
      }
      case 'controller-kill9': {
        const node = await this.cluster.controller();
        await this.cluster.kill9(node);
        const t = Date.now();
        const next = await waitValue(() => this.cluster.controller(), (id) => id !== node, 60000);
        note(`kill -9 node ${node}, the active controller; node ${next} elected in ${((Date.now() - t) / 1000).toFixed(1)} s (incl. the query); down ${p.downSeconds} s`);
        await sleep(Math.max(0, p.downSeconds * 1000 - (Date.now() - t)));
        await this.cluster.startNode(node);
        return;
      }
      case 'rolling-restart': {
        const steps: string[] = [];
        for (const node of [1, 2, 3]) {
          const t = Date.now();
          await this.cluster.stopNode(node);
          await this.cluster.startNode(node);
          await this.waitHealthy();
          steps.push(`node ${node} ${((Date.now() - t) / 1000).toFixed(1)} s`);
        }
        note(`rolling restart (SIGTERM, start, wait until back in every ISR): ${steps.join(', ')}`);
        return;
      }
      case 'partition-sigstop': {
        const { node, partitions } = await this.busiestLeader(startEnds, now);
        await this.cluster.pause(node);
        note(`SIGSTOP node ${node} (leader of ${partitions.join(', ')}) for ${p.pauseSeconds} s, then SIGCONT`);
        try {
          await sleep(p.pauseSeconds * 1000);
        } finally {
          await this.cluster.resume(node);
        }
        return;
      }
    }
  }

  /** fault × read model: events, lost, doubled, recovery. */
  table(): string {
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const lines = [
      '| fault | read model | events | rows (stored / oracle) | lost | doubled | unexpected | projector restarts | caught up after the fault | all read models | end to end (outbox) | longest outbox wait |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...this.results.map(
        (r) =>
          `| ${r.fault} | ${r.projector} | ${r.events} | ${r.rowsOut} / ${r.expectedRows} | ${r.lost} | ${r.doubled} | ${r.unexpected} | ${r.restarts} | ${s(r.recoveryMs)} | ${s(r.allRecoveredMs)} | ${s(r.endToEndMs)} | ${s(r.maxOutboxWaitMs)} |`,
      ),
    ];
    const byFault = new Map(this.results.map((r) => [r.fault, r.notes]));
    return [...lines, '', ...[...byFault].map(([f, n]) => `- ${f}: ${n.join('; ')}`)].join('\n');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function retry<T>(fn: () => Promise<T>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

async function waitValue<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await get();
      if (ok(v)) return v;
    } catch {
      /* no leader yet */
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(500);
  }
}
