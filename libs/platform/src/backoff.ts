/** Exponential backoff with full jitter, capped. attempt starts at 0. */
export function backoffMs(attempt: number, baseMs = 200, capMs = 10000, random: () => number = Math.random): number {
  const exp = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
