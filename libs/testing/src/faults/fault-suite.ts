import { execFileSync } from 'child_process';
import * as fs from 'fs';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { deadLetterTopic } from '@cep/contracts';
import { checkpointName, ensureTopics, EventPublisher, type Projection } from '@cep/messaging';
import { startApp, type AppHandle } from '../app-process';
import { moveCheckpointsToEnd } from '../checkpoints';
import { brokerHostPort, portOpen, WORKSPACE_ROOT } from '../infra';
import { publishPaced } from './paced-publish';
import { ProjectorSupervisor } from './projector-supervisor';
import type { ReadModelAdapter } from './read-model-adapter';
import { credentialWorkload } from './workload';

export type FaultName = 'kill9' | 'postgres' | 'broker' | 'rebalance' | 'sigterm' | 'poison' | 'dup-reorder' | 'table-lock';

export const ALL_FAULTS: FaultName[] = ['kill9', 'postgres', 'broker', 'rebalance', 'sigterm', 'poison', 'dup-reorder', 'table-lock'];

export interface FaultProfile {
  name: string;
  /** Valid events per fault run (shared by all projectors: they consume the same stream). */
  events: number;
  /** Progress fractions (of the slowest projector) at which the process faults (kill9, sigterm) are injected. */
  injections: number[];
  /** Injections of the other faults (rebalance storm, poison, duplicates, table lock). */
  otherInjections: number[];
  /** Injections of the faults that disturb the shared broker/database (kept to a minimum). */
  infraInjections: number[];
  lockSeconds: number;
  stormSeconds: number;
  /**
   * Publishing rate (messages/s): a live stream rather than one burst, so that every projector is still
   * consuming when a fault hits (a burst lets the fastest projector finish before the first injection).
   */
  publishRate: number;
  /** Lag must drain within this after publishing ends. */
  drainTimeoutMs: number;
}

export const PROFILES: Record<string, FaultProfile> = {
  ci: { name: 'ci', events: 4000, injections: [0.3, 0.6], otherInjections: [0.4], infraInjections: [0.3], lockSeconds: 15, stormSeconds: 12, publishRate: 250, drainTimeoutMs: 180000 },
  full: { name: 'full', events: 100000, injections: [0.25, 0.5, 0.75], otherInjections: [0.25, 0.5, 0.75], infraInjections: [0.25, 0.5, 0.75], lockSeconds: 60, stormSeconds: 40, publishRate: 1200, drainTimeoutMs: 1800000 },
};

export interface FaultResult {
  fault: FaultName;
  projector: string;
  eventsIn: number;
  rowsOut: number;
  expectedRows: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  offsetsBackwards: number;
  deadLetters: number;
  expectedDeadLetters: number;
  /** Dead letters of the table (this fault's poison) found on `cep.dlq.<group>`, by original topic/partition/offset. */
  dlqTopic: number;
  /** Origins on the topic that the table does not hold (for this fault's poison keys), and copies beyond the first. */
  dlqTopicUnexpected: number;
  dlqTopicDuplicates: number;
  notes: string[];
  pass: boolean;
}

interface CheckpointSample {
  key: string;
  offset: bigint;
}

/**
 * Runs projector processes against the real broker and database, publishes a workload of one fresh
 * organisation per fault, injects the fault at given progress points, waits for lag 0 and compares every
 * read model with its oracle (both ways), checks for duplicate event ids and for checkpoints going backwards.
 */
export class FaultSuite {
  readonly results: FaultResult[] = [];
  private readonly supervisors = new Map<string, ProjectorSupervisor>();
  private admin!: Admin;
  private readonly publisher: EventPublisher;
  private sampler?: NodeJS.Timeout;
  private readonly maxSeen = new Map<string, bigint>();
  private backwards: CheckpointSample[] = [];
  private dlqReader?: Consumer;
  /** Copies read from the dead-letter topics: group → message key → origin (topic/partition/offset) → copies. */
  private readonly dlqSeen = new Map<string, Map<string, Map<string, number>>>();
  readonly groupPrefix = `cep.faults.${Date.now().toString(36)}`;

  constructor(
    private readonly ds: DataSource,
    private readonly kafka: Kafka,
    readonly adapters: ReadModelAdapter[],
    readonly profile: FaultProfile,
    private readonly basePort = 4700,
    private readonly log: (s: string) => void = (s) => process.stdout.write(`[faults] ${s}\n`),
  ) {
    this.publisher = new EventPublisher(kafka);
  }

  groupOf(a: ReadModelAdapter): string {
    return `${this.groupPrefix}.${a.projection.name}`;
  }

  private env(a: ReadModelAdapter): Record<string, string> {
    // The shipped consumer timing (6 s session, 1 s heartbeat); partitions applied concurrently (> 1), so batches
    // of several topics for the same entity run at the same moment.
    return { KAFKA_GROUP_ID: this.groupOf(a), PROJECTION_PARTITION_CONCURRENCY: '3' };
  }

  /**
   * Starts every projector. The topics are shared with other tests and carry history from earlier runs, so
   * the checkpoints (and the group offsets) start at the current end: the suite projects only what it sends
   * from now on (plus whatever other tests publish meanwhile, which is projected but not compared).
   */
  async setUp(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.publisher.connect();
    await ensureTopics(
      this.kafka,
      this.adapters.map((a) => ({ topic: deadLetterTopic(this.groupOf(a)), numPartitions: 1 })),
    );
    for (const a of this.adapters) await startAtEnd(this.ds, this.admin, a.projection, this.groupOf(a));
    await this.startDlqReader();
    let i = 0;
    for (const a of this.adapters) {
      const sup = new ProjectorSupervisor(a.app, this.basePort + 10 * i++, this.env(a));
      this.supervisors.set(a.projection.name, sup);
    }
    await Promise.all([...this.supervisors.values()].map((s) => s.start()));
    this.startSampler();
  }

  async tearDown(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    await this.stopDlqReader();
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    await this.publisher.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  /**
   * Reads every projector's dead-letter topic from the beginning for the whole run (the topics are this run's own:
   * the group names are unique), as a consumer of the DLQ would: copies keyed by their original topic/partition/offset.
   */
  private async startDlqReader(): Promise<void> {
    const byTopic = new Map(this.adapters.map((a) => [deadLetterTopic(this.groupOf(a)), this.groupOf(a)]));
    const reader = this.kafka.consumer({ groupId: `${this.groupPrefix}.dlq-reader`, sessionTimeout: 10000, heartbeatInterval: 1000 });
    this.dlqReader = reader;
    await reader.connect();
    await reader.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        const h = (k: string) => String(message.headers?.[k] ?? '');
        const group = byTopic.get(topic)!;
        const key = message.key?.toString('utf8') ?? '';
        const origin = `${h('x-original-topic')}/${h('x-original-partition')}/${h('x-original-offset')}`;
        const g = this.dlqSeen.get(group) ?? new Map<string, Map<string, number>>();
        this.dlqSeen.set(group, g);
        const k = g.get(key) ?? new Map<string, number>();
        g.set(key, k);
        k.set(origin, (k.get(origin) ?? 0) + 1);
      },
    });
  }

  /**
   * Stops the reader (it commits what it has read); the broker fault does this before killing the broker and starts a
   * new reader of the same group (resuming at the committed offsets) once it is back: a kafkajs consumer left to ride
   * out the outage gives up or keeps a reconnecting client alive after the run.
   */
  private async stopDlqReader(): Promise<void> {
    const r = this.dlqReader;
    this.dlqReader = undefined;
    await r?.disconnect().catch(() => undefined);
  }

  /**
   * The dead-letter topic against the table, for the given poison keys: waits (the relay publishes after the batch
   * commits, and after a broker outage once the broker is back) until every row's origin was read, or gives up.
   */
  private async compareDlqTopic(a: ReadModelAdapter, keys: string[]): Promise<{ found: number; unexpected: number; duplicates: number }> {
    const rows: { topic: string; partition: number; offset: string; msg_key: string }[] = await retryDb(() =>
      this.ds.query(`SELECT topic, partition, "offset", msg_key FROM projection.dead_letters WHERE consumer_group = $1 AND msg_key = ANY($2)`, [
        this.groupOf(a),
        keys,
      ]),
    );
    const expected = new Set(rows.map((r) => `${r.topic}/${r.partition}/${r.offset}`));
    const seen = () => {
      const g = this.dlqSeen.get(this.groupOf(a));
      const copies = new Map<string, number>();
      for (const key of keys) for (const [o, n] of g?.get(key) ?? []) copies.set(o, (copies.get(o) ?? 0) + n);
      return copies;
    };
    await waitFor(() => [...expected].every((o) => seen().has(o)), 60000, 'dead-letter topic copies').catch(() => undefined);
    const copies = seen();
    return {
      found: [...expected].filter((o) => copies.has(o)).length,
      unexpected: [...copies.keys()].filter((o) => !expected.has(o)).length,
      duplicates: [...copies.values()].reduce((s, n) => s + n - 1, 0),
    };
  }

  /** Samples every checkpoint a few times a second: a stored offset must never go backwards. */
  private startSampler(): void {
    const names = this.adapters.map((a) => checkpointName(a.projection));
    let busy = false;
    this.sampler = setInterval(() => {
      if (busy) return;
      busy = true;
      this.ds
        .query(`SELECT projection, topic, partition, next_offset FROM projection.checkpoints WHERE projection = ANY($1)`, [names])
        .then((rows: { projection: string; topic: string; partition: number; next_offset: string }[]) => {
          for (const r of rows) {
            const key = `${r.projection}/${r.topic}/${r.partition}`;
            const o = BigInt(r.next_offset);
            const prev = this.maxSeen.get(key);
            if (prev !== undefined && o < prev) this.backwards.push({ key, offset: o });
            if (prev === undefined || o > prev) this.maxSeen.set(key, o);
          }
        })
        .catch(() => undefined) // the database may be restarting
        .finally(() => (busy = false));
    }, 250);
  }

  /** Messages applied (checkpoint advance) since `base`, per projection. */
  private async applied(base: Map<string, bigint>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const rows: { projection: string; topic: string; partition: number; next_offset: string }[] = await retryDb(() =>
      this.ds.query(`SELECT projection, topic, partition, next_offset FROM projection.checkpoints`),
    );
    for (const a of this.adapters) {
      const cp = checkpointName(a.projection);
      let n = 0n;
      for (const r of rows.filter((x) => x.projection === cp)) n += BigInt(r.next_offset) - (base.get(`${cp}/${r.topic}/${r.partition}`) ?? 0n);
      out.set(a.projection.name, Number(n));
    }
    return out;
  }

  private async checkpointsNow(): Promise<Map<string, bigint>> {
    const rows: { projection: string; topic: string; partition: number; next_offset: string }[] = await retryDb(() =>
      this.ds.query(`SELECT projection, topic, partition, next_offset FROM projection.checkpoints`),
    );
    return new Map(rows.map((r) => [`${r.projection}/${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
  }

  /** One fault: fresh organisation, workload, injections at progress points, drain, compare. */
  async run(fault: FaultName): Promise<FaultResult[]> {
    const org = crypto.randomUUID();
    const p = this.profile;
    const wl = credentialWorkload(org, {
      events: p.events,
      duplicateRate: fault === 'dup-reorder' ? 0.1 : 0,
      reorderWithinKeys: fault === 'dup-reorder',
      poison: fault === 'poison' ? 30 : 0,
      sessions: true,
      relations: true,
    });
    const points = fault === 'postgres' || fault === 'broker' ? p.infraInjections : fault === 'kill9' || fault === 'sigterm' ? p.injections : p.otherInjections;
    const notes = new Map<string, string[]>(this.adapters.map((a) => [a.projection.name, []]));
    const note = (s: string) => {
      this.log(`${fault}: ${s}`);
      for (const a of this.adapters) notes.get(a.projection.name)!.push(s);
    };
    const backwardsBefore = this.backwards.length;
    const base = await this.checkpointsNow();
    const expectedMsgs = new Map(this.adapters.map((a) => [a.projection.name, wl.messages.filter((m) => a.projection.topics.includes(m.topic)).length]));
    const t0 = Date.now();

    const publishing = publishPaced(this.publisher, wl.messages, this.profile.publishRate);
    for (const at of points) {
      const progress = await this.waitProgress(base, expectedMsgs, at, publishing);
      note(`inject at ${Object.entries(progress).map(([k, v]) => `${k} ${(v * 100).toFixed(0)}%`).join(', ')}`);
      await this.inject(fault, note);
    }
    await publishing;
    const ends = new Map<string, { topic: string; partition: number; high: string }[]>();
    for (const a of this.adapters) {
      const list: { topic: string; partition: number; high: string }[] = [];
      for (const topic of a.projection.topics) for (const o of await this.admin.fetchTopicOffsets(topic)) list.push({ topic, ...o });
      ends.set(a.projection.name, list);
    }
    await this.waitForLagZero(ends, fault);
    note(`drained in ${((Date.now() - t0) / 1000).toFixed(1)} s (incl. publishing and injections)`);

    const results: FaultResult[] = [];
    for (const a of this.adapters) {
      const stored = await retryDb(() => a.readRows(this.ds, org));
      const expected = a.oracle(wl.events);
      const storedSet = new Set(stored);
      const expectedSet = new Set(expected);
      const missing = expected.filter((r) => !storedSet.has(r)).length;
      const unexpected = stored.filter((r) => !expectedSet.has(r)).length;
      const duplicates = (await a.duplicateEventIds(this.ds, org, wl.events)) + (stored.length - storedSet.size);
      const offsetsBackwards = this.backwards.slice(backwardsBefore).filter((b) => b.key.startsWith(`${checkpointName(a.projection)}/`)).length;
      const poisonOnTopics = wl.messages.filter((m) => wl.poisonKeys.includes(m.key) && a.projection.topics.includes(m.topic)).length;
      const [{ n: deadLetters }] = await this.ds.query(
        `SELECT count(*)::int AS n FROM projection.dead_letters WHERE consumer_group = $1 AND msg_key = ANY($2)`,
        [this.groupOf(a), wl.poisonKeys],
      );
      const dlq = await this.compareDlqTopic(a, wl.poisonKeys);
      const pass =
        missing === 0 &&
        unexpected === 0 &&
        duplicates === 0 &&
        offsetsBackwards === 0 &&
        deadLetters === poisonOnTopics &&
        dlq.found === poisonOnTopics &&
        dlq.unexpected === 0;
      const own = [...notes.get(a.projection.name)!];
      if (missing || unexpected) {
        // a few differing rows, to see which view is off (row kinds: see the adapter)
        own.push(`missing e.g. ${expected.filter((x) => !storedSet.has(x)).slice(0, 3).join(' ; ') || '-'}`);
        own.push(`unexpected e.g. ${stored.filter((x) => !expectedSet.has(x)).slice(0, 3).join(' ; ') || '-'}`);
      }
      if (dlq.duplicates) own.push(`${dlq.duplicates} extra copies on the DLQ topic (consumers dedupe by origin)`);
      const r: FaultResult = {
        fault,
        projector: a.projection.name,
        eventsIn: wl.events.length,
        rowsOut: stored.length,
        expectedRows: expected.length,
        duplicates,
        missing,
        unexpected,
        offsetsBackwards,
        deadLetters,
        expectedDeadLetters: poisonOnTopics,
        dlqTopic: dlq.found,
        dlqTopicUnexpected: dlq.unexpected,
        dlqTopicDuplicates: dlq.duplicates,
        notes: own,
        pass,
      };
      results.push(r);
      this.results.push(r);
    }
    return results;
  }

  private async waitProgress(
    base: Map<string, bigint>,
    expected: Map<string, number>,
    at: number,
    publishing: Promise<void>,
  ): Promise<Record<string, number>> {
    let published = false;
    void publishing.then(() => (published = true), () => (published = true));
    const deadline = Date.now() + this.profile.drainTimeoutMs;
    for (;;) {
      const applied = await this.applied(base);
      const progress: Record<string, number> = {};
      for (const a of this.adapters) progress[a.projection.name] = Math.min(1, (applied.get(a.projection.name) ?? 0) / Math.max(1, expected.get(a.projection.name) ?? 1));
      if (Math.min(...Object.values(progress)) >= at) return progress;
      if (Date.now() > deadline) throw new Error(`progress ${JSON.stringify(progress)} never reached ${at}${published ? ' (publishing done)' : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async waitForLagZero(ends: Map<string, { topic: string; partition: number; high: string }[]>, fault: FaultName): Promise<void> {
    const deadline = Date.now() + this.profile.drainTimeoutMs;
    for (;;) {
      const cps = await this.checkpointsNow();
      const behind: string[] = [];
      for (const a of this.adapters) {
        const cp = checkpointName(a.projection);
        for (const e of ends.get(a.projection.name)!) {
          const at = cps.get(`${cp}/${e.topic}/${e.partition}`) ?? 0n;
          if (at < BigInt(e.high)) behind.push(`${cp} ${e.topic}[${e.partition}] ${at} < ${e.high}`);
        }
      }
      if (!behind.length) return;
      if (Date.now() > deadline) {
        const logs = [...this.supervisors.values()].map((s) => `--- ${s.app}\n${s.tailLog(2000)}`).join('\n');
        throw new Error(`${fault}: lag did not drain: ${behind.join('; ')}\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  // ---------------------------------------------------------------- the faults

  private async inject(fault: FaultName, note: (s: string) => void): Promise<void> {
    const sups = [...this.supervisors.values()];
    switch (fault) {
      case 'kill9': {
        // Alternate: SIGKILL from outside (mid-batch), and a failpoint between the DB commit and the Kafka commit.
        const viaFailpoint = (this.killCount++ % 2) === 0;
        if (viaFailpoint) {
          for (const s of sups) s.setNextEnv({ CEP_FAILPOINTS: 'runner.after-db-commit@1' });
          // Exits expected per supervisor: the SIGKILL, then the failpoint's own SIGKILL.
          const before = sups.map((s) => s.exits.length + 1);
          await Promise.all(sups.map((s) => s.signal('SIGKILL')));
          // The instance with the failpoint kills itself right after its first DB commit, before the Kafka
          // commit. A projector that has nothing left to consume has no batch to fire on: noted, not waited for.
          await waitFor(() => sups.every((s, i) => s.exits.length > before[i]), 30000, 'failpoint exit').catch(() => undefined);
          const fired = sups.map((s, i) => `${s.app.replace('-projector', '')}: ${s.exits.length > before[i] ? 'fired' : 'no batch'}`);
          // Whatever did not fire must not keep the failpoint for later.
          await Promise.all(sups.map((s, i) => (s.exits.length > before[i] ? undefined : s.signal('SIGKILL'))));
          note(`SIGKILL + restart with failpoint runner.after-db-commit@1 (${fired.join(', ')})`);
        } else {
          await Promise.all(sups.map((s) => s.signal('SIGKILL')));
          note('SIGKILL mid-batch');
        }
        await Promise.all(sups.map((s) => s.ready()));
        return;
      }
      case 'sigterm': {
        const r = await Promise.all(sups.map((s) => s.signal('SIGTERM')));
        note(`SIGTERM: exits ${r.map((x) => x.code ?? x.signal).join(',')} in ${r.map((x) => x.ms).join(',')} ms`);
        // Nest closes the app (consumer stop → pools closed) and then re-raises the signal, hence exit by SIGTERM.
        for (const x of r) {
          const graceful = (x.code === 0 || x.signal === 'SIGTERM') && x.log.includes('consumer stopped') && x.ms < 25000;
          if (!graceful) throw new Error(`graceful shutdown failed: ${x.code ?? x.signal} after ${x.ms} ms\n${x.log.slice(-1500)}`);
        }
        await Promise.all(sups.map((s) => s.ready()));
        return;
      }
      case 'postgres': {
        if (this.pgCount++ === 0) {
          const t = Date.now();
          try {
            restartPostgres();
            note(`PostgreSQL restarted in ${Date.now() - t} ms`);
          } catch (err) {
            // Not a pg_ctlcluster-managed server here (e.g. a remote DATABASE_URL): cut the connections instead.
            const n = await this.terminateBackends();
            note(`PostgreSQL restart unavailable (${String(err).slice(0, 120)}); pg_terminate_backend of ${n} connections instead`);
          }
        } else {
          const n = await this.terminateBackends();
          note(`pg_terminate_backend of ${n} projector connections`);
        }
        return;
      }
      case 'broker': {
        const t = Date.now();
        await this.stopDlqReader();
        kafkaSh('kill9');
        const { host, port } = brokerHostPort();
        const down = await waitFor(async () => !(await portOpen(host, port)), 15000, 'broker port closed').then(() => true, () => false);
        if (!down) {
          note('broker not started by tools/kafka/kafka.sh (no pid file): kill -9 skipped');
          await this.startDlqReader();
          return;
        }
        kafkaSh('start');
        await this.startDlqReader();
        note(`broker kill -9 + start in ${Date.now() - t} ms`);
        return;
      }
      case 'rebalance': {
        // A second and third instance per projector join and leave every few seconds (each join and each leave
        // is a rebalance): a new instance every 3 s, the oldest extra one leaves (SIGTERM or SIGKILL) when two run.
        const end = Date.now() + this.profile.stormSeconds * 1000;
        const extra: AppHandle[][] = this.adapters.map(() => []);
        let joins = 0;
        let k = 0;
        while (Date.now() < end) {
          await Promise.all(
            this.adapters.map(async (a, i) => {
              if (extra[i].length >= 2) await extra[i].shift()!.kill(k++ % 2 ? 'SIGKILL' : 'SIGTERM');
              const slot = 1 + (joins % 2);
              extra[i].push(await startApp(a.app, { port: this.basePort + 10 * i + slot, env: this.env(a), waitReady: false }));
            }),
          );
          joins++;
          await new Promise((r) => setTimeout(r, 3000));
        }
        await Promise.all(extra.flat().map((h) => h.kill('SIGTERM')));
        note(`rebalance storm: ${joins} joins (+ as many leaves) of 2nd/3rd instances over ${this.profile.stormSeconds} s`);
        return;
      }
      case 'poison':
      case 'dup-reorder':
        // The fault is in the data; still disturb the consumer once per point so the mix crosses a restart.
        await Promise.all(sups.map((s) => s.signal('SIGKILL')));
        await Promise.all(sups.map((s) => s.ready()));
        note('data fault in the stream (+ SIGKILL restart)');
        return;
      case 'table-lock':
        return this.lockTables(note);
    }
  }

  private killCount = 0;
  private pgCount = 0;

  private async terminateBackends(): Promise<number> {
    const names = this.adapters.map((a) => a.projection.name);
    const rows = await retryDb(() =>
      this.ds.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ANY($1)`,
        [names],
      ),
    );
    return rows.length;
  }

  /** Holds ACCESS EXCLUSIVE on every read-model table; the group must keep its members and memory stay bounded. */
  private async lockTables(note: (s: string) => void): Promise<void> {
    const c = new Client({ connectionString: process.env.DATABASE_URL, application_name: 'faults-lock' });
    await c.connect();
    const sups = [...this.supervisors.values()];
    const groupsBefore = await Promise.all(this.adapters.map((a) => this.admin.describeGroups([this.groupOf(a)])));
    const membersBefore = groupsBefore.map((g) => g.groups[0].members.map((m) => m.memberId).sort().join(','));
    const restartsBefore = sups.map((s) => s.restarts);
    const rss: number[] = sups.map(() => 0);
    try {
      await c.query('BEGIN');
      for (const a of this.adapters) await c.query(`LOCK TABLE ${a.lockTable} IN ACCESS EXCLUSIVE MODE`);
      const end = Date.now() + this.profile.lockSeconds * 1000;
      while (Date.now() < end) {
        sups.forEach((s, i) => (rss[i] = Math.max(rss[i], rssMb(s.pid))));
        await new Promise((r) => setTimeout(r, 500));
      }
      await c.query('COMMIT');
    } finally {
      await c.end().catch(() => undefined);
    }
    const groupsAfter = await Promise.all(this.adapters.map((a) => this.admin.describeGroups([this.groupOf(a)])));
    const membersAfter = groupsAfter.map((g) => g.groups[0].members.map((m) => m.memberId).sort().join(','));
    const evicted = this.adapters.filter((_, i) => membersBefore[i] !== membersAfter[i] || sups[i].restarts !== restartsBefore[i]);
    note(`tables locked ${this.profile.lockSeconds} s: max RSS ${rss.map((r) => `${r.toFixed(0)} MB`).join(', ')}; evictions: ${evicted.length}`);
    if (evicted.length) throw new Error(`group members changed during the lock: ${evicted.map((a) => a.projection.name).join(', ')}`);
    if (rss.some((r) => r > 1024)) throw new Error(`memory not bounded during the lock: ${rss.join(', ')} MB`);
  }

  /** The printed table: fault × projector. */
  table(): string {
    const head = ['fault', 'projector', 'events in', 'rows out', 'expected', 'duplicates', 'missing', 'unexpected', 'offsets back', 'DLQ', 'DLQ topic', 'result'];
    const rows = this.results.map((r) => [
      r.fault,
      r.projector,
      String(r.eventsIn),
      String(r.rowsOut),
      String(r.expectedRows),
      String(r.duplicates),
      String(r.missing),
      String(r.unexpected),
      String(r.offsetsBackwards),
      `${r.deadLetters}/${r.expectedDeadLetters}`,
      `${r.dlqTopic}/${r.expectedDeadLetters}${r.dlqTopicUnexpected ? ` +${r.dlqTopicUnexpected} unexpected` : ''}${r.dlqTopicDuplicates ? ` (${r.dlqTopicDuplicates} dup)` : ''}`,
      r.pass ? 'PASS' : 'FAIL',
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
    const byFault = new Map<string, FaultResult[]>();
    for (const r of this.results) byFault.set(r.fault, [...(byFault.get(r.fault) ?? []), r]);
    const notes: string[] = [];
    for (const [f, rs] of byFault) {
      // the injections are shared by the projectors; a projector's own findings follow them
      const common = Math.min(...rs.map((r) => r.notes.length));
      notes.push(`  ${f}: ${rs[0].notes.slice(0, common).join('; ')}`);
      for (const r of rs) if (r.notes.length > common) notes.push(`    ${r.projector}: ${r.notes.slice(common).join('; ')}`);
    }
    return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line), '', 'Injections:', ...notes].join('\n');
  }
}

/**
 * Moves a projection's checkpoints and a consumer group's offsets to the current end of its topics, so a
 * projector started now only projects what is published from now on (topics shared by tests carry history).
 */
export async function startAtEnd(ds: DataSource, admin: Admin, projection: Projection, groupId: string): Promise<void> {
  const ends = await moveCheckpointsToEnd(ds, admin, checkpointName(projection), projection.topics);
  for (const [topic, partitions] of ends) await admin.setOffsets({ groupId, topic, partitions });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function retryDb<T>(fn: () => Promise<T>, timeoutMs = 60000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** `pg_ctlcluster <version> <cluster> restart` (fast shutdown); PG_CLUSTER overrides (e.g. "15 main"). */
export function restartPostgres(): void {
  const [version, cluster] = (process.env.PG_CLUSTER ?? detectCluster()).split(' ');
  execFileSync('pg_ctlcluster', [version, cluster, 'restart', '-m', 'fast'], { stdio: 'inherit' });
}

function detectCluster(): string {
  const versions = fs.readdirSync('/etc/postgresql').sort();
  const v = versions[versions.length - 1];
  const clusters = fs.readdirSync(`/etc/postgresql/${v}`);
  return `${v} ${clusters.includes('main') ? 'main' : clusters[0]}`;
}

/** tools/kafka/kafka.sh against the suite's broker (KAFKA_BROKERS may name a private one, e.g. for test:faults). */
function kafkaSh(cmd: 'kill9' | 'start'): void {
  const { host, port } = brokerHostPort();
  execFileSync('bash', [`${WORKSPACE_ROOT}/tools/kafka/kafka.sh`, cmd], {
    stdio: 'inherit',
    env: { ...process.env, KAFKA_HOST: host, KAFKA_PORT: String(port) },
  });
}
