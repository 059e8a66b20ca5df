import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { validateSync } from 'class-validator';
import { formatValidationErrors } from '@cep/contracts';

export class ConfigError extends Error {}

/**
 * Loads a config class from the environment and validates it (fail fast at startup).
 * Property names are the env var names; decorators supply types, ranges and defaults.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const raw: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && v !== '') raw[k] = v;
  }
  const instance = plainToInstance(cls, raw, { exposeDefaultValues: true });
  const errors = validateSync(instance as object, { whitelist: false, forbidUnknownValues: true });
  if (errors.length) {
    throw new ConfigError(`invalid configuration: ${formatValidationErrors(errors).join('; ')}`);
  }
  return instance;
}

/** class-transformer helpers for env strings. */
export const ToInt = () => Transform(({ value }) => (typeof value === 'string' ? Number(value) : value));
export const ToBool = () =>
  Transform(({ value }) => (typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value));
export const ToList = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value));
