import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

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
 * Global pipe: whitelist + forbidNonWhitelisted (unknown parameters are a 400) + transform, with errors
 * reported per field including where the field was (body, query, params).
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
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (Array.isArray(err)) {
        const location = (metadata.type === 'param' ? 'params' : metadata.type === 'custom' ? 'body' : metadata.type) as FieldError['location'];
        const details = flatten(err as ValidationError[], location);
        const first = details[0];
        throw validationFailed(details, first ? `${first.param}: ${first.msg}` : 'request validation failed');
      }
      throw err;
    }
  }
}
