import { signDevToken } from '@cep/auth';
import { randomBytes } from 'crypto';
import { startApp, type AppHandle } from '@cep/testing';
import type { BenchInfra } from './infra';

/** Ports of the benchmark's app processes (kept apart from the test suites' ports). */
export const BENCH_PORTS = { gateway: 39410, freshnessProjector: 39411 } as const;

/** A per-run HS256 secret for the gateway and the tokens the benchmark signs. */
const SECRET = randomBytes(32).toString('hex');

export const ALL_SCOPES = 'history:read activity:read reports:read events:read';

export function token(org: string, scope = ALL_SCOPES): Promise<string> {
  return signDevToken({ secret: SECRET, org, scope, expiresInSec: 4 * 3600 });
}

let gateway: AppHandle | undefined;

/** One gateway process on the benchmark database, shared by the queries and freshness sections. */
export async function ensureGateway(infra: BenchInfra): Promise<AppHandle> {
  if (gateway && gateway.proc.exitCode === null) return gateway;
  gateway = await startApp('gateway', {
    port: BENCH_PORTS.gateway,
    env: { DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.brokers.join(','), LOG_LEVEL: 'warn', AUTH_JWT_SECRET: SECRET, THROTTLE_LIMIT: '0' }, // rate limit off: one token drives the load
  });
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
  await gateway?.kill('SIGTERM');
  gateway = undefined;
}

/** Stops every app process the run started (gateway and tracked apps). */
export async function stopApps(): Promise<void> {
  await Promise.all([stopGateway(), ...[...others].map((a) => a.kill('SIGTERM'))]);
}
