import type { FieldError } from './nest/validation';

/**
 * One offending input of a read-model query. `location` is set when the query knows where the input came
 * from (a header such as `Last-Event-ID`, a query-string-only option such as `groupBy`); otherwise the gateway
 * derives it from the request (query string for GET, body otherwise).
 */
export interface ReadErrorDetail {
  value: unknown;
  msg: string;
  param: string;
  location?: FieldError['location'];
}

/**
 * Base of every read model's typed error: a stable `code` from the read model's own enum, a message, and for
 * bad input the offending fields. The gateway maps every subclass to HTTP once, in one exhaustive filter
 * (a switch over all the codes that ends in {@link assertUnreachable}, so a new code fails to compile there).
 */
export abstract class ReadModelError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details: readonly ReadErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The `default:` of an exhaustive switch: compile error when a case is missing, a thrown error if reached anyway. */
export function assertUnreachable(value: never): never {
  throw new Error(`unhandled case: ${String(value)}`);
}
