import type { Kafka } from 'kafkajs';
import type { DataSource, QueryRunner } from 'typeorm';
import { deadLetterTopic } from '@cep/contracts';
import { BatchProjectionRunner, checkpointName, ensureTopics, type Projection } from '@cep/messaging';
import { Logger } from '@cep/platform';

export interface RebuildTarget {
  projection: Projection;
  /** The Postgres schema that holds the read model (all its tables, functions and triggers). */
  schema: string;
  /** The live projector's consumer group (the rebuild uses its own, derived from it). */
  groupId: string;
  /** Tables whose rows are state rather than projected data (counters, seeds): copied into the build schema. */
  copyData?: readonly string[];
}

export interface RebuildOptions {
  /** Keep the replaced schema (renamed `<schema>__old_<id>`) for rollback instead of dropping it. */
  keepOld?: boolean;
  /** How long the swap may hold the live checkpoints while the rebuild closes the last gap. */
  swapWindowMs?: number;
  timeoutMs?: number;
  log?: Logger;
  /** Called once the build schema is created and the replay runs (tests use it to observe the build). */
  onBuilding?: (buildSchema: string) => void;
}

export interface RebuildResult {
  id: string;
  buildSchema: string;
  previousSchema: string;
  eventsApplied: number;
  ms: number;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Rebuilds a read model without downtime:
 * 1. creates `<schema>__rebuild_<id>` with the same tables (LIKE ... INCLUDING ALL, own sequences), functions
 *    and triggers;
 * 2. replays the projection from offset 0 with its own consumer group, checkpoints and dedupe ids, its SQL
 *    pointed at the build schema (the schema prefix of every statement is rewritten), while the live projector
 *    keeps serving and writing the old schema;
 * 3. once the build has caught up it swaps in ONE transaction: it locks the live checkpoints (the live projector
 *    waits), lets the replay reach them, stops the replay, hands the replay's checkpoints, dedupe ids and
 *    freshness to the live projection and renames the schemas (`<schema>` → `<schema>__old_<id>`,
 *    build → `<schema>`). Readers see either the old or the new complete model, never a partial one.
 */
export async function rebuildProjection(ds: DataSource, kafka: Kafka, target: RebuildTarget, opts: RebuildOptions = {}): Promise<RebuildResult> {
  const log = opts.log ?? new Logger(`rebuild.${target.projection.name}`);
  const started = Date.now();
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const live = target.projection;
  const schema = target.schema;
  const build = `${schema}__rebuild_${id}`;
  const old = `${schema}__old_${id}`;
  const groupId = `${target.groupId}.rebuild-${id}`;
  const replay: Projection = {
    ...live,
    name: `${live.name}#rebuild-${id}`,
    apply: (events, ctx) => live.apply(events, { ...ctx, tx: redirectSchema(ctx.tx, schema, build) }),
  };
  await ds.query(`INSERT INTO projection.rebuilds (id, projection, schema_name, build_schema, status) VALUES ($1, $2, $3, $4, 'building')`, [
    id,
    live.name,
    schema,
    build,
  ]);
  let runner: BatchProjectionRunner | undefined;
  try {
    await cloneSchema(ds, schema, build, target.copyData ?? []);
    log.info('build schema created; replaying from offset 0', { build, groupId });
    await ensureTopics(kafka, [{ topic: deadLetterTopic(groupId), numPartitions: 1 }]);
    runner = new BatchProjectionRunner(kafka, ds, replay, { groupId, fromBeginning: true, lagPollMs: 0, logger: log });
    await runner.start();
    opts.onBuilding?.(build);

    const admin = kafka.admin();
    await admin.connect();
    try {
      const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
      let analyzed = false;
      for (;;) {
        if (Date.now() > deadline) throw new Error('rebuild did not catch up in time');
        // Catch up with the end offsets as they are now (a fixed target: under live load the very end moves
        // all the time; the swap closes the remaining gap while it holds the live checkpoints).
        const ends = new Map<string, bigint>();
        for (const topic of live.topics) for (const o of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${o.partition}`, BigInt(o.high));
        let lastLog = 0;
        for (;;) {
          const cps = await checkpoints(ds, checkpointName(replay));
          let behind = 0n;
          for (const [k, high] of ends) if ((cps.get(k) ?? 0n) < high) behind += high - (cps.get(k) ?? 0n);
          if (behind === 0n) break;
          if (Date.now() > deadline) throw new Error('rebuild did not catch up in time');
          if (Date.now() - lastLog > 10000) {
            log.info('replaying', { behind: Number(behind) });
            lastLog = Date.now();
          }
          await sleep(250);
        }
        if (!analyzed) {
          // Planner statistics for the freshly built tables before they serve (autovacuum may be slow to get to
          // them, or off): the first queries after the swap must not run on a bulk-loaded table without statistics.
          await analyzeSchema(ds, build);
          analyzed = true;
          log.info('analyzed', { schema: build });
        }
        if (await trySwap(ds, live, replay, runner, { schema, build, old, id, windowMs: opts.swapWindowMs ?? 30000, log })) break;
        // The window closed before the replay reached the live checkpoints (live locks released): try again.
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    runner = undefined;
    const [{ n }] = await ds.query(`SELECT events_applied::bigint AS n FROM projection.state WHERE projection = $1`, [live.name]).catch(() => [{ n: 0 }]);
    if (!opts.keepOld) {
      await ds.query(`DROP SCHEMA ${ident(old)} CASCADE`);
      await ds.query(`UPDATE projection.rebuilds SET previous_dropped = true WHERE id = $1`, [id]);
    }
    await cleanupGroup(kafka, groupId);
    log.info('rebuild swapped in', { build, previous: old, dropped: !opts.keepOld, ms: Date.now() - started });
    return { id, buildSchema: build, previousSchema: old, eventsApplied: Number(n ?? 0), ms: Date.now() - started };
  } catch (err) {
    await runner?.stop().catch(() => undefined);
    await ds.query(`UPDATE projection.rebuilds SET status = 'failed', error = $2 WHERE id = $1`, [id, String(err).slice(0, 2000)]).catch(() => undefined);
    await ds.query(`DROP SCHEMA IF EXISTS ${ident(build)} CASCADE`).catch(() => undefined);
    await dropReplayState(ds, replay).catch(() => undefined);
    await cleanupGroup(kafka, groupId);
    throw err;
  }
}

async function trySwap(
  ds: DataSource,
  live: Projection,
  replay: Projection,
  runner: BatchProjectionRunner,
  o: { schema: string; build: string; old: string; id: string; windowMs: number; log: Logger },
): Promise<boolean> {
  const tx = ds.createQueryRunner();
  await tx.connect();
  try {
    await tx.startTransaction();
    await tx.query(`SET LOCAL lock_timeout = '30s'`);
    // The live projector cannot commit past these while we hold them (its batch waits, then retries).
    const liveRows: { topic: string; partition: number; next_offset: string }[] = await tx.query(
      `SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = $1 FOR UPDATE`,
      [checkpointName(live)],
    );
    const target = new Map(liveRows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
    const deadline = Date.now() + o.windowMs;
    for (;;) {
      const cps = await checkpoints(ds, checkpointName(replay));
      if ([...target].every(([k, v]) => (cps.get(k) ?? 0n) >= v)) break;
      if (Date.now() > deadline) {
        await tx.rollbackTransaction();
        o.log.warn('replay did not reach the live checkpoints within the swap window; retrying');
        return false;
      }
      await sleep(100);
    }
    // Nothing may write the build schema after this point.
    await runner.stop();
    const final = await tx.query(`SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = $1`, [checkpointName(replay)]);
    await tx.query(
      `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset)
       SELECT $1, topic, partition, next_offset FROM projection.checkpoints WHERE projection = $2
       ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()`,
      [checkpointName(live), checkpointName(replay)],
    );
    if (live.dedupe === 'runner') {
      await tx.query(`DELETE FROM projection.processed_events WHERE projection = $1`, [live.name]);
      await tx.query(`UPDATE projection.processed_events SET projection = $1 WHERE projection = $2`, [live.name, replay.name]);
    }
    await tx.query(`DELETE FROM projection.state WHERE projection = $1`, [live.name]);
    await tx.query(`UPDATE projection.state SET projection = $1 WHERE projection = $2`, [live.name, replay.name]);
    await tx.query(`DELETE FROM projection.checkpoints WHERE projection = $1`, [checkpointName(replay)]);
    const views = await dependentViews(tx, o.schema);
    await tx.query(`ALTER SCHEMA ${ident(o.schema)} RENAME TO ${ident(o.old)}`);
    await tx.query(`ALTER SCHEMA ${ident(o.build)} RENAME TO ${ident(o.schema)}`);
    // Views of other schemas (the analytics layer) follow the renamed tables; point them at the new ones, so that
    // dropping the old schema (CASCADE) cannot drop them and they never serve the replaced model.
    await rebindViews(tx, views);
    const [{ n }] = await tx.query(`SELECT coalesce(max(events_applied), 0)::bigint AS n FROM projection.state WHERE projection = $1`, [live.name]);
    await tx.query(
      `UPDATE projection.rebuilds SET status = 'swapped', swapped_at = now(), previous_schema = $2, events_applied = $3 WHERE id = $1`,
      [o.id, o.old, n],
    );
    await tx.commitTransaction();
    o.log.info('swapped', { partitions: final.length });
    return true;
  } catch (err) {
    if (tx.isTransactionActive) await tx.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await tx.release().catch(() => undefined);
  }
}

/** A view outside a swapped schema that reads its tables: qualified name, definition (names qualified) and options. */
export interface DependentView {
  name: string;
  def: string;
  options: string[] | null;
}

/**
 * The views of other schemas that read relations of `schema` (e.g. `analytics.*`), with definitions whose every name
 * is schema-qualified (search_path emptied for the rest of the transaction), in creation order.
 */
export async function dependentViews(m: { query(sql: string, params?: unknown[]): Promise<any> }, schema: string): Promise<DependentView[]> {
  await m.query(`SELECT set_config('search_path', 'pg_catalog', true)`);
  return m.query(
    `SELECT v.oid::regclass::text AS name, pg_get_viewdef(v.oid) AS def, v.reloptions AS options
     FROM pg_class v JOIN pg_namespace vn ON vn.oid = v.relnamespace
     WHERE v.relkind = 'v' AND vn.nspname <> $1 AND EXISTS (
       SELECT 1 FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.refclassid = 'pg_class'::regclass
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
       WHERE rw.ev_class = v.oid AND tn.nspname = $1)
     ORDER BY v.oid`,
    [schema],
  );
}

/**
 * Re-creates each view from its definition (`CREATE OR REPLACE VIEW`: same view, so owner, grants and dependants
 * stay), which resolves its names again: after the swap they name the new schema. Its options (security_barrier,
 * security_invoker, ...) are restated, since CREATE OR REPLACE would reset them.
 */
export async function rebindViews(m: { query(sql: string, params?: unknown[]): Promise<any> }, views: readonly DependentView[]): Promise<void> {
  for (const v of views) {
    const withOptions = v.options?.length ? ` WITH (${v.options.join(', ')})` : '';
    await m.query(`CREATE OR REPLACE VIEW ${v.name}${withOptions} AS ${v.def.replace(/;\s*$/, '')}`);
  }
}

async function checkpoints(ds: DataSource, name: string): Promise<Map<string, bigint>> {
  const rows: { topic: string; partition: number; next_offset: string }[] = await ds.query(
    `SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = $1`,
    [name],
  );
  return new Map(rows.map((r) => [`${r.topic}/${r.partition}`, BigInt(r.next_offset)]));
}

async function dropReplayState(ds: DataSource, replay: Projection): Promise<void> {
  await ds.query(`DELETE FROM projection.checkpoints WHERE projection = $1`, [checkpointName(replay)]);
  await ds.query(`DELETE FROM projection.processed_events WHERE projection = $1`, [replay.name]);
  await ds.query(`DELETE FROM projection.state WHERE projection = $1`, [replay.name]);
}

async function cleanupGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics({ topics: [deadLetterTopic(groupId)] }).catch(() => undefined);
  } catch {
    /* best effort */
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Creates `to` as a structural copy of schema `from`: tables with defaults, constraints and indexes (own
 * sequences for serial columns), functions and triggers. Function bodies keep naming `from`, which is the
 * name the build schema carries after the swap.
 */
export async function cloneSchema(ds: DataSource, from: string, to: string, copyData: readonly string[] = []): Promise<void> {
  await ds.transaction(async (m) => {
    await m.query(`CREATE SCHEMA ${ident(to)}`);
    const fns: { def: string }[] = await m.query(
      `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = $1 AND p.prokind IN ('f', 'p')`,
      [from],
    );
    for (const f of fns) {
      // Only the qualified name in the header moves; the body is left alone.
      await m.query(f.def.replace(new RegExp(`^(CREATE OR REPLACE (?:FUNCTION|PROCEDURE) )("?)${escapeRe(from)}\\2\\.`, 'm'), `$1${ident(to)}.`));
    }
    const tables: { t: string }[] = await m.query(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [from]);
    for (const { t } of tables) {
      await m.query(`CREATE TABLE ${ident(to)}.${ident(t)} (LIKE ${ident(from)}.${ident(t)} INCLUDING ALL)`);
      const serials: { col: string; seq: string }[] = await m.query(
        `SELECT a.attname AS col, s.relname AS seq FROM pg_attrdef d
         JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
         JOIN pg_depend dep ON dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
         JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
         WHERE d.adrelid = $1::regclass`,
        [`${ident(to)}.${ident(t)}`],
      );
      for (const s of serials) {
        await m.query(`CREATE SEQUENCE ${ident(to)}.${ident(s.seq)} OWNED BY ${ident(to)}.${ident(t)}.${ident(s.col)}`);
        // Continue above the live values: readers that page by a sequence (event-log `seq`) never see it go back.
        await m.query(`SELECT setval('${to}.${s.seq}', last_value, is_called) FROM ${ident(from)}.${ident(s.seq)}`);
        await m.query(`ALTER TABLE ${ident(to)}.${ident(t)} ALTER COLUMN ${ident(s.col)} SET DEFAULT nextval('${to}.${s.seq}'::regclass)`);
      }
    }
    const triggers: { def: string }[] = await m.query(
      `SELECT pg_get_triggerdef(tg.oid) AS def FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT tg.tgisinternal`,
      [from],
    );
    for (const tg of triggers) await m.query(rewriteSchema(tg.def, from, to));
    await copySecurity(m, from, to, tables.map(({ t }) => t));
    await cloneViews(m, from, to);
    for (const t of copyData) await m.query(`INSERT INTO ${ident(to)}.${ident(t)} SELECT * FROM ${ident(from)}.${ident(t)}`);
  });
}

/**
 * What `LIKE ... INCLUDING ALL` leaves out and the gateway relies on: the schema's and tables' grants (the
 * gateway role's USAGE and SELECT), row-level security (enabled / forced) and the RLS policies. Without them a
 * rebuilt read model would, after the swap, refuse the gateway (no grant) or drop the second wall (no policy).
 */
export async function copySecurity(m: { query(sql: string, params?: unknown[]): Promise<any> }, from: string, to: string, tables: readonly string[]): Promise<void> {
  const grantee = (g: string | null) => (g === null ? 'PUBLIC' : ident(g));
  const schemaGrants: { grantee: string | null; privilege: string }[] = await m.query(
    `SELECT r.rolname AS grantee, a.privilege_type AS privilege
     FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
     WHERE n.nspname = $1 AND a.grantee <> n.nspowner`,
    [from],
  );
  for (const g of schemaGrants) await m.query(`GRANT ${g.privilege} ON SCHEMA ${ident(to)} TO ${grantee(g.grantee)}`);
  for (const t of tables) {
    const [rel]: { rls: boolean; force: boolean }[] = await m.query(
      `SELECT c.relrowsecurity AS rls, c.relforcerowsecurity AS force FROM pg_class c WHERE c.oid = $1::regclass`,
      [`${ident(from)}.${ident(t)}`],
    );
    const target = `${ident(to)}.${ident(t)}`;
    if (rel?.rls) await m.query(`ALTER TABLE ${target} ENABLE ROW LEVEL SECURITY`);
    if (rel?.force) await m.query(`ALTER TABLE ${target} FORCE ROW LEVEL SECURITY`);
    const grants: { grantee: string | null; privilege: string }[] = await m.query(
      `SELECT r.rolname AS grantee, a.privilege_type AS privilege
       FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
       WHERE c.oid = $1::regclass AND a.grantee <> c.relowner`,
      [`${ident(from)}.${ident(t)}`],
    );
    for (const g of grants) await m.query(`GRANT ${g.privilege} ON ${target} TO ${grantee(g.grantee)}`);
    const policies: { name: string; permissive: string; roles: string[]; cmd: string; qual: string | null; check: string | null }[] = await m.query(
      `SELECT policyname AS name, permissive, roles::text[] AS roles, cmd, qual, with_check AS check FROM pg_policies
       WHERE schemaname = $1 AND tablename = $2 ORDER BY policyname`,
      [from, t],
    );
    for (const p of policies) {
      const roles = p.roles.map((r) => (r === 'public' ? 'PUBLIC' : ident(r))).join(', ');
      await m.query(
        `CREATE POLICY ${ident(p.name)} ON ${target} AS ${p.permissive} FOR ${p.cmd} TO ${roles}` +
          (p.qual !== null ? ` USING (${rewriteSchema(p.qual, from, to)})` : '') +
          (p.check !== null ? ` WITH CHECK (${rewriteSchema(p.check, from, to)})` : ''),
      );
    }
  }
}

/**
 * The views of schema `from` (e.g. `history.tenant_entries`, the owner's view the gateway's searches read under RLS)
 * re-created in `to` over `to`'s tables: definition with every name qualified and `from.` rewritten to `to.`, options
 * restated, grants copied. Owner: the role running the rebuild (the migrating role, as for the tables).
 */
export async function cloneViews(m: { query(sql: string, params?: unknown[]): Promise<any> }, from: string, to: string): Promise<void> {
  const [{ path }] = await m.query(`SELECT current_setting('search_path') AS path`);
  await m.query(`SELECT set_config('search_path', 'pg_catalog', true)`);
  const views: { name: string; def: string; options: string[] | null; oid: number }[] = await m.query(
    `SELECT c.relname AS name, pg_get_viewdef(c.oid) AS def, c.reloptions AS options, c.oid::int AS oid
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY c.oid`,
    [from],
  );
  await m.query(`SELECT set_config('search_path', $1, true)`, [path]);
  for (const v of views) {
    const target = `${ident(to)}.${ident(v.name)}`;
    const withOptions = v.options?.length ? ` WITH (${v.options.join(', ')})` : '';
    await m.query(`CREATE VIEW ${target}${withOptions} AS ${rewriteSchema(v.def, from, to).replace(/;\s*$/, '')}`);
    const grants: { grantee: string | null; privilege: string }[] = await m.query(
      `SELECT r.rolname AS grantee, a.privilege_type AS privilege
       FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
       WHERE c.oid = $1 AND a.grantee <> c.relowner`,
      [v.oid],
    );
    for (const g of grants) await m.query(`GRANT ${g.privilege} ON ${target} TO ${g.grantee === null ? 'PUBLIC' : ident(g.grantee)}`);
  }
}

/** Rewrites every `<from>.` qualifier of a statement to `<to>.` (quoted or not). */
export function rewriteSchema(sql: string, from: string, to: string): string {
  return sql.replace(new RegExp(`(?<![\\w."$])("?)${escapeRe(from)}\\1\\.`, 'g'), `${ident(to)}.`);
}

/** The batch transaction, with the projection's statements pointed at the build schema. */
function redirectSchema(tx: QueryRunner, from: string, to: string): QueryRunner {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (sql: string, params?: unknown[], structured?: boolean) =>
          (target.query as (...a: unknown[]) => Promise<unknown>).call(target, rewriteSchema(sql, from, to), params, structured);
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ANALYZE every table of a schema (planner statistics). Takes a TypeORM DataSource (rows) or a pg Pool (`{ rows }`). */
export async function analyzeSchema(ds: { query(sql: string, params?: unknown[]): Promise<unknown> }, schema: string): Promise<void> {
  const res = (await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema])) as
    | { tablename: string }[]
    | { rows: { tablename: string }[] };
  const tables = Array.isArray(res) ? res : res.rows;
  for (const t of tables) await ds.query(`ANALYZE ${ident(schema)}.${ident(t.tablename)}`);
}
