/**
 * Input limits shared by every HTTP app (gateway and producers), the producer SDK and the projection runner.
 * Documented in docs/security.md, "Input limits and hostile input".
 */
export const INPUT_LIMITS = {
  /** Deepest nesting of a JSON request body (objects and arrays; the body itself is level 1). */
  maxJsonDepth: 64,
  /** Earliest instant any date parameter may name: 1970-01-01T00:00:00.000Z. */
  minDateMs: Date.UTC(1970, 0, 1),
  /** Latest instant any date parameter may name: 2999-12-31T23:59:59.999Z. */
  maxDateMs: Date.UTC(3000, 0, 1) - 1,
  /** Largest clock skew tolerated for an event's `time` ahead of the producer's clock (5 minutes). */
  maxEventFutureSkewMs: 5 * 60_000,
} as const;

/** Why a string cannot be stored or compared safely, or undefined when it can. */
export function unsafeStringReason(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'must not contain NUL characters (U+0000)';
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return 'must not contain unpaired UTF-16 surrogates';
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'must not contain unpaired UTF-16 surrogates';
  }
  return undefined;
}

/** True when `ms` (epoch milliseconds) lies in the documented date range. */
export function isDateInRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= INPUT_LIMITS.minDateMs && ms <= INPUT_LIMITS.maxDateMs;
}

/** The message of a date parameter outside the documented range. */
export function dateRangeMessage(param: string): string {
  return `${param} must be between 1970-01-01T00:00:00Z and 2999-12-31T23:59:59.999Z`;
}

/** Epoch ms of an ISO-8601 date (`YYYY-MM-DD`, as UTC midnight) or date-time string; NaN when it is not one. */
export function isoDateMs(s: string): number {
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
}
