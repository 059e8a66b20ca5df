import { SESSION_EVENTS, WALLET_EVENT_TYPES, toPublishedShape, type SessionEvent } from '@cep/contracts';

/**
 * jsonb keeps keys in its own order (shortest first), not the published one. The field order of each
 * published `eventType` is taken from `toPublishedShape` itself (run once on a stub envelope per type), so
 * the API answers in exactly the order the contracts publish, and a field added there shows up here.
 */
function stub(type: SessionEvent['type'], walletEventType?: string): SessionEvent {
  return {
    specversion: '1.0',
    id: '00000000-0000-7000-8000-000000000000',
    source: 'urn:cep:stub',
    type,
    dataversion: 1,
    time: '1970-01-01T00:00:00.000Z',
    subject: 'stub',
    datacontenttype: 'application/json',
    organisationId: 'stub',
    correlationId: 'stub',
    data: { target: 't', action: { type: 'a' }, status: { type: 'Open' }, walletEventType },
  } as unknown as SessionEvent;
}

const ORDER = new Map<string, string[]>();
for (const def of SESSION_EVENTS) {
  const variants = def.type === 'session.wallet' ? [...WALLET_EVENT_TYPES] : [undefined];
  for (const w of variants) {
    const shape = toPublishedShape(stub(def.type, w));
    ORDER.set(shape.eventType, Object.keys(shape));
  }
}

/** Returns the object with its keys in the published order of its `eventType` (unknown keys last, as stored). */
export function inPublishedOrder<T extends Record<string, unknown>>(stored: T): T {
  const order = ORDER.get(String(stored.eventType));
  if (!order) return stored;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in stored) out[k] = stored[k];
  for (const k of Object.keys(stored)) if (!(k in out)) out[k] = stored[k];
  return out as T;
}
