import type { QueryRunner } from 'typeorm';
import { EVENT_REGISTRY, HISTORY_MAPPING, type EventEnvelope } from '@cep/contracts';
import type { Projection } from '@cep/messaging';
import { mergeEntityState, searchColumns, toHistoryDraft, type EntityState, type HistoryDraft } from './history-entry.mapper';
import { HISTORY_SESSION_ENTITY_TYPES } from './history-entry';
import { SEARCH_COLUMNS } from './migrations/1732000002000-history-search-columns-related-counts';
import { entryDigestSql, historyChainSettings } from './history-chain';
import { appendToHistoryChain } from './history-chain.writer';

/** Event types the history projection records: every type with a history mapping plus the two session types. */
export const HISTORY_EVENT_TYPES: readonly string[] = [
  ...Object.entries(HISTORY_MAPPING)
    .filter(([, m]) => m !== null)
    .map(([t]) => t),
  'session.verification',
  'session.issuance',
];

/** Topics carrying those types (from the registry, so a new history event type's topic is picked up). */
export const HISTORY_TOPICS: readonly string[] = [
  ...new Set(HISTORY_EVENT_TYPES.map((t) => EVENT_REGISTRY.get(t)?.topic).filter((t): t is NonNullable<typeof t> => !!t)),
].sort();

const SESSION_TYPES: ReadonlySet<string> = new Set(HISTORY_SESSION_ENTITY_TYPES);

/**
 * Advisory lock class of the history entity state: `(HISTORY_ENTITY_LOCK, hashtext(organisationId || '/' || entityId))`,
 * held by a batch transaction from before it reads an entity's state until it commits. Two entities sharing a
 * hash only serialize their writers.
 */
export const HISTORY_ENTITY_LOCK = 1732000060;

const entityKey = (org: string, id: string) => `${org}\u0000${id}`;

function sameState(a: EntityState, b: EntityState): boolean {
  return (
    a.claimsPurged === b.claimsPurged &&
    a.related.join() === b.related.join() &&
    a.segments.join('\u0000') === b.segments.join('\u0000') &&
    a.claims.join('\u0000') === b.claims.join('\u0000')
  );
}

const dayOf = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/**
 * Set-based writer of one batch (inside the runner's transaction):
 * 1. locks the batch's entities (advisory locks: they exist before the entity row, so batches of two partitions
 *    for the same new entity are serialized, the later one merging onto the earlier one's committed state), loads
 *    their state, merges the drafts in memory (one upsert per entity);
 * 2. inserts the entries with their entity's final relations and search text (ON CONFLICT (id) DO NOTHING);
 * 3. re-stamps the older entries of entities whose state changed (a proof's credentials arrive with
 *    `proof.shared`; `proof.claims-removed` purges claim segments from every entry of the proof);
 * 4. adds the inserted entries to the daily counters and, per related id other than the entry's own entity, to
 *    the relation counters (only rows actually inserted: replays do not double count); a re-stamp adds the older
 *    entries to the counters of the related ids it newly gives them (relations only grow);
 * 5. last, appends the inserted entries to their organisations' tamper-evident chains (history-chain.writer.ts).
 */
export async function writeHistoryBatch(tx: QueryRunner, events: readonly EventEnvelope[]): Promise<number> {
  const drafts = events.map(toHistoryDraft).filter((d): d is HistoryDraft => d !== null);
  if (!drafts.length) return 0;

  // Session entries (entity id = the session id, often the credential's / proof's own id) keep their own facts:
  // they take no part in the entity state, so they never inherit the credential's relations or search values.
  const isSession = (d: HistoryDraft) => SESSION_TYPES.has(d.entityType);
  const byEntity = new Map<string, HistoryDraft[]>();
  for (const d of drafts) {
    if (isSession(d)) continue;
    const k = entityKey(d.organisationId, d.entityId);
    const list = byEntity.get(k);
    if (list) list.push(d);
    else byEntity.set(k, [d]);
  }
  const keys = [...byEntity.values()].map((ds) => ds[0]);
  // The entity lock exists before the entity row: a batch of another partition for the same (new) entity waits
  // here until this transaction commits, then reads the committed state (READ COMMITTED) and merges onto it.
  // Taken in one sorted order, so two batches never wait on each other's locks.
  if (keys.length) {
    await tx.query(
      `SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(o || '/' || i) AS h FROM unnest($2::text[], $3::text[]) AS k(o, i) ORDER BY 1) l`,
      [HISTORY_ENTITY_LOCK, keys.map((d) => d.organisationId), keys.map((d) => d.entityId)],
    );
  }
  const prevRows: {
    organisation_id: string;
    entity_id: string;
    entity_type: string;
    related_ids: string[];
    segments: string[];
    claims: string[];
    claims_purged: boolean;
  }[] = await tx.query(
    `SELECT e.organisation_id, e.entity_id::text AS entity_id, e.entity_type, e.related_ids::text[] AS related_ids, e.segments, e.claims, e.claims_purged
       FROM history.entities e
       JOIN unnest($1::text[], $2::uuid[]) AS k(org, id) ON e.organisation_id = k.org AND e.entity_id = k.id
     ORDER BY e.organisation_id, e.entity_id
     FOR UPDATE OF e`,
    [keys.map((d) => d.organisationId), keys.map((d) => d.entityId)],
  );
  const prev = new Map<string, EntityState>();
  for (const r of prevRows) {
    prev.set(entityKey(r.organisation_id, r.entity_id), {
      organisationId: r.organisation_id,
      entityId: r.entity_id,
      entityType: r.entity_type,
      related: r.related_ids,
      segments: r.segments,
      claims: r.claims,
      claimsPurged: r.claims_purged,
    });
  }

  const finalStates = new Map<string, EntityState>();
  const changed: EntityState[] = [];
  const restamp: EntityState[] = [];
  for (const [k, ds] of byEntity) {
    const before = prev.get(k);
    const after = mergeEntityState(before, ds);
    finalStates.set(k, after);
    if (!before || !sameState(before, after)) {
      changed.push(after);
      if (before) restamp.push(after);
    }
  }

  if (changed.length) {
    changed.sort((a, b) => (a.organisationId < b.organisationId ? -1 : a.organisationId > b.organisationId ? 1 : a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0));
    await tx.query(
      `INSERT INTO history.entities AS t (organisation_id, entity_id, entity_type, related_ids, segments, claims, claims_purged)
       SELECT s.organisation_id, s.entity_id, s.entity_type, s.related_ids, s.segments, s.claims, s.claims_purged
         FROM jsonb_to_recordset($1::jsonb) AS s(organisation_id text, entity_id uuid, entity_type text, related_ids uuid[], segments text[], claims text[], claims_purged boolean)
       ON CONFLICT (organisation_id, entity_id) DO UPDATE SET related_ids = EXCLUDED.related_ids, segments = EXCLUDED.segments,
         claims = EXCLUDED.claims, claims_purged = EXCLUDED.claims_purged`,
      [
        JSON.stringify(
          changed.map((s) => ({
            organisation_id: s.organisationId,
            entity_id: s.entityId,
            entity_type: s.entityType,
            related_ids: s.related,
            segments: s.segments,
            claims: s.claims,
            claims_purged: s.claimsPurged,
          })),
        ),
      ],
    );
  }

  const rows = drafts.map((d) => {
    const s: Pick<EntityState, 'related' | 'segments' | 'claims' | 'claimsPurged'> = isSession(d)
      ? { related: d.related, segments: d.segments, claims: d.claims, claimsPurged: false }
      : finalStates.get(entityKey(d.organisationId, d.entityId))!;
    return {
      id: d.id,
      organisation_id: d.organisationId,
      created_date: d.createdDate,
      action: d.action,
      entity_id: d.entityId,
      entity_type: d.entityType,
      name: d.name,
      source: d.source,
      target: d.target,
      event_type: d.eventType,
      metadata: d.metadata,
      related_ids: s.related,
      ...searchColumns(s.segments, s.claims, s.claimsPurged),
    };
  });
  const chained = historyChainSettings().enabled; // HISTORY_CHAIN=off (bench only): no digest, no link
  const inserted: { id: string; organisation_id: string; digest: Buffer }[] = await tx.query(
    `INSERT INTO history.entries (id, organisation_id, created_date, action, entity_id, entity_type, name, source, target, event_type, metadata, related_ids, ${SEARCH_COLUMNS.join(', ')})
     SELECT r.id, r.organisation_id, r.created_date, r.action, r.entity_id, r.entity_type, r.name, r.source, r.target, r.event_type, r.metadata, r.related_ids, ${SEARCH_COLUMNS.map((c) => `r.${c}`).join(', ')}
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, organisation_id text, created_date timestamptz, action text, entity_id uuid, entity_type text,
            name text, source text, target text, event_type text, metadata jsonb, related_ids uuid[], ${SEARCH_COLUMNS.map((c) => `${c} text`).join(', ')})
     ON CONFLICT (id) DO NOTHING
     RETURNING id::text AS id, organisation_id, ${chained ? entryDigestSql() : 'NULL::bytea'} AS digest`,
    [JSON.stringify(rows)],
  );

  if (restamp.length) {
    // older entries of changed entities: new relations and search columns; the relation counters gain the
    // related ids each row did not have before (old values read in the same statement, rows locked)
    await tx.query(
      `WITH s AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(organisation_id text, entity_id uuid, related_ids uuid[], ${SEARCH_COLUMNS.map((c) => `${c} text`).join(', ')})
       ), old AS (
         SELECT e.id, e.related_ids AS old_related
           FROM history.entries e JOIN s ON e.organisation_id = s.organisation_id AND e.entity_id = s.entity_id
          WHERE e.entity_type <> ALL ($2::text[]) AND ( e.related_ids IS DISTINCT FROM s.related_ids OR ${SEARCH_COLUMNS.map((c) => `e.${c} IS DISTINCT FROM s.${c}`).join(' OR ')})
          FOR UPDATE OF e
       ), upd AS (
         UPDATE history.entries e SET related_ids = s.related_ids, ${SEARCH_COLUMNS.map((c) => `${c} = s.${c}`).join(', ')}
           FROM s, old
          WHERE e.id = old.id AND e.organisation_id = s.organisation_id AND e.entity_id = s.entity_id
         RETURNING e.organisation_id, e.entity_id, e.created_date, e.entity_type, e.action, e.source, e.related_ids, old.old_related
       )
       INSERT INTO history.related_counts AS c (organisation_id, related_id, day, entity_type, action, source, n)
       SELECT u.organisation_id, r, (u.created_date AT TIME ZONE 'UTC')::date, u.entity_type, u.action, u.source, count(*)
         FROM upd u, unnest(u.related_ids) AS r
        WHERE r <> u.entity_id AND NOT (r = ANY (u.old_related))
        GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (organisation_id, related_id, day, entity_type, action, source) DO UPDATE SET n = c.n + EXCLUDED.n`,
      [
        JSON.stringify(
          restamp.map((s) => ({
            organisation_id: s.organisationId,
            entity_id: s.entityId,
            related_ids: s.related,
            ...searchColumns(s.segments, s.claims, s.claimsPurged),
          })),
        ),
        [...SESSION_TYPES],
      ],
    );
  }

  if (inserted.length) {
    const fresh = new Set(inserted.map((r) => r.id));
    const counts = new Map<string, { o: string; d: string; t: string; a: string; s: string; n: number }>();
    for (const d of drafts) {
      if (!fresh.delete(d.id)) continue; // a second copy of an id inside the batch is not a new row
      const day = dayOf(d.createdDate);
      const k = [d.organisationId, day, d.entityType, d.action, d.source].join('\u0000');
      const c = counts.get(k);
      if (c) c.n++;
      else counts.set(k, { o: d.organisationId, d: day, t: d.entityType, a: d.action, s: d.source, n: 1 });
    }
    // keys sorted: concurrent partition batches upsert the same counter rows in the same order (no deadlock)
    const cs = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
    // relation counters: per related id other than the entry's own entity
    const rel = new Map<string, { o: string; r: string; d: string; t: string; a: string; s: string; n: number }>();
    const fresh2 = new Set(inserted.map((r) => r.id));
    for (const row of rows) {
      if (!fresh2.delete(row.id)) continue;
      const day = dayOf(row.created_date);
      for (const r of row.related_ids) {
        if (r === row.entity_id) continue;
        const k = [row.organisation_id, r, day, row.entity_type, row.action, row.source].join('\u0000');
        const c = rel.get(k);
        if (c) c.n++;
        else rel.set(k, { o: row.organisation_id, r, d: day, t: row.entity_type, a: row.action, s: row.source, n: 1 });
      }
    }
    const rs = [...rel.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
    if (rs.length) {
      await tx.query(
        `INSERT INTO history.related_counts AS c (organisation_id, related_id, day, entity_type, action, source, n)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::date[], $4::text[], $5::text[], $6::text[], $7::bigint[])
         ON CONFLICT (organisation_id, related_id, day, entity_type, action, source) DO UPDATE SET n = c.n + EXCLUDED.n`,
        [rs.map((c) => c.o), rs.map((c) => c.r), rs.map((c) => c.d), rs.map((c) => c.t), rs.map((c) => c.a), rs.map((c) => c.s), rs.map((c) => c.n)],
      );
    }
    await tx.query(
      `INSERT INTO history.counts AS c (organisation_id, day, entity_type, action, source, n)
       SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::bigint[])
       ON CONFLICT (organisation_id, day, entity_type, action, source) DO UPDATE SET n = c.n + EXCLUDED.n`,
      [cs.map((c) => c.o), cs.map((c) => c.d), cs.map((c) => c.t), cs.map((c) => c.a), cs.map((c) => c.s), cs.map((c) => c.n)],
    );
  }
  // The batch's last statements: the organisations' chain heads stay locked only from here to the commit.
  // The tamper-evident chain: the inserted entries (not the replays) in the batch's order.
  const digestOf = new Map(inserted.map((r) => [r.id, r]));
  await appendToHistoryChain(
    tx,
    rows.flatMap((r) => {
      const id = String(r.id).toLowerCase(); // RETURNING gives uuid::text (lowercase)
      const i = digestOf.get(id);
      digestOf.delete(id);
      return i ? [{ id: i.id, organisationId: i.organisation_id, digest: i.digest }] : [];
    }),
  );
  return inserted.length;
}

/**
 * The history projection: every history-mapped event (and the verification / issuance session events) becomes
 * one entry. Idempotent by event id (entries ON CONFLICT (id) DO NOTHING, counters only for inserted rows,
 * entity state merged by set union), so the runner's own dedupe table is not needed.
 */
export const historyProjection: Projection = {
  name: 'history',
  version: 1,
  topics: HISTORY_TOPICS,
  handles: HISTORY_EVENT_TYPES,
  dedupe: 'projection',
  async apply(events, ctx) {
    await writeHistoryBatch(ctx.tx, events);
  },
};
