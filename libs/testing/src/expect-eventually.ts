/**
 * Polls `check` until it stops throwing (or returns a truthy value when `predicate` style is used),
 * or fails with the last error after `timeoutMs`. Never a fixed sleep.
 */
export async function expectEventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 30000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const e = lastErr as Error;
      e.message = `expectEventually timed out after ${timeoutMs} ms: ${e.message}`;
      throw e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
