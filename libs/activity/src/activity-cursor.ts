import { ActivityError } from './activity.errors';

/** Keyset position in the newest-first list: (timestamp with microseconds, event id). */
export interface TimeCursor {
  k: 't';
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, exactly as stored (microseconds), so equal timestamps are never skipped. */
  t: string;
  i: string;
}

/** Position in commit order for the `after` polling mode. */
export interface PollCursor {
  k: 'p';
  n: string;
}

export type ActivityCursor = TimeCursor | PollCursor;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const INT_RE = /^\d{1,18}$/;

/** Opaque cursors: base64url of a small JSON document. Clients must not build or parse them. */
export function encodeCursor(c: ActivityCursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

/** The start of the polling sequence (`after=0`). */
export const POLL_START: PollCursor = { k: 'p', n: '0' };

export function decodeCursor(raw: string, kind: 't'): TimeCursor;
export function decodeCursor(raw: string, kind: 'p'): PollCursor;
export function decodeCursor(raw: string, kind: 't' | 'p'): ActivityCursor {
  if (kind === 'p' && raw === '0') return POLL_START;
  let c: any;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw ActivityError.invalidCursor(raw, kind);
  }
  if (kind === 't' && c?.k === 't' && typeof c.t === 'string' && TS_RE.test(c.t) && typeof c.i === 'string' && UUID_RE.test(c.i)) {
    return { k: 't', t: c.t, i: c.i };
  }
  if (kind === 'p' && c?.k === 'p' && typeof c.n === 'string' && INT_RE.test(c.n)) {
    return { k: 'p', n: c.n };
  }
  throw ActivityError.invalidCursor(raw, kind);
}
