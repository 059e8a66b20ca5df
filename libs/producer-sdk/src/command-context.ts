import type { EventMeta } from '@cep/contracts';
import type { EventContext } from './event-factory';

/** Who asks, for which tenant, under which correlation: built once per HTTP request (see `CommandCtx`). */
export interface CommandContext extends EventContext {
  /** Profile (token subject) that triggered the command; becomes `actorProfileId` / `originator`. */
  actorProfileId: string;
  /** HTTP call tracing id (`x-call-id` header or generated); session events publish it as `callId`. */
  callId: string;
}

/** Event metadata for one command: the same time for every event it records. */
export function eventMeta(ctx: EventContext, source: string, time: Date): EventMeta {
  return { organisationId: ctx.organisationId, correlationId: ctx.correlationId, causationId: ctx.causationId, source, time };
}

/** What a command endpoint returns: the aggregate id, its stream version after the command, the event types appended. */
export interface CommandResult {
  id: string;
  version: number;
  events: string[];
}

/** Builds a {@link CommandResult} from the appended events. */
export function commandResult(id: string, version: number, events: readonly { type: string }[]): CommandResult {
  return { id, version, events: events.map((e) => e.type) };
}

/** Envelope fields of a session event (VerificationEvent, IssuanceEvent, KeyEvent, DIDEvent, wallet events). */
export interface SessionInfo {
  /** The service in which the event happens, e.g. `acme.issuer1`. */
  target: string;
  /** User or system that initiated the event. */
  originator: string | null;
  /** HTTP call tracing id; null for events not caused by an HTTP call. */
  callId: string | null;
}

/** The common part of a session event's `data`. */
export function sessionFields(s: SessionInfo, action: string, status: 'Open' | 'Success' | 'Failure', error: string | null = null) {
  return { originator: s.originator, target: s.target, action: { type: action }, status: { type: status }, callId: s.callId, error };
}
