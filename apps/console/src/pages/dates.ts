/** UTC calendar dates for default filter ranges. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
export function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
}
