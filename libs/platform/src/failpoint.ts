/**
 * Fault-injection points for the crash tests. A failpoint named in `CEP_FAILPOINTS` (comma list, each
 * `name` or `name@N` to fire on the N-th hit) kills the process with SIGKILL when reached: no cleanup,
 * exactly like a node or container crash. Unset in production, where this is a cheap no-op.
 */
const hits = new Map<string, number>();
let parsed: Map<string, number> | undefined;

function config(): Map<string, number> {
  if (!parsed) {
    parsed = new Map();
    for (const item of (process.env.CEP_FAILPOINTS ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, n] = item.split('@');
      parsed.set(name, n ? Number(n) : 1);
    }
  }
  return parsed;
}

export function failpoint(name: string): void {
  const cfg = config();
  if (!cfg.size) return;
  const at = cfg.get(name);
  if (at === undefined) return;
  const count = (hits.get(name) ?? 0) + 1;
  hits.set(name, count);
  if (count >= at) {
    process.stderr.write(`failpoint ${name} fired (hit ${count}): SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
