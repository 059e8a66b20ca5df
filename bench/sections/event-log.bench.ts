/**
 * Event log benchmark: seeds N session events for one organisation through the event-log writer (the same
 * set-based, commit-ordered insert the projector uses), starts a gateway, and measures over HTTP:
 * `POST /v1/events/query` newest-first pages of 100 (p50/p95), `?groupBy=status.type` (p95), and the live feed's
 * commit → SSE client latency (a row committed by the writer → NOTIFY → gateway → client), one event at a time.
 *
 *   node -r @swc-node/register bench/sections/event-log.bench.ts --events 50000 [--quick] [--keep]
 *
 * Standalone it creates (and drops) its own database; called from bench/run.ts it uses DATABASE_URL and removes
 * its organisations' rows afterwards. The gateway runs on port 4690 (the event log's test port range).
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'crypto';
import * as http from 'http';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { buildEvent, SessionVerification, type SessionStatusType } from '@cep/contracts';
import { insertEventLogRows, toEventLogRow, type EventLogRow } from '@cep/event-log';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import { startApp } from '@cep/testing';
import { mainOf } from '../lib/standalone';
import type { BenchRow } from '../bench-types';

const SECTION = 'event-log';
const PORT = 4690;

function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
}
const r1 = (x: number) => Math.round(x * 10) / 10;

async function waitFor<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

export async function runEventLogBench(opts: { events: number; quick: boolean }): Promise<BenchRow[]> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required (the migrated benchmark database)');
  const ds = await connectDatabase(loadConfig(PlatformConfig, { ...process.env, DATABASE_URL: url, DATABASE_STATEMENT_TIMEOUT_MS: '0' }));
  const secret = randomBytes(32).toString('hex');
  const org = randomUUID(); // organisation ids are UUIDs (a token with any other org is a 401)
  const liveOrg = randomUUID();
  const n = opts.events;
  const gateway = await startApp('gateway', {
    port: PORT,
    env: { DATABASE_URL: url, AUTH_JWT_SECRET: secret, THROTTLE_LIMIT: '0', LOG_LEVEL: 'warn' }, // one token drives the load
  });
  try {
    const t0 = Date.now();
    for (let i = 0; i < n; i += 5000) await commit(ds, Array.from({ length: Math.min(5000, n - i) }, (_, j) => row(org, i + j)));
    const loadSeconds = (Date.now() - t0) / 1000;
    await ds.query(`ANALYZE event_log.events`);
    const bearer = await signDevToken({ secret, org, scope: 'events:read' });

    const post = async (path: string, body: unknown) => {
      const s = process.hrtime.bigint();
      const r = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`${path} answered ${r.status}`);
      return Number(process.hrtime.bigint() - s) / 1e6;
    };
    const samples = opts.quick ? 30 : 300;
    const page: number[] = [];
    const grouped: number[] = [];
    for (let i = 0; i < samples; i++) page.push(await post('/v1/events/query', { limit: 100 }));
    for (let i = 0; i < Math.ceil(samples / 3); i++) grouped.push(await post('/v1/events/query?groupBy=status.type', {}));

    // Live feed: one event at a time, from the writer's commit to its arrival on the stream.
    const arrived = new Map<string, bigint>();
    const stream = await openStream(`${gateway.url}/v1/events/stream`, await signDevToken({ secret, org: liveOrg, scope: 'events:read' }), (id) =>
      arrived.set(id, process.hrtime.bigint()),
    );
    const live: number[] = [];
    try {
      for (let i = 0; i < (opts.quick ? 20 : 200); i++) {
        const r = row(liveOrg, i);
        await commit(ds, [r]);
        const committed = process.hrtime.bigint();
        const at = await waitFor(() => arrived.get(r.eventId), 10000);
        live.push(Math.max(0, Number(at - committed) / 1e6));
      }
    } finally {
      stream.close();
    }

    const note = (xs: number[]) => `${xs.length} sequential requests, ${n.toLocaleString('en-US')} events in the organisation`;
    return [
      { section: SECTION, name: `load ${n.toLocaleString('en-US')} events through the writer`, value: r1(loadSeconds), unit: 's', note: `${Math.round(n / loadSeconds).toLocaleString('en-US')} events/s, batches of 5,000` },
      { section: SECTION, name: 'query page of 100, p50', value: r1(percentile(page, 50)), unit: 'ms', note: note(page) },
      { section: SECTION, name: 'query page of 100, p95', value: r1(percentile(page, 95)), unit: 'ms', target: '≤ 100 ms', met: percentile(page, 95) <= 100, note: note(page) },
      { section: SECTION, name: 'groupBy status.type, p95', value: r1(percentile(grouped, 95)), unit: 'ms', note: `${note(grouped)}; scans the organisation's rows` },
      {
        section: SECTION,
        name: 'live feed commit → SSE client, p95',
        value: r1(percentile(live, 95)),
        unit: 'ms',
        target: '≤ 250 ms',
        met: percentile(live, 95) <= 250,
        note: `${live.length} events one at a time; p50 ${r1(percentile(live, 50))} ms (NOTIFY wake-up, catch-up read by seq)`,
      },
    ];
  } finally {
    await gateway.kill('SIGTERM');
    await ds.query(`DELETE FROM event_log.events WHERE organisation_id = ANY($1)`, [[org, liveOrg]]).catch(() => undefined);
    await ds.destroy();
  }
}

function row(org: string, i: number): EventLogRow {
  const status: SessionStatusType = (['Open', 'Success', 'Failure'] as const)[i % 3];
  return toEventLogRow(
    buildEvent(
      SessionVerification,
      {
        target: 'bench.verifier',
        action: { type: status === 'Open' ? 'init_session' : 'verify' },
        status: { type: status },
        sessionId: randomUUID(),
        format: 'vc+sd-jwt',
        signatureAlgorithm: 'ES256',
        credentialType: 'identity_credential',
      },
      { organisationId: org, correlationId: randomUUID(), source: 'urn:cep:bench', time: new Date(1741252466353 + i) },
    ),
  )!;
}

async function commit(ds: DataSource, rows: EventLogRow[]): Promise<void> {
  const tx = ds.createQueryRunner();
  await tx.connect();
  try {
    await tx.startTransaction();
    await insertEventLogRows({ tx }, rows);
    await tx.commitTransaction();
  } catch (err) {
    if (tx.isTransactionActive) await tx.rollbackTransaction();
    throw err;
  } finally {
    await tx.release();
  }
}

/** Minimal SSE reader: calls `onEvent(_id)` per `data:` frame. Resolves once the response is open. */
function openStream(url: string, bearer: string, onEvent: (id: string) => void): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data:'));
          if (data) onEvent((JSON.parse(data.slice(5)) as { _id: string })._id);
        }
      });
      resolve({ close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

if (require.main === module) {
  mainOf({ name: 'event_log', sizeFlag: 'events', defaultSize: 50000, quickSize: 5000, run: (size, quick) => runEventLogBench({ events: size, quick }) });
}
