import type { DataSource } from 'typeorm';

export interface HistoryQuery {
  organisationId: string;
  page: number;
  pageSize: number;
  entityId?: string;
  action?: string;
}

export interface HistoryListItem {
  id: string;
  createdDate: string;
  action: string;
  entityId: string;
  entityType: string;
  organisationId: string;
  name: string | null;
  source: string;
  target: string | null;
}

export interface HistoryPage {
  values: HistoryListItem[];
  totalPages: number;
  totalItems: number;
}

/** Reads history entries; always scoped to the caller's organisation. */
export class HistoryQueryService {
  constructor(private readonly ds: DataSource) {}

  async list(q: HistoryQuery): Promise<HistoryPage> {
    const where = ['organisation_id = $1'];
    const params: unknown[] = [q.organisationId];
    if (q.entityId) {
      params.push(q.entityId);
      where.push(`entity_id = $${params.length}`);
    }
    if (q.action) {
      params.push(q.action);
      where.push(`action = $${params.length}`);
    }
    const w = where.join(' AND ');
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM history.entries WHERE ${w}`, params);
    const rows = await this.ds.query(
      `SELECT id, created_date, action, entity_id, entity_type, organisation_id, name, source, target
       FROM history.entries WHERE ${w} ORDER BY created_date DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.pageSize, q.page * q.pageSize],
    );
    return {
      values: rows.map((r: any) => ({
        id: r.id,
        createdDate: new Date(r.created_date).toISOString(),
        action: r.action,
        entityId: r.entity_id,
        entityType: r.entity_type,
        organisationId: r.organisation_id,
        name: r.name,
        source: r.source,
        target: r.target,
      })),
      totalPages: Math.ceil(n / q.pageSize),
      totalItems: n,
    };
  }
}
