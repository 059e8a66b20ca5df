import { context, isSpanContextValid, trace, type Context, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { tracingEnabled } from './tracing';

/** The W3C `traceparent` header name (outbox column, Kafka header, HTTP header). */
export const TRACEPARENT = 'traceparent';

/** `00-<trace id>-<span id>-<flags>` (W3C Trace Context, version 00). */
export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span context of a `traceparent` value; undefined when it is missing or malformed. */
export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  if (!value) return undefined;
  const sc = parseTraceParent(value);
  return sc && isSpanContextValid(sc) ? { ...sc, isRemote: true } : undefined;
}

/** The `traceparent` of a span, or null when tracing is off (no span, invalid context). */
export function traceparentOf(span: Span | undefined): string | null {
  if (!span) return null;
  const sc = span.spanContext();
  return isSpanContextValid(sc) ? formatTraceparent(sc) : null;
}

/** The `traceparent` of the active span; null when tracing is off or no span is active. */
export function activeTraceparent(): string | null {
  return tracingEnabled() ? traceparentOf(trace.getActiveSpan()) : null;
}

/**
 * Links to the producer spans of a batch, one per distinct valid `traceparent` (missing or malformed values are
 * skipped: messages written before tracing, or by producers without it).
 */
export function linksFromTraceparents(values: Iterable<string | null | undefined>): Link[] {
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const v of values) {
    if (!v || seen.has(v)) continue;
    seen.add(v);
    const sc = parseTraceparent(v);
    if (sc) links.push({ context: sc });
  }
  return links;
}

/** Runs `fn` with `span` as the active span (so logs and child spans see it). */
export function withActiveSpan<T>(span: Span, fn: () => T, parent: Context = context.active()): T {
  return context.with(trace.setSpan(parent, span), fn);
}
