import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';
import type { MetadataStorage as TransformerMetadataStorage } from 'class-transformer/types/MetadataStorage';

// class-transformer's decorator metadata (the `@Type` of nested properties); not re-exported by its index.
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadataStorage };

/**
 * A pre-compiled acceptance check for payload classes: the SAME class-validator constraint instances
 * (`IsString`, `MaxLength`, `IsUUID`, `IsIn`, ... — each decorator's own `validate` function), the same
 * `IsOptional` / `ValidateIf` conditions, the same `@Type` classes for nested objects, evaluated in the order
 * class-validator's ValidationExecutor evaluates them (conditions, then IsDefined, then custom constraints,
 * then nested validation with `forbidUnknownValues`), without the executor's per-call metadata lookups,
 * grouping and error objects, and without class-transformer's instance building.
 *
 * It only ever ACCEPTS: `true` means class-validator (with `plainToInstance` + `forbidUnknownValues: true`)
 * would report no error; anything else (`false`) sends the payload to class-validator, which stays the source
 * of truth and produces the error text (so dead letters are unchanged). Classes using anything the plan does not
 * model (async constraints, groups, `always`, nested properties without `@Type`, class-transformer transforms /
 * expose / exclude, property defaults) get no plan and always go to class-validator.
 */

export type PayloadClass = abstract new (...args: any[]) => unknown;

type Check = (obj: Record<string, unknown>, value: unknown) => boolean;

interface PropertyPlan {
  name: string;
  conditions: Check[];
  defined: Check[];
  custom: Check[];
  /** Class of the nested value(s) when the property has @ValidateNested (resolved lazily: classes may refer to later ones). */
  nested: (() => ClassPlan | null) | null;
}

interface ClassPlan {
  props: PropertyPlan[];
}

const plans = new Map<PayloadClass, ClassPlan | null>();
const building = new Set<PayloadClass>();

/** The plan of a class, or null when the class cannot be checked this way (then class-validator always runs). */
function planOf(cls: PayloadClass): ClassPlan | null {
  const cached = plans.get(cls);
  if (cached !== undefined) return cached;
  if (building.has(cls)) return null; // recursive class graphs: not modelled
  building.add(cls);
  let plan: ClassPlan | null = null;
  try {
    plan = compile(cls);
  } catch {
    plan = null;
  } finally {
    building.delete(cls);
  }
  plans.set(cls, plan);
  return plan;
}

function compile(cls: PayloadClass): ClassPlan | null {
  const storage = getMetadataStorage();
  // exactly the metadata set ValidationExecutor.execute uses (validateSync(instance, {forbidUnknownValues: true}))
  const metas = storage.getTargetValidationMetadatas(cls, undefined as unknown as string, false, false, undefined);
  if (!metas.length) return null; // forbidUnknownValues: an object without metadata is an error
  // class-transformer: property defaults, transforms, expose/exclude would make the instance differ from the plain data
  const probe = new (cls as new () => Record<string, unknown>)();
  if (Object.values(probe).some((v) => v !== undefined)) return null;
  if (defaultMetadataStorage.getExposedMetadatas(cls).length || defaultMetadataStorage.getExcludedMetadatas(cls).length) return null;

  const grouped = storage.groupByPropertyName(metas);
  const props: PropertyPlan[] = [];
  for (const [name, list] of Object.entries(grouped)) {
    if (defaultMetadataStorage.findTransformMetadatas(cls, name, 1 /* PLAIN_TO_CLASS */).length) return null;
    const prop: PropertyPlan = { name, conditions: [], defined: [], custom: [], nested: null };
    for (const m of list) {
      if (m.always || m.groups?.length || m.context) return null;
      switch (m.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION: {
          const cond = m.constraints[0] as (o: object, v: unknown) => boolean;
          prop.conditions.push((o, v) => !!cond(o, v));
          break;
        }
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const constraints = storage.getTargetValidatorConstraints(m.constraintCls);
          if (!constraints.length) break;
          for (const c of constraints) {
            if (c.async) return null;
            const instance = c.instance as { validate(value: unknown, args: ValidationArguments): unknown };
            const each = !!m.each;
            const check: Check = (o, v) => {
              const args: ValidationArguments = { targetName: cls.name, property: name, object: o, value: v, constraints: m.constraints };
              if (!each || !Array.isArray(v)) {
                if (each && (v instanceof Set || v instanceof Map)) return false;
                const r = instance.validate(v, args);
                return r === true || (!!r && typeof (r as Promise<unknown>).then !== 'function');
              }
              for (const sub of v) {
                const r = instance.validate(sub, args);
                if (!r || typeof (r as Promise<unknown>).then === 'function') return false;
              }
              return true;
            };
            (m.type === ValidationTypes.IS_DEFINED ? prop.defined : prop.custom).push(check);
          }
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const t = defaultMetadataStorage.findTypeMetadata(cls, name);
          if (!t || t.options?.discriminator || prop.nested) return null;
          let resolved: ClassPlan | null | undefined;
          prop.nested = () => {
            if (resolved === undefined) {
              const target = t.typeFunction();
              resolved = typeof target === 'function' ? planOf(target as PayloadClass) : null;
            }
            return resolved;
          };
          break;
        }
        default:
          return null; // promise validation and anything newer: not modelled
      }
    }
    props.push(prop);
  }
  return { props };
}

function nestedOk(plan: () => ClassPlan | null, value: unknown, depth: number): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) {
    for (const sub of value) {
      // (class-validator skips undefined elements, but class-transformer may turn them into instances: decline)
      if (Array.isArray(sub) || typeof sub !== 'object' || sub === null) return false;
      if (!objectOk(plan(), sub as Record<string, unknown>, depth + 1)) return false;
    }
    return true;
  }
  if (typeof value !== 'object' || value === null) return false;
  return objectOk(plan(), value as Record<string, unknown>, depth + 1);
}

function objectOk(plan: ClassPlan | null, obj: Record<string, unknown>, depth: number): boolean {
  if (!plan || depth > 16) return false;
  for (const p of plan.props) {
    const v = obj[p.name];
    let go = true;
    for (const c of p.conditions) if (!c(obj, v)) go = false;
    if (!go) continue;
    for (const c of p.defined) if (!c(obj, v)) return false;
    for (const c of p.custom) if (!c(obj, v)) return false;
    if (p.nested && !nestedOk(p.nested, v, depth)) return false;
  }
  return true;
}

/**
 * True when class-validator would accept `data` as an instance of `cls` (see above); false means "ask
 * class-validator" (invalid, or not decidable here).
 */
export function fastAccepts(cls: PayloadClass, data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  try {
    return objectOk(planOf(cls), data as Record<string, unknown>, 0);
  } catch {
    return false;
  }
}
