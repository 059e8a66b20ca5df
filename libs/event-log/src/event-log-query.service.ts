import type { DataSource } from 'typeorm';
import { TenantDatabase, type SqlQueryable } from '@cep/platform';
import type { PublishedSessionEvent } from '@cep/contracts';
import { decodeCursor, encodeCursor } from './event-log-cursor';
import { EventLogError, EventLogErrorCode } from './event-log.errors';
import { assertValidFilter, filterSql, GROUP_BY_PATHS, type EventLogFilter } from './event-log-filter';
import { inPublishedOrder } from './published-order';

export interface EventLogPage {
  /** Each item exactly in the published shape (seed 001), newest first. */
  items: PublishedSessionEvent[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

export interface EventLogGroup {
  _id: string | null;
  count: number;
}

export interface StreamedEvent {
  /** Commit-ordered sequence number: the SSE `id:`. */
  seq: bigint;
  event: PublishedSessionEvent;
}

export interface StreamPage {
  events: StreamedEvent[];
  /**
   * Every row of the organisation with `seq <= scannedTo` has been considered (sent or filtered out), and no
   * row with such a `seq` can appear later (sequence in commit order): the next read starts after it.
   */
  scannedTo: bigint;
}

const toEvent = (published: Record<string, unknown>) => inPublishedOrder(published) as unknown as PublishedSessionEvent;

/** Reads the event log; every method is scoped to the caller's organisation. */
export class EventLogQueryService {
  private readonly db: TenantDatabase;

  /** Every read runs on a tenant session pointed at the caller's organisation (TenantDatabase.run: RLS); a bare DataSource gets the defaults. */
  constructor(db: TenantDatabase | DataSource) {
    this.db = TenantDatabase.of(db);
  }

  /** Newest first (timestamp, then `_id`), keyset-paginated. */
  async query(organisationId: string, filter: EventLogFilter, opts: { limit: number; cursor?: string }): Promise<EventLogPage> {
    assertValidFilter(filter);
    const { where, params } = filterSql(organisationId, filter);
    let sql = where;
    if (opts.cursor !== undefined) {
      const c = decodeCursor(opts.cursor);
      params.push(String(c.timestamp), c.id);
      sql += ` AND (ts_ms, event_id) < ($${params.length - 1}::bigint, $${params.length}::uuid)`;
    }
    params.push(opts.limit + 1);
    const rows: { published: Record<string, unknown> }[] = await this.db.run(organisationId, (db) =>
      db.query(`SELECT published FROM event_log.events WHERE ${sql} ORDER BY ts_ms DESC, event_id DESC LIMIT $${params.length}`, params),
    );
    const more = rows.length > opts.limit;
    const items = rows.slice(0, opts.limit).map((r) => toEvent(r.published));
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? encodeCursor({ timestamp: last.timestamp, id: last._id }) : null };
  }

  /** `[{_id, count}]` per value of a whitelisted field path, largest count first (ties by `_id`, nulls last). */
  async groupBy(organisationId: string, filter: EventLogFilter, path: string, limit?: number): Promise<EventLogGroup[]> {
    assertValidFilter(filter);
    const expr = Object.prototype.hasOwnProperty.call(GROUP_BY_PATHS, path) ? GROUP_BY_PATHS[path] : undefined;
    if (!expr) throw EventLogError.invalidInput(EventLogErrorCode.InvalidGroupBy, 'groupBy', path, `groupBy must be one of: ${Object.keys(GROUP_BY_PATHS).join(', ')}`, 'query');
    const { where, params } = filterSql(organisationId, filter);
    let lim = '';
    if (limit !== undefined) {
      params.push(limit);
      lim = ` LIMIT $${params.length}`;
    }
    const rows: { _id: string | null; count: string }[] = await this.db.run(organisationId, (db) =>
      db.query(
        `SELECT ${expr} AS "_id", count(*) AS count FROM event_log.events WHERE ${where}
         GROUP BY 1 ORDER BY 2 DESC, 1 ASC NULLS LAST${lim}`,
        params,
      ),
    );
    return rows.map((r) => ({ _id: r._id, count: Number(r.count) }));
  }

  /**
   * Highest sequence number of the organisation's committed events (0 when none): where its stream without
   * `Last-Event-ID` starts. Per organisation, so a stream never reveals how much other tenants wrote.
   */
  async headSeq(organisationId: string): Promise<bigint> {
    return this.db.run(organisationId, (db) => this.headSeqIn(db, organisationId));
  }

  private async headSeqIn(db: SqlQueryable, organisationId: string): Promise<bigint> {
    const [{ m }] = await db.query(`SELECT coalesce(max(seq), 0)::text AS m FROM event_log.events WHERE organisation_id = $1`, [organisationId]);
    return BigInt(m);
  }

  /**
   * Where a stream resumes after the organisation's event `eventId` (its `Last-Event-ID`): the event's `seq`, or
   * null when the organisation has no such event (another tenant's id reads the same as an unknown one).
   */
  async streamPositionOf(organisationId: string, eventId: string): Promise<bigint | null> {
    const rows: { seq: string }[] = await this.db.run(organisationId, (db) =>
      db.query(`SELECT seq::text AS seq FROM event_log.events WHERE event_id = $1 AND organisation_id = $2`, [eventId, organisationId]),
    );
    return rows.length ? BigInt(rows[0].seq) : null;
  }

  /** The organisation's matching events with `seq > after`, in `seq` (commit) order. */
  async readAfter(organisationId: string, filter: EventLogFilter, after: bigint, limit: number): Promise<StreamPage> {
    // The organisation's head first: every row of it at or below the head is final (single writer in commit
    // order, so no row with a smaller seq can commit later), and rows committed between the two statements are
    // simply left for the next read. One TenantDatabase.run per page (never one for the whole stream).
    const { where, params } = filterSql(organisationId, filter);
    const read = await this.db.run(organisationId, async (db) => {
      const head = await this.headSeqIn(db, organisationId);
      if (head <= after) return { head, rows: [] };
      params.push(after.toString(), head.toString(), limit);
      const n = params.length;
      const rows: { seq: string; published: Record<string, unknown> }[] = await db.query(
        `SELECT seq::text AS seq, published FROM event_log.events
         WHERE ${where} AND seq > $${n - 2}::bigint AND seq <= $${n - 1}::bigint ORDER BY seq LIMIT $${n}`,
        params,
      );
      return { head, rows };
    });
    const { head, rows } = read;
    if (head <= after) return { events: [], scannedTo: after };
    const events = rows.map((r) => ({ seq: BigInt(r.seq), event: toEvent(r.published) }));
    const scannedTo = events.length === limit ? events[events.length - 1].seq : head;
    return { events, scannedTo };
  }
}
