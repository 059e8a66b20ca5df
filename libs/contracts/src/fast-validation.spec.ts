import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { EventMix } from '../../../bench/lib/event-mix';
import { EVENT_REGISTRY } from './catalogue';
import type { EventEnvelope } from './envelope';
import { fastAccepts, type PayloadClass } from './fast-validation';

/** class-validator exactly as validateEvent runs it (the source of truth). */
function classValidatorAccepts(cls: PayloadClass, data: unknown): boolean {
  const instance = plainToInstance(cls as new () => object, data) as object;
  return validateSync(instance, { forbidUnknownValues: true, validationError: { target: false, value: false } }).length === 0;
}

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [
  null, undefined, 0, 1.5, -1, true, '', ' ', 'x', 'not-a-uuid', '0193a1b2-0000-7000-8000-00000000000g', 'x'.repeat(300), 'y'.repeat(5000),
  '\uD83D\uDE00'.repeat(130), {}, [], [null], [1], ['a'], [{}], [[]], { name: 'n' }, { id: 'x' }, new Array(250).fill('a'),
  '2026-13-45T00:00:00Z', 'http://', 'ftp://example.com', 'sd-jwt-vc', 'EMAIL',
];

/** Every path (object keys and array indexes) in a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [prefix, ...v.flatMap((x, i) => paths(x, [...prefix, i]))];
  if (v && typeof v === 'object') return [prefix, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
  return [prefix];
}

function mutate(data: Record<string, unknown>, rand: () => number): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  const all = paths(copy).filter((p) => p.length > 0);
  const p = all[Math.floor(rand() * all.length)];
  let parent: Record<string | number, unknown> = copy;
  for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = p[p.length - 1];
  const r = rand();
  if (r < 0.2) delete parent[last];
  else if (r < 0.3) (parent as Record<string, unknown>)[`extra${Math.floor(rand() * 3)}`] = WEIRD[Math.floor(rand() * WEIRD.length)];
  else parent[last] = structuredClone(WEIRD[Math.floor(rand() * WEIRD.length)]);
  return copy;
}

describe('fastAccepts (pre-compiled class-validator plan)', () => {
  const mix = new EventMix({ organisations: 3, seed: 7 });
  const corpus: EventEnvelope[] = [...mix.setupEvents(), ...mix.next(3000)];
  const byType = new Map<string, EventEnvelope[]>();
  for (const e of corpus) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);

  it('accepts every contract-valid event of the corpus (the fast path is actually taken)', () => {
    expect(byType.size).toBeGreaterThan(10);
    for (const [type, events] of byType) {
      const cls = EVENT_REGISTRY.get(type)!.payload as PayloadClass;
      for (const e of events.slice(0, 50)) {
        expect(classValidatorAccepts(cls, e.data)).toBe(true);
        expect({ type, fast: fastAccepts(cls, e.data) }).toEqual({ type, fast: true });
      }
    }
  });

  it('never accepts a payload class-validator rejects (random mutations of every event type)', () => {
    const rand = rng(11);
    let rejected = 0;
    let checked = 0;
    for (const [type, events] of byType) {
      const cls = EVENT_REGISTRY.get(type)!.payload as PayloadClass;
      for (let i = 0; i < 600; i++) {
        const base = events[i % events.length].data as Record<string, unknown>;
        let m = mutate(base, rand);
        if (rand() < 0.3) m = mutate(m as Record<string, unknown>, rand);
        const slow = classValidatorAccepts(cls, m);
        const fast = fastAccepts(cls, m);
        checked++;
        if (!slow) rejected++;
        if (fast && !slow) throw new Error(`${type}: fast path accepted a payload class-validator rejects: ${JSON.stringify(m).slice(0, 500)}`);
      }
    }
    expect(checked).toBeGreaterThan(4000);
    expect(rejected).toBeGreaterThan(checked / 4);
  });

  it('declines non-objects and unknown classes', () => {
    const cls = EVENT_REGISTRY.get('credential.created')!.payload as PayloadClass;
    for (const v of [null, undefined, 1, 'x', [], [{}]]) expect(fastAccepts(cls, v)).toBe(false);
    class Undecorated {}
    expect(fastAccepts(Undecorated, {})).toBe(false);
  });
});
