import { SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { linksFromTraceparents, platformTracer, traceparentOf, tracingEnabled, withActiveSpan } from '@cep/platform';
import type { OutgoingMessage } from './cloudevents-kafka';

/** Ends a span after `fn`, recording a thrown error on it. */
async function inSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await withActiveSpan(span, fn);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * The outbox insert of a command's events: a PRODUCER `create` span, child of the active span (the HTTP request),
 * whose traceparent every row keeps (null, and no span, while tracing is off).
 */
export async function traceOutboxEnqueue<T>(schema: string, msgs: OutgoingMessage[], insert: (traceparent: string | null) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return insert(null);
  const topics = [...new Set(msgs.map((m) => m.topic))];
  const span = platformTracer().startSpan(`create ${topics.length === 1 ? topics[0] : 'outbox'}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'create',
      'messaging.destination.name': topics.join(','),
      'messaging.batch.message_count': msgs.length,
      'cep.outbox.schema': schema,
      'cep.event.ids': msgs.map((m) => m.headers.ce_id ?? ''),
    },
  });
  return inSpan(span, () => insert(traceparentOf(span)));
}

/** The relay's send of one outbox batch: a PRODUCER `publish` span linking to the span that wrote each row. */
export async function traceOutboxPublish<T>(schema: string, rows: { traceparent: string | null }[], send: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return send();
  const span = platformTracer().startSpan(`publish outbox ${schema}`, {
    kind: SpanKind.PRODUCER,
    links: linksFromTraceparents(rows.map((r) => r.traceparent)),
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.batch.message_count': rows.length,
      'cep.outbox.schema': schema,
    },
  });
  return inSpan(span, send);
}
