import 'reflect-metadata';
import { applyDecorators } from '@nestjs/common';
import { ApiQuery, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import type { IOptions } from 'class-validator-jsonschema/build/options';

/**
 * Request schemas come from the class-validator decorators that validate the requests (class-validator-jsonschema),
 * so the documented request cannot drift from the one the validation pipe accepts. Response DTOs carry
 * `@nestjs/swagger` decorators instead (nothing validates them).
 */
const OPTIONS: Partial<IOptions> = { refPointerPrefix: '#/components/schemas/', classTransformerMetadataStorage: defaultMetadataStorage };

/**
 * Documents every property of a query DTO as a query parameter (type, enum, bounds, pattern from its validators;
 * required only without `@IsOptional()` and without a default). Put it next to `@Query() q: Dto`.
 */
export function ApiQueryFrom(dto: new () => object, descriptions: Record<string, string> = {}): MethodDecorator {
  const schema = targetConstructorToSchema(dto, OPTIONS) as SchemaObject;
  const required = new Set(schema.required ?? []);
  const defaults = new dto() as Record<string, unknown>;
  const params = Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const prop = { ...(s as SchemaObject) };
    if (defaults[name] !== undefined) prop.default = defaults[name];
    const isArray = prop.type === 'array';
    return ApiQuery({
      name,
      required: required.has(name) && defaults[name] === undefined,
      schema: prop,
      description: descriptions[name],
      ...(isArray ? { style: 'form', explode: true } : {}),
    });
  });
  return applyDecorators(...params);
}

/**
 * Fills the placeholder schemas `@nestjs/swagger` makes for request DTOs without `@ApiProperty` (an empty
 * object) with the schemas of their validators, plus every nested DTO schema they reference.
 */
export function addValidationSchemas(document: OpenAPIObject): OpenAPIObject {
  const fromValidators = validationMetadatasToSchemas(OPTIONS) as Record<string, SchemaObject>;
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  const isPlaceholder = (s: unknown) => {
    const o = s as SchemaObject | undefined;
    return !o || (o.type === 'object' && Object.keys(o.properties ?? {}).length === 0);
  };
  for (;;) {
    const text = JSON.stringify(document);
    const missing = Object.keys(fromValidators).filter((name) => text.includes(`"#/components/schemas/${name}"`) && isPlaceholder(schemas[name]));
    const fresh = missing.filter((name) => schemas[name] !== fromValidators[name]);
    if (!fresh.length) return document;
    // The validation pipe rejects unknown fields (forbidNonWhitelisted): so does the schema.
    for (const name of fresh) schemas[name] = { type: 'object', ...fromValidators[name], additionalProperties: false };
  }
}
