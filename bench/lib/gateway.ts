import { signDevToken } from '@cep/auth';
import { randomBytes } from 'crypto';
import { startApp, type AppHandle } from '@cep/testing';
import type { BenchInfra } from './infra';

/** Ports of the benchmark's app processes (kept apart from the test suites' ports). */
export const BENCH_PORTS = { gateway: 39410, freshnessProjector: 39411, gatewayWithoutRls: 39412 } as const;

/** A per-run HS256 secret for the gateway and the tokens the benchmark signs. */
const SECRET = randomBytes(32).toString('hex');

export const ALL_SCOPES = 'history:read activity:read reports:read events:read';

export function token(org: string, scope = ALL_SCOPES): Promise<string> {
  return signDevToken({ secret: SECRET, org, scope, expiresInSec: 4 * 3600 });
}

const gateways = new Map<'on' | 'off', AppHandle>();

/**
 * One gateway process on the benchmark database, shared by the queries and freshness sections. `rls: 'off'` starts
 * a second one with GATEWAY_RLS=off (no tenant pool, no row-level security) to measure what RLS costs.
 */
export async function ensureGateway(infra: BenchInfra, opts: { rls?: 'on' | 'off' } = {}): Promise<AppHandle> {
  const rls = opts.rls ?? 'on';
  const running = gateways.get(rls);
  if (running && running.proc.exitCode === null) return running;
  const gateway = await startApp('gateway', {
    port: rls === 'on' ? BENCH_PORTS.gateway : BENCH_PORTS.gatewayWithoutRls,
    // rate limit off: one token drives the load
    env: { DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.brokers.join(','), LOG_LEVEL: 'warn', AUTH_JWT_SECRET: SECRET, THROTTLE_LIMIT: '0', GATEWAY_RLS: rls },
  });
  gateways.set(rls, gateway);
  return gateway;
}

const others = new Set<AppHandle>();

/** Registers another app process of the run, so that an interrupted run stops it too. */
export function trackApp(app: AppHandle): AppHandle {
  others.add(app);
  void app.proc.once('exit', () => others.delete(app));
  return app;
}

export async function stopGateway(): Promise<void> {
  const all = [...gateways.values()];
  gateways.clear();
  await Promise.all(all.map((g) => g.kill('SIGTERM')));
}

/** Stops every app process the run started (gateway and tracked apps). */
export async function stopApps(): Promise<void> {
  await Promise.all([stopGateway(), ...[...others].map((a) => a.kill('SIGTERM'))]);
}
