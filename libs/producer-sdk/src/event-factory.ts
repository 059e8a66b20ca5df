import {
  buildEvent,
  EVENT_REGISTRY,
  validateEvent,
  type EventDefinition,
  type EventEnvelope,
  type EventRegistry,
} from '@cep/contracts';
import { INPUT_LIMITS } from '@cep/platform';

/** An event that does not satisfy its contract; `problems` are `path: message` strings from class-validator. */
export class InvalidEventError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: string[],
  ) {
    super(`invalid ${eventType} event: ${problems.join('; ')}`);
  }
}

/** What every event of one command shares: tenant, correlation, cause. */
export interface EventContext {
  /** Tenant; for HTTP commands always the caller's token organisation. */
  organisationId: string;
  correlationId: string;
  causationId?: string;
}

/**
 * Validates envelopes exactly as a consumer will (JSON round trip, envelope rules, payload class, subject = key),
 * and refuses an event stamped more than INPUT_LIMITS.maxEventFutureSkewMs (5 minutes) after `now`: a future
 * `time` would sort after everything real and move freshness watermarks.
 * Throws {@link InvalidEventError} for the first invalid event: a producer must never send what consumers reject.
 */
export function assertValidEvents(events: readonly EventEnvelope[], registry: EventRegistry = EVENT_REGISTRY, now: Date = new Date()): void {
  for (const e of events) {
    const r = validateEvent(JSON.parse(JSON.stringify(e)), registry);
    if (!r.ok) throw new InvalidEventError(e.type, r.error.split('; '));
    const problem = futureTimeProblem(e.time, now);
    if (problem) throw new InvalidEventError(e.type, [problem]);
  }
}

/** `time: …` when an event time lies more than the tolerated skew after `now`, else undefined. */
export function futureTimeProblem(time: string, now: Date): string | undefined {
  const skew = INPUT_LIMITS.maxEventFutureSkewMs;
  if (Date.parse(time) > now.getTime() + skew) return `time: must not be more than ${skew / 60_000} minutes in the future (${time})`;
  return undefined;
}

/**
 * Typed event builder for producers: `factory.build(CredentialOffered, data, ctx)` returns a complete, validated
 * CloudEvents envelope (UUIDv7 id, `time` from the injected clock, subject = the definition's aggregate key).
 */
export class EventFactory {
  constructor(
    private readonly opts: {
      /** Producing service, e.g. `urn:acme:issuer`. */
      source: string;
      /** Time source; defaults to the system clock. Inject a fixed clock in tests. */
      now?: () => Date;
      registry?: EventRegistry;
    },
  ) {}

  build<TType extends string, TPayload extends object>(
    def: EventDefinition<TType, TPayload>,
    data: TPayload,
    ctx: EventContext,
  ): EventEnvelope<TType, TPayload> {
    const event = buildEvent(def, data, {
      organisationId: ctx.organisationId,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      source: this.opts.source,
      time: this.opts.now ? this.opts.now() : new Date(),
    });
    assertValidEvents([event], this.opts.registry);
    return event;
  }
}
