import { EventLogError, EventLogErrorCode } from './event-log.errors';

/** Filters of the event log (seed 001 facts: the query body of the reference product). All optional; AND-combined. */
export interface EventLogFilter {
  /** Published `eventType`, any of. */
  eventType?: string[];
  /** `status.type`, any of (`Open`, `Success`, `Failure`). */
  status?: string[];
  /** `action.type`, any of. */
  action?: string[];
  /** Unix ms, inclusive. */
  fromTimestamp?: number;
  /** Unix ms, inclusive. */
  toTimestamp?: number;
  callId?: string;
  target?: string[];
  sessionId?: string;
  format?: string;
  credentialType?: string;
  signatureAlgorithm?: string;
}

/** Filter fields (the names used by the API, for the docs and for "unknown field" checks). */
export const EVENT_LOG_FILTER_FIELDS = [
  'eventType',
  'status',
  'action',
  'fromTimestamp',
  'toTimestamp',
  'callId',
  'target',
  'sessionId',
  'format',
  'credentialType',
  'signatureAlgorithm',
] as const satisfies readonly (keyof EventLogFilter)[];

/**
 * Field paths accepted by `groupBy`, and the SQL expression each groups on. A whitelist: the path is never
 * interpolated into SQL, only the expression chosen here.
 */
export const GROUP_BY_PATHS: Readonly<Record<string, string>> = {
  'status.type': 'status',
  'action.type': 'action',
  eventType: 'event_type',
  type: `published->>'type'`,
  target: 'target',
  originator: 'originator',
  format: 'format',
  credentialType: 'credential_type',
  signatureAlgorithm: 'signature_algorithm',
  sessionId: 'session_id',
  callId: 'call_id',
  error: `published->>'error'`,
  // per-type fields (null for the other event types)
  credentialConfigurationId: `published->>'credentialConfigurationId'`,
  proofType: `published->>'proofType'`,
  keyEventType: `published->>'keyEventType'`,
  keyAlgorithm: `published->>'keyAlgorithm'`,
  didEventType: `published->>'didEventType'`,
  didMethod: `published->>'didMethod'`,
  credentialStatus: `published->>'credentialStatus'`,
};

export const GROUP_BY_PATH_NAMES = Object.keys(GROUP_BY_PATHS);

/** Checks that do not fit a per-field decorator. Throws {@link EventLogError}. */
export function assertValidFilter(f: EventLogFilter): void {
  if (f.fromTimestamp !== undefined && f.toTimestamp !== undefined && f.fromTimestamp > f.toTimestamp) {
    throw EventLogError.invalidInput(EventLogErrorCode.InvalidRange, 'fromTimestamp', f.fromTimestamp, 'fromTimestamp must not be after toTimestamp');
  }
}

/** SQL WHERE for an organisation and a filter; parameters start at `$1` = organisation id. */
export function filterSql(organisationId: string, f: EventLogFilter): { where: string; params: unknown[] } {
  const params: unknown[] = [organisationId];
  const where = ['organisation_id = $1'];
  const add = (sql: (p: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (f.eventType?.length) add((p) => `event_type = ANY(${p}::text[])`, f.eventType);
  if (f.status?.length) add((p) => `status = ANY(${p}::text[])`, f.status);
  if (f.action?.length) add((p) => `action = ANY(${p}::text[])`, f.action);
  if (f.target?.length) add((p) => `target = ANY(${p}::text[])`, f.target);
  if (f.fromTimestamp !== undefined) add((p) => `ts_ms >= ${p}::bigint`, String(f.fromTimestamp));
  if (f.toTimestamp !== undefined) add((p) => `ts_ms <= ${p}::bigint`, String(f.toTimestamp));
  if (f.callId !== undefined) add((p) => `call_id = ${p}`, f.callId);
  if (f.sessionId !== undefined) add((p) => `session_id = ${p}`, f.sessionId);
  if (f.format !== undefined) add((p) => `format = ${p}`, f.format);
  if (f.credentialType !== undefined) add((p) => `credential_type = ${p}`, f.credentialType);
  if (f.signatureAlgorithm !== undefined) add((p) => `signature_algorithm = ${p}`, f.signatureAlgorithm);
  return { where: where.join(' AND '), params };
}
