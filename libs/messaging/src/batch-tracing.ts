import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { EachBatchPayload } from 'kafkajs';
import { linksFromTraceparents, platformTracer, TRACEPARENT, tracingEnabled, withActiveSpan } from '@cep/platform';

function headerText(v: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : typeof one === 'string' ? one : one.toString('latin1');
}

/**
 * A projector's batch as one CONSUMER span `process <topic>`, linked to the producer span of every message in it
 * (each message's `traceparent` header: the span that wrote its outbox row), active while the batch is applied so
 * logs and nested spans carry its ids. Nothing is read or allocated while tracing is off.
 */
export async function traceBatch(projection: string, groupId: string, p: EachBatchPayload, fn: () => Promise<void>): Promise<void> {
  const { batch } = p;
  if (!tracingEnabled() || !batch.messages.length) return fn();
  const span = platformTracer().startSpan(`process ${batch.topic}`, {
    kind: SpanKind.CONSUMER,
    links: linksFromTraceparents(batch.messages.map((m) => headerText(m.headers?.[TRACEPARENT]))),
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': batch.topic,
      'messaging.destination.partition.id': String(batch.partition),
      'messaging.consumer.group.name': groupId,
      'messaging.batch.message_count': batch.messages.length,
      'messaging.kafka.offset.first': batch.firstOffset() ?? '',
      'messaging.kafka.offset.last': batch.lastOffset(),
      'cep.projection': projection,
    },
  });
  try {
    await withActiveSpan(span, fn);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}
