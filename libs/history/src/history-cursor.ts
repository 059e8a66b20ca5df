import { createHash } from 'crypto';
import type { HistorySortField, SortDirection } from './history-entry';

/**
 * Opaque keyset cursor: the sort it belongs to, a hash of the filters it was issued for, and the position
 * (sort value, createdDate, id) of the last entry returned. base64url JSON; clients must not parse it.
 */
export interface HistoryCursor {
  v: 1;
  sort: HistorySortField;
  dir: SortDirection;
  /** Hash of the filters: a cursor only continues the query it came from. */
  f: string;
  /** Value of the sort column of the last row (absent when sorting by createdDate / organisationId). */
  k?: string;
  c: string;
  i: string;
}

export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

/** Decodes a cursor; null when it is not one of ours (the caller answers 400 naming `cursor`). */
export function decodeCursor(raw: string): HistoryCursor | null {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as HistoryCursor;
    if (c?.v !== 1 || typeof c.c !== 'string' || typeof c.i !== 'string' || typeof c.f !== 'string') return null;
    if (Number.isNaN(Date.parse(c.c)) || !/^[0-9a-f-]{36}$/i.test(c.i)) return null;
    if (c.k !== undefined && typeof c.k !== 'string') return null;
    return c;
  } catch {
    return null;
  }
}

export function filterHash(filter: unknown): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 16);
}
