import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, ValidateBy, type ValidationOptions } from 'class-validator';
import { dateRangeMessage, isDateInRange, isoDateMs } from '../input-limits';

/** One offending field, in the shape of the reports seed: `{value, msg, param, location}`. */
export interface FieldError {
  value: unknown;
  msg: string;
  param: string;
  location: 'body' | 'query' | 'params' | 'headers';
}

/** The platform's 400 body: `{statusCode, code, message, details}`. */
export function validationFailed(details: FieldError[], message = 'request validation failed'): BadRequestException {
  return new BadRequestException({ statusCode: 400, code: 'VALIDATION_ERROR', message, details });
}

function flatten(errors: ValidationError[], location: FieldError['location'], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const param = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      for (const msg of Object.values(e.constraints)) {
        out.push({ value: e.value === undefined ? null : e.value, msg, param, location });
      }
    }
    if (e.children?.length) out.push(...flatten(e.children, location, param));
  }
  return out;
}

/**
 * Marks a date parameter whose format another validator (or a lib) checks, e.g. a `YYYY-MM-DD` string: when the
 * value parses as a date it must lie in the documented range (INPUT_LIMITS). ISO-8601 properties need no mark:
 * the global pipe range-checks them all.
 */
export function DateParam(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDateParam',
      validator: {
        validate: (v: unknown) => {
          if (typeof v === 'number') return isDateInRange(v);
          if (typeof v !== 'string') return true;
          const ms = isoDateMs(v);
          return Number.isNaN(ms) ? !/^[+-]?\d{4,6}-/.test(v) || /^\d{4}-/.test(v) : isDateInRange(ms);
        },
        defaultMessage: (args) => dateRangeMessage(args?.property ?? 'date'),
      },
    },
    options,
  );
}

/** class-validator constraints that make a property a date parameter (checked against the documented range). */
const DATE_CONSTRAINTS = new Set(['isIso8601', 'isDateString', 'isDate', 'isRFC3339']);
const datePropsCache = new Map<abstract new (...args: never[]) => unknown, string[]>();

function dateProps(target: abstract new (...args: never[]) => unknown): string[] {
  let props = datePropsCache.get(target);
  if (!props) {
    const md = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
    props = [...new Set(md.filter((m) => m.name && DATE_CONSTRAINTS.has(m.name)).map((m) => m.propertyName))];
    datePropsCache.set(target, props);
  }
  return props;
}

/**
 * Every date parameter of a validated DTO (any property with an ISO-8601 / date constraint, nested DTOs and
 * arrays included) outside INPUT_LIMITS' range, e.g. year 0, `9999-12-31T23:59:59Z` or `+010000-01-01`.
 */
export function outOfRangeDates(value: unknown, location: FieldError['location'], prefix = '', depth = 0): FieldError[] {
  if (value === null || typeof value !== 'object' || depth > 16) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => outOfRangeDates(v, location, prefix ? `${prefix}.${i}` : String(i), depth + 1));
  const out: FieldError[] = [];
  const ctor = (value as object).constructor;
  const dates = ctor && ctor !== Object ? dateProps(ctor as abstract new () => unknown) : [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const param = prefix ? `${prefix}.${key}` : key;
    if (dates.includes(key)) {
      for (const d of Array.isArray(v) ? v : [v]) {
        const ms = d instanceof Date ? d.getTime() : typeof d === 'string' ? isoDateMs(d) : NaN;
        if ((d instanceof Date || typeof d === 'string') && !isDateInRange(ms)) out.push({ value: d, msg: dateRangeMessage(param), param, location });
      }
    } else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      out.push(...outOfRangeDates(v, location, param, depth + 1));
    }
  }
  return out;
}

/**
 * Global pipe: whitelist + forbidNonWhitelisted (unknown parameters are a 400) + transform, with errors
 * reported per field including where the field was (body, query, params). Date parameters (ISO-8601 / date
 * constraints) must also lie in the documented range ({@link outOfRangeDates}).
 */
export class PlatformValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: true },
      exceptionFactory: (errors) => errors as unknown as BadRequestException,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const location = (metadata.type === 'param' ? 'params' : metadata.type === 'custom' ? 'body' : metadata.type) as FieldError['location'];
    try {
      const out = await super.transform(value, metadata);
      const dates = outOfRangeDates(out, location);
      if (dates.length) throw validationFailed(dates, `${dates[0].msg}`);
      return out;
    } catch (err) {
      if (Array.isArray(err)) {
        const details = flatten(err as ValidationError[], location);
        const first = details[0];
        throw validationFailed(details, first ? `${first.param}: ${first.msg}` : 'request validation failed');
      }
      throw err;
    }
  }
}
