/**
 * Backward compatibility of a payload schema: can a consumer built on the `next` schema still read every event
 * that was valid under the published (`previous`) one? Breaking: a removed or retyped field, a newly required
 * field, a narrowed enum or bound. Compatible: an added optional field, a relaxed bound, a widened enum, an
 * edited description.
 */
import type { JsonSchema } from './event-schemas';

type Schema = JsonSchema & {
  $ref?: string;
  $defs?: Record<string, Schema>;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  not?: Schema;
  type?: string | string[];
  anyOf?: Schema[];
};

const DEFS = '#/$defs/';

function deref(s: Schema, root: Schema): Schema {
  let cur = s;
  for (let i = 0; cur.$ref !== undefined && i < 32; i++) {
    if (!cur.$ref.startsWith(DEFS)) throw new Error(`unsupported $ref ${cur.$ref}`);
    const target = root.$defs?.[cur.$ref.slice(DEFS.length)];
    if (!target) throw new Error(`dangling $ref ${cur.$ref}`);
    cur = target;
  }
  return cur;
}

const types = (s: Schema) => (s.type === undefined ? undefined : [s.type].flat().filter((t) => t !== 'null').sort().join('|') || 'null');
const absent = (s: Schema | undefined) => s?.not !== undefined && Object.keys(s.not).length === 0;

/** `anyOf: [S, { type: 'null' }]` as S plus "accepts null". */
function unwrapNull(s: Schema): { schema: Schema; nullable: boolean } {
  const isNull = (b: Schema) => b.type === 'null' && Object.keys(b).length === 1;
  const branches = s.anyOf;
  if (Array.isArray(branches) && branches.length === 2 && branches.some(isNull) && !branches.every(isNull)) {
    return { schema: branches.find((b) => !isNull(b))!, nullable: true };
  }
  return { schema: s, nullable: [s.type].flat().includes('null') };
}

function compare(prev: Schema, next: Schema, prevRoot: Schema, nextRoot: Schema, at: string, out: string[], seen: Set<string>): void {
  const pa = unwrapNull(prev);
  const pb = unwrapNull(next);
  if (pa.nullable && !pb.nullable) out.push(`${at || '(root)'}: no longer accepts null`);
  const a = deref(pa.schema, prevRoot);
  const b = deref(pb.schema, nextRoot);
  const key = `${at}|${prev.$ref ?? ''}|${next.$ref ?? ''}`;
  if (seen.has(key)) return;
  seen.add(key);
  const where = at || '(root)';
  if (absent(a)) return; // it had to be absent: anything the next schema says about it accepts the old events
  if (absent(b)) return void out.push(`${where}: removed (must now be absent)`);
  const ta = types(a);
  const tb = types(b);
  // Retyped unless the new types include every old one (adding `null` widens)
  if (tb !== undefined && (ta === undefined || !ta.split('|').every((t) => tb.split('|').includes(t)))) out.push(`${where}: retyped from ${ta ?? 'any'} to ${tb}`);
  for (const k of ['format', 'const', 'pattern'] as const) {
    if (b[k] !== undefined && JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${where}: ${k} changed from ${JSON.stringify(a[k])} to ${JSON.stringify(b[k])}`);
  }
  if (b.enum !== undefined) {
    const lost = a.enum === undefined ? ['(any value)'] : a.enum.filter((v) => !b.enum!.some((w) => JSON.stringify(w) === JSON.stringify(v)));
    if (lost.length) out.push(`${where}: enum no longer accepts ${lost.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  for (const [k, tighter] of [
    ['maxLength', (x: number, y: number) => y < x],
    ['maxItems', (x: number, y: number) => y < x],
    ['maximum', (x: number, y: number) => y < x],
    ['minLength', (x: number, y: number) => y > x],
    ['minItems', (x: number, y: number) => y > x],
    ['minimum', (x: number, y: number) => y > x],
  ] as const) {
    const x = a[k] as number | undefined;
    const y = b[k] as number | undefined;
    if (y !== undefined && (x === undefined || tighter(x, y))) out.push(`${where}: ${k} narrowed from ${x ?? 'none'} to ${y}`);
  }
  const prevRequired = new Set(a.required ?? []);
  for (const r of b.required ?? []) if (!prevRequired.has(r)) out.push(`${at ? `${at}.` : ''}${r}: newly required`);
  for (const [name, p] of Object.entries(a.properties ?? {})) {
    const path = at ? `${at}.${name}` : name;
    const q = b.properties?.[name];
    if (q === undefined) {
      if (!absent(p)) out.push(`${path}: removed`);
      continue;
    }
    compare(p, q, prevRoot, nextRoot, path, out, seen);
  }
  if (a.items && b.items) compare(a.items, b.items, prevRoot, nextRoot, `${at}[]`, out, seen);
}

/** The backward-incompatible differences from `previous` (published) to `next` (generated); empty when compatible. */
export function breakingChanges(previous: JsonSchema, next: JsonSchema): string[] {
  const out: string[] = [];
  compare(previous as Schema, next as Schema, previous as Schema, next as Schema, '', out, new Set());
  return out;
}
