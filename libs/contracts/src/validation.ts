import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import {
  ATTRIBUTE_NAME_RE,
  DATA_CONTENT_TYPE,
  dataSchemaUri,
  SPEC_VERSION,
  upcastEnvelope,
  UUID_RE,
  type EventEnvelope,
} from './envelope';
import { fastAccepts } from './fast-validation';
import type { EventRegistry } from './registry';

/** Why a message could not be accepted; used as the dead-letter reason and metric label. */
export type RejectionReason =
  | 'malformed_json'
  | 'invalid_envelope'
  | 'unknown_type'
  | 'unsupported_version'
  | 'invalid_payload'
  | 'key_mismatch';

export type ParseResult =
  | { ok: true; event: EventEnvelope }
  | { ok: false; reason: RejectionReason; error: string; type?: string; id?: string };

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Flattens class-validator errors into `path: message` strings. */
export function formatValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push(`${path}: ${Object.values(e.constraints).join('; ')}`);
    if (e.children?.length) out.push(...formatValidationErrors(e.children, path));
  }
  return out;
}

function envelopeProblems(e: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (e.specversion !== SPEC_VERSION) p.push(`specversion must be "${SPEC_VERSION}"`);
  if (typeof e.id !== 'string' || !UUID_RE.test(e.id)) p.push('id must be a UUID');
  if (typeof e.source !== 'string' || e.source.length === 0 || e.source.length > 256) p.push('source must be a non-empty string');
  if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 128) p.push('type must be a non-empty string');
  if (!Number.isInteger(e.dataversion) || (e.dataversion as number) < 1) p.push('dataversion must be a positive integer');
  if (typeof e.time !== 'string' || !RFC3339.test(e.time) || Number.isNaN(Date.parse(e.time))) p.push('time must be an RFC 3339 timestamp');
  if (typeof e.subject !== 'string' || e.subject.length === 0 || e.subject.length > 256) p.push('subject must be a non-empty string');
  if (e.datacontenttype !== undefined && e.datacontenttype !== DATA_CONTENT_TYPE) p.push(`datacontenttype must be ${DATA_CONTENT_TYPE}`);
  if (e.dataschema !== undefined && typeof e.dataschema !== 'string') p.push('dataschema must be a URI');
  if (typeof e.organisationid !== 'string' || e.organisationid.length === 0 || e.organisationid.length > 128) p.push('organisationid must be a non-empty string');
  if (typeof e.correlationid !== 'string' || e.correlationid.length === 0 || e.correlationid.length > 128) p.push('correlationid must be a non-empty string');
  if (e.causationid !== undefined && e.causationid !== null && (typeof e.causationid !== 'string' || e.causationid.length > 128)) p.push('causationid must be a string');
  if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) p.push('data must be an object');
  const badNames = Object.keys(e).filter((k) => !ATTRIBUTE_NAME_RE.test(k) || k.length > 64);
  if (badNames.length) p.push(`attribute names must be lowercase letters and digits: ${badNames.map((k) => JSON.stringify(k)).join(', ')}`);
  return p;
}

/**
 * Validates an already-parsed object against the envelope rules and the registered payload class,
 * upcasting legacy attribute names (`upcastEnvelope`) and older payload versions to the current one. The
 * result carries the current version's `dataversion` and `dataschema`. Pure: never throws for bad input.
 */
export function validateEvent(raw: unknown, registry: EventRegistry): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'invalid_envelope', error: 'message is not a JSON object' };
  }
  const e = upcastEnvelope(raw as Record<string, unknown>);
  const id = typeof e.id === 'string' ? e.id : undefined;
  const problems = envelopeProblems(e);
  if (problems.length) return { ok: false, reason: 'invalid_envelope', error: problems.join('; '), id };
  const type = e.type as string;
  const def = registry.get(type);
  if (!def) return { ok: false, reason: 'unknown_type', error: `unknown event type "${type}"`, type, id };
  let version = e.dataversion as number;
  if (version > def.version) {
    return { ok: false, reason: 'unsupported_version', error: `${type} v${version} is newer than supported v${def.version}`, type, id };
  }
  if (e.dataschema !== undefined && e.dataschema !== dataSchemaUri(type, version)) {
    const error = `dataschema "${String(e.dataschema)}" is not the schema of ${type} v${version} (${dataSchemaUri(type, version)})`;
    return { ok: false, reason: 'invalid_envelope', error, type, id };
  }
  let data = e.data as Record<string, unknown>;
  while (version < def.version) {
    const up = def.upcasters?.[version];
    if (!up) return { ok: false, reason: 'unsupported_version', error: `no upcaster for ${type} v${version}`, type, id };
    data = up(data);
    version += 1;
  }
  // Pre-compiled plan of the same class-validator constraints: it only accepts; anything it does not accept
  // (invalid, or not decidable) goes through class-validator, the source of truth and of the error text.
  if (!fastAccepts(def.payload, data)) {
    const instance = plainToInstance(def.payload, data) as object;
    const errors = validateSync(instance, { forbidUnknownValues: true, validationError: { target: false, value: false } });
    if (errors.length) {
      return { ok: false, reason: 'invalid_payload', error: formatValidationErrors(errors).join('; '), type, id };
    }
  }
  const expectedKey = def.key(data as never);
  if (expectedKey !== e.subject) {
    return { ok: false, reason: 'key_mismatch', error: `subject "${String(e.subject)}" does not match aggregate id "${expectedKey}"`, type, id };
  }
  const event: EventEnvelope = {
    specversion: SPEC_VERSION,
    id: e.id as string,
    source: e.source as string,
    type,
    dataversion: version,
    time: new Date(e.time as string).toISOString(),
    subject: e.subject as string,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataSchemaUri(type, version),
    organisationid: e.organisationid as string,
    correlationid: e.correlationid as string,
    ...(typeof e.causationid === 'string' ? { causationid: e.causationid } : {}),
    data,
  };
  return { ok: true, event };
}

/** Parses bytes from the wire (JSON) and validates them; see {@link validateEvent}. */
export function parseEvent(value: Buffer | string | null | undefined, registry: EventRegistry): ParseResult {
  if (value === null || value === undefined) return { ok: false, reason: 'malformed_json', error: 'empty message (tombstone)' };
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed_json', error: `not valid JSON: ${(err as Error).message}` };
  }
  return validateEvent(raw, registry);
}
