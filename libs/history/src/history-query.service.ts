import type { DataSource } from 'typeorm';
import { INPUT_LIMITS, TenantDatabase, type SqlQueryable } from '@cep/platform';
import { HISTORY_TENANT_ENTRIES_VIEW } from './migrations/1732000150000-history-tenant-entries-view';
import { decodeCursor, encodeCursor, filterHash, type HistoryCursor } from './history-cursor';
import { HistoryError } from './history.errors';
import {
  SEARCH_TYPE_NAMES,
  SEARCH_TYPES,
  type HistoryDetail,
  type HistoryListItem,
  type HistorySortField,
  type SearchType,
  type SortDirection,
} from './history-entry';

/** Every filter of the list endpoint, already validated; combined with AND. */
export interface HistoryFilter {
  organisationId: string;
  /** Inclusive bounds. */
  createdDateFrom?: Date;
  createdDateTo?: Date;
  actions?: string[];
  entityTypes?: string[];
  entityIds?: string[];
  sources?: string[];
  /**
   * Relation filters (`credentialSchemaId`, `proofSchemaId`, `didId`/`identifierId`, `credentialId`, `proofId`,
   * `providerId`): the entry's entity is, or is related to, every id listed.
   */
  relatedIds?: string[];
  searchText?: string;
  searchType?: SearchType;
}

export interface HistoryListQuery extends HistoryFilter {
  pageSize: number;
  page?: number;
  cursor?: string;
  sort?: HistorySortField;
  sortDirection?: SortDirection;
}

export interface HistoryPage {
  values: HistoryListItem[];
  totalPages: number;
  totalItems: number;
  /**
   * Present (true) only when a text search matched more than SEARCH_COUNT_CAP entries: `totalItems` is then that
   * cap (a lower bound), not the exact number. Every other filter shape is counted exactly.
   */
  totalItemsCapped?: boolean;
  /** Keyset cursor for the page after this one (null on the last page). */
  nextCursor: string | null;
}

export interface HistoryFreshness {
  /** Time of the newest event the projection has applied (null before the first). */
  newestEventTime: Date | null;
  /** now - newestEventTime, in ms. */
  lagMs: number | null;
}

const SORT_COLUMNS: Record<HistorySortField, string | null> = {
  createdDate: null,
  // one organisation per query: sorting by it is the default order
  organisationId: null,
  action: 'action',
  entityType: 'entity_type',
  source: 'source',
};

const LIST_COLUMNS = `id::text AS id, created_date, action, entity_id::text AS entity_id, entity_type, organisation_id, name, source, target`;

interface Row {
  id: string;
  created_date: Date;
  action: string;
  entity_id: string;
  entity_type: string;
  organisation_id: string;
  name: string | null;
  source: string;
  target: string | null;
  metadata?: Record<string, unknown>;
}

function toItem(r: Row): HistoryListItem {
  return {
    id: r.id,
    createdDate: new Date(r.created_date).toISOString(),
    action: r.action,
    entityId: r.entity_id,
    entityType: r.entity_type,
    organisationId: r.organisation_id,
    name: r.name,
    source: r.source,
    target: r.target,
  };
}

/** Column of a search type (`s_<tag>`). */
export const searchColumnOf = (type: SearchType) => `s_${SEARCH_TYPES[type]}`;

/**
 * ILIKE pattern matching `term` as a case-insensitive substring of one stored value. Control characters become
 * spaces (as in stored values), so a term can never span the U+001F between two values of one column; LIKE
 * metacharacters are escaped (the term is literal).
 */
export function searchPattern(term: string): string {
  const clean = term.replace(/[\x00-\x1f]/g, ' ').replace(/[\\%_]/g, '\\$&');
  return `%${clean}%`;
}

/** Longest `totalItems` counted exactly for a text search; beyond it `totalItemsCapped` is set (bounded cost). */
export const SEARCH_COUNT_CAP = 10_000;

class Sql {
  readonly params: unknown[] = [];
  readonly where: string[] = [];
  p(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }
}

const DAY_MS = 86_400_000;

interface CountOpts {
  from?: Date;
  to?: Date;
  toExclusive?: boolean;
  /** An extra WHERE clause (built with the same parameter list). */
  extra?: (q: Sql) => string;
}
const dayStart = (d: Date) => new Date(Math.floor(d.getTime() / DAY_MS) * DAY_MS);

/**
 * Reads history entries; every query is scoped to one organisation (the caller's). Filters combine with AND.
 * Order: the sort column, then createdDate DESC, id DESC; keyset pagination via `cursor`.
 */
export class HistoryQueryService {
  private readonly searchCountCap: number;
  private readonly db: TenantDatabase;

  /** Every read runs on a tenant session pointed at the caller's organisation (TenantDatabase.run: RLS); a bare DataSource gets the defaults. */
  constructor(db: TenantDatabase | DataSource, opts: { searchCountCap?: number } = {}) {
    this.db = TenantDatabase.of(db);
    this.searchCountCap = opts.searchCountCap ?? SEARCH_COUNT_CAP;
  }

  /**
   * The relation a filter's statements read: `history.tenant_entries` (the owner's view filtered on the
   * transaction's organisation, see its migration) for a text search or relation filter under RLS — their `ILIKE`
   * / `@>` are not LEAKPROOF, so under the table's policy their trigram / GIN indexes would not be used — else
   * `history.entries` (its RLS policy). With RLS off (`GATEWAY_RLS=off`, no organisation set) always the table.
   */
  entriesFrom(f: Pick<HistoryFilter, 'searchText' | 'relatedIds'>): string {
    return this.db.rls && (f.searchText || f.relatedIds?.length) ? HISTORY_TENANT_ENTRIES_VIEW : 'history.entries';
  }

  /** WHERE clauses of a filter (org first), appended to `q`. */
  private filterSql(f: HistoryFilter, q: Sql, opts: CountOpts = {}): void {
    q.where.push(`organisation_id = ${q.p(f.organisationId)}`);
    const from = opts.from ?? f.createdDateFrom;
    const to = opts.to ?? f.createdDateTo;
    if (from) q.where.push(`created_date >= ${q.p(from.toISOString())}`);
    if (to) q.where.push(`created_date ${opts.toExclusive ? '<' : '<='} ${q.p(to.toISOString())}`);
    const eqAny = (col: string, vals: string[] | undefined, cast = '') => {
      if (!vals?.length) return;
      q.where.push(vals.length === 1 ? `${col} = ${q.p(vals[0])}${cast}` : `${col} = ANY(${q.p(vals)}${cast ? `${cast}[]` : ''})`);
    };
    eqAny('action', f.actions);
    eqAny('entity_type', f.entityTypes);
    eqAny('entity_id', f.entityIds, '::uuid');
    eqAny('source', f.sources);
    if (f.relatedIds?.length) q.where.push(`related_ids @> ${q.p([...new Set(f.relatedIds)])}::uuid[]`);
    if (f.searchText) {
      const pat = q.p(searchPattern(f.searchText));
      const cols = f.searchType ? [searchColumnOf(f.searchType)] : SEARCH_TYPE_NAMES.map(searchColumnOf);
      q.where.push(cols.length === 1 ? `${cols[0]} ILIKE ${pat}` : `(${cols.map((c) => `${c} ILIKE ${pat}`).join(' OR ')})`);
    }
    if (opts.extra) q.where.push(opts.extra(q));
  }

  private async exactCount(db: SqlQueryable, f: HistoryFilter, opts: CountOpts = {}): Promise<number> {
    const q = new Sql();
    this.filterSql(f, q, opts);
    const [{ n }] = await db.query(`SELECT count(*)::bigint AS n FROM ${this.entriesFrom(f)} WHERE ${q.where.join(' AND ')}`, q.params);
    return Number(n);
  }

  /** Count of a text search, exact up to `cap` (then `cap + 1` means "more"): bounded by the LIMIT. */
  private async cappedCount(db: SqlQueryable, f: HistoryFilter, cap: number): Promise<number> {
    const q = new Sql();
    this.filterSql(f, q);
    const [{ n }] = await db.query(
      `SELECT count(*)::bigint AS n FROM (SELECT 1 FROM ${this.entriesFrom(f)} WHERE ${q.where.join(' AND ')} LIMIT ${cap + 1}) AS t`,
      q.params,
    );
    return Number(n);
  }

  /**
   * Sum of a counter table over the whole UTC days of the window plus exact counts of the two partial edge days.
   * `table` holds (organisation_id, day, entity_type, action, source, n[, related_id]); `extra` narrows both the
   * counter rows and the edge counts (the relation counters: the related id, and not the entity itself).
   */
  private async countByDays(
    db: SqlQueryable,
    f: HistoryFilter,
    table: 'history.counts' | 'history.related_counts',
    counterWhere: (q: Sql) => string[],
    edge: Pick<CountOpts, 'extra'> & { filter: HistoryFilter },
  ): Promise<number> {
    const from = f.createdDateFrom;
    const to = f.createdDateTo;
    // whole days: [firstFull, lastExcl)
    const firstFull = from ? (dayStart(from).getTime() === from.getTime() ? from : new Date(dayStart(from).getTime() + DAY_MS)) : undefined;
    const lastExcl = to ? dayStart(to) : undefined;
    if (firstFull && lastExcl && firstFull.getTime() >= lastExcl.getTime()) return this.exactCount(db, edge.filter, { extra: edge.extra });

    const q = new Sql();
    q.where.push(`organisation_id = ${q.p(f.organisationId)}`, ...counterWhere(q));
    if (firstFull) q.where.push(`day >= ${q.p(firstFull.toISOString().slice(0, 10))}::date`);
    if (lastExcl) q.where.push(`day < ${q.p(lastExcl.toISOString().slice(0, 10))}::date`);
    const anyOf = (col: string, vals?: string[]) => vals?.length && q.where.push(`${col} = ANY(${q.p(vals)})`);
    anyOf('action', f.actions);
    anyOf('entity_type', f.entityTypes);
    anyOf('source', f.sources);
    const [{ n }] = await db.query(`SELECT coalesce(sum(n), 0)::bigint AS n FROM ${table} WHERE ${q.where.join(' AND ')}`, q.params);
    let total = Number(n);
    if (from && firstFull && firstFull.getTime() !== from.getTime()) {
      total += await this.exactCount(db, edge.filter, { from, to: firstFull, toExclusive: true, extra: edge.extra });
    }
    if (to && lastExcl) total += await this.exactCount(db, edge.filter, { from: lastExcl, to, extra: edge.extra });
    return total;
  }

  /**
   * totalItems, exact (except a text search beyond SEARCH_COUNT_CAP: see `count`):
   * - time / action / entity type / source filters: the daily counters (`history.counts`);
   * - ONE relation filter (+ those): the entity's own entries, counted exactly through the entity index, plus the
   *   relation counters (`history.related_counts`) of the related id — whole days from the counters, the two
   *   partial edge days exactly;
   * - entity ids, several relation ids: exact count (selective through the entity index / GIN intersection).
   */
  async count(f: HistoryFilter): Promise<number> {
    return this.db.run(f.organisationId, (db) => this.countIn(db, f));
  }

  private async countIn(db: SqlQueryable, f: HistoryFilter): Promise<number> {
    if (f.searchText) return this.exactCount(db, f);
    const related = [...new Set(f.relatedIds ?? [])];
    if (!f.entityIds?.length && !related.length) {
      return this.countByDays(db, f, 'history.counts', () => [], { filter: f });
    }
    if (!f.entityIds?.length && related.length === 1) {
      const id = related[0];
      const own = await this.exactCount(db, { ...f, relatedIds: undefined, entityIds: [id] });
      const others = await this.countByDays(db, f, 'history.related_counts', (q) => [`related_id = ${q.p(id)}::uuid`], {
        filter: f,
        extra: (q) => `entity_id <> ${q.p(id)}::uuid`,
      });
      return own + others;
    }
    return this.exactCount(db, f);
  }

  /** totalItems and whether it is capped (text searches only). */
  async countWithCap(f: HistoryFilter): Promise<{ totalItems: number; capped: boolean }> {
    return this.db.run(f.organisationId, (db) => this.countWithCapIn(db, f));
  }

  private async countWithCapIn(db: SqlQueryable, f: HistoryFilter): Promise<{ totalItems: number; capped: boolean }> {
    if (!f.searchText) return { totalItems: await this.countIn(db, f), capped: false };
    const cap = this.searchCountCap;
    const n = await this.cappedCount(db, f, cap);
    return n > cap ? { totalItems: cap, capped: true } : { totalItems: n, capped: false };
  }

  /** The filter part of a list query (what a cursor's hash covers), in a fixed key order. */
  private static filterOf(query: HistoryListQuery): HistoryFilter {
    return {
      organisationId: query.organisationId,
      createdDateFrom: query.createdDateFrom,
      createdDateTo: query.createdDateTo,
      actions: query.actions,
      entityTypes: query.entityTypes,
      entityIds: query.entityIds,
      sources: query.sources,
      relatedIds: query.relatedIds,
      searchText: query.searchText,
      searchType: query.searchType,
    };
  }

  /** A cursor continuing `query` (createdDate order) after the entry at (createdDate, id): deep keyset pages. */
  cursorFor(query: HistoryListQuery, after: { createdDate: string; id: string }): string {
    const dir = query.sortDirection ?? 'DESC';
    const f = filterHash({ ...HistoryQueryService.filterOf(query), sort: 'createdDate', dir });
    return encodeCursor({ v: 1, sort: 'createdDate', dir, f, c: new Date(after.createdDate).toISOString(), i: after.id });
  }

  async list(query: HistoryListQuery): Promise<HistoryPage> {
    const sort = query.sort ?? 'createdDate';
    const dir = query.sortDirection ?? 'DESC';
    const col = SORT_COLUMNS[sort];
    const filter = HistoryQueryService.filterOf(query);
    const fh = filterHash({ ...filter, sort, dir });

    const q = new Sql();
    this.filterSql(filter, q);
    let cursor: HistoryCursor | null = null;
    if (query.cursor) {
      cursor = decodeCursor(query.cursor);
      if (!cursor) throw HistoryError.invalidCursor(query.cursor, 'cursor is malformed');
      if (cursor.f !== fh || cursor.sort !== sort || cursor.dir !== dir) {
        throw HistoryError.invalidCursor(query.cursor, 'cursor belongs to a query with other filters or another sort');
      }
      const cmp = dir === 'DESC' ? '<' : '>';
      if (!col) {
        q.where.push(`(created_date, id) ${cmp} (${q.p(cursor.c)}::timestamptz, ${q.p(cursor.i)}::uuid)`);
      } else {
        const k = q.p(cursor.k ?? '');
        q.where.push(
          `(${col} ${cmp} ${k} OR (${col} = ${k} AND (created_date, id) < (${q.p(cursor.c)}::timestamptz, ${q.p(cursor.i)}::uuid)))`,
        );
      }
    }
    const order = col ? `${col} ${dir}, created_date DESC, id DESC` : `created_date ${dir}, id ${dir}`;
    const offset = cursor ? 0 : (query.page ?? 0) * query.pageSize;
    const limit = q.p(query.pageSize + 1);
    const off = q.p(offset);
    const sqlText = `SELECT ${LIST_COLUMNS} FROM ${this.entriesFrom(filter)} WHERE ${q.where.join(' AND ')} ORDER BY ${order} LIMIT ${limit} OFFSET ${off}`;

    // The page and its count at once (with RLS on, on two tenant sessions; see TenantDatabase).
    const [rows, { totalItems, capped }] = await this.db.run(query.organisationId, (db) =>
      Promise.all([db.query(sqlText, q.params) as Promise<Row[]>, this.countWithCapIn(db, filter)]),
    );
    const more = rows.length > query.pageSize;
    const page = more ? rows.slice(0, query.pageSize) : rows;
    const last = page[page.length - 1];
    const nextCursor =
      more && last
        ? encodeCursor({
            v: 1,
            sort,
            dir,
            f: fh,
            ...(col ? { k: String((last as unknown as Record<string, unknown>)[col]) } : {}),
            c: new Date(last.created_date).toISOString(),
            i: last.id,
          })
        : null;
    return {
      values: page.map(toItem),
      totalItems,
      totalPages: Math.ceil(totalItems / query.pageSize),
      ...(capped ? { totalItemsCapped: true } : {}),
      nextCursor,
    };
  }

  /** The SQL and parameters `list` runs for the page (for EXPLAIN tests and the benchmark). */
  listSql(filter: HistoryFilter, pageSize = 50): { text: string; params: unknown[] } {
    const q = new Sql();
    this.filterSql(filter, q);
    return {
      text: `SELECT ${LIST_COLUMNS} FROM ${this.entriesFrom(filter)} WHERE ${q.where.join(' AND ')} ORDER BY created_date DESC, id DESC LIMIT ${q.p(pageSize + 1)}`,
      params: q.params,
    };
  }

  /** One entry with its metadata; throws NOT_FOUND for unknown ids and for other organisations' entries. */
  async get(organisationId: string, id: string): Promise<HistoryDetail> {
    const rows: Row[] = await this.db.run(organisationId, (db) =>
      db.query(`SELECT ${LIST_COLUMNS}, metadata FROM history.entries WHERE id = $1 AND organisation_id = $2`, [id, organisationId]),
    );
    if (!rows.length) throw HistoryError.notFound(id);
    return { ...toItem(rows[0]), metadata: rows[0].metadata ?? {} };
  }

  /**
   * Freshness as the organisation can see it: the time of its own newest entry (never the projection-wide
   * watermark, which would let one tenant watch another's traffic), ignoring entries stamped in the future
   * beyond the tolerated skew (they must not make the read model look fresher than it is).
   */
  async freshness(organisationId: string, now: Date): Promise<HistoryFreshness> {
    const limit = new Date(now.getTime() + INPUT_LIMITS.maxEventFutureSkewMs);
    const rows: { newest: Date | null }[] = await this.db.run(organisationId, (db) =>
      db.query(`SELECT max(created_date) AS newest FROM history.entries WHERE organisation_id = $1 AND created_date <= $2`, [organisationId, limit]),
    );
    const newest = rows[0]?.newest ? new Date(rows[0].newest) : null;
    return { newestEventTime: newest, lagMs: newest ? Math.max(0, now.getTime() - newest.getTime()) : null };
  }
}
