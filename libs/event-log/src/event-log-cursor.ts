import { UUID_RE } from '@cep/contracts';
import { EventLogError, EventLogErrorCode } from './event-log.errors';

/** Keyset position of the newest-first query: the last item's (timestamp, _id). */
export interface EventLogCursor {
  timestamp: number;
  id: string;
}

/** Opaque to clients: base64url of a small versioned JSON. */
export function encodeCursor(c: EventLogCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, t: c.timestamp, i: c.id }), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): EventLogCursor {
  const bad = () => EventLogError.invalidInput(EventLogErrorCode.InvalidCursor, 'cursor', raw, 'cursor is not a cursor returned by this API');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) throw bad();
  let parsed: { v?: unknown; t?: unknown; i?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!parsed || parsed.v !== 1 || !Number.isSafeInteger(parsed.t) || typeof parsed.i !== 'string' || !UUID_RE.test(parsed.i)) throw bad();
  return { timestamp: parsed.t as number, id: parsed.i };
}

/** `Last-Event-ID: 0`: replay the organisation's whole log. */
export const STREAM_START = '0';

/**
 * Live-stream resume point: the `_id` of the last event received (SSE `id:` / `Last-Event-ID`), a UUID. Stream
 * ids are the events' own ids, never the log's global sequence numbers, so a tenant cannot count other tenants'
 * traffic from the ids it receives. `0` means the start of the organisation's log. Returns the id in lowercase.
 */
export function parseStreamEventId(raw: string, param = 'Last-Event-ID'): string {
  const location = param === 'Last-Event-ID' ? 'headers' : 'query';
  const id = raw.trim().toLowerCase();
  if (id !== STREAM_START && !UUID_RE.test(id)) {
    throw EventLogError.invalidInput(EventLogErrorCode.InvalidEventId, param, raw, `${param} must be the id of an event received from this stream`, location);
  }
  return id;
}
