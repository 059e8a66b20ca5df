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

/**
 * Live-stream position: the `seq` of the last event received (SSE `id:` / `Last-Event-ID`).
 * A decimal string of a non-negative 64-bit integer.
 */
export function parseStreamPosition(raw: string, param = 'Last-Event-ID'): bigint {
  const location = param === 'Last-Event-ID' ? 'headers' : 'query';
  if (!/^\d{1,19}$/.test(raw.trim())) {
    throw EventLogError.invalidInput(EventLogErrorCode.InvalidEventId, param, raw, `${param} must be the id of an event received from this stream`, location);
  }
  const n = BigInt(raw.trim());
  if (n > 9223372036854775807n) throw EventLogError.invalidInput(EventLogErrorCode.InvalidEventId, param, raw, `${param} is out of range`, location);
  return n;
}
