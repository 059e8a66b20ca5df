import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { portOpen, WORKSPACE_ROOT } from './infra';

export interface AppHandle {
  name: string;
  port: number;
  url: string;
  proc: ChildProcess;
  logFile: string;
  /** Sends a signal (SIGKILL for a crash, SIGTERM for a graceful stop) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts an app (`apps/<name>/src/main.ts`) as a real child process with the run's database and broker,
 * and waits until its /health/ready answers 200. Output goes to a log file (path in the handle).
 */
export async function startApp(
  name: string,
  opts: { port: number; env?: Record<string, string>; readyTimeoutMs?: number; waitReady?: boolean } = { port: 0 },
): Promise<AppHandle> {
  // A process left over on the port would answer /health/ready in place of the one started here.
  if (opts.port && (await portOpen('127.0.0.1', opts.port, 300))) {
    throw new Error(`cannot start ${name}: port ${opts.port} is already in use by another process`);
  }
  const logFile = path.join(os.tmpdir(), `cep-${name}-${opts.port}-${Date.now()}.log`);
  const out = fs.openSync(logFile, 'a');
  const portVar = name.endsWith('-projector') ? 'METRICS_PORT' : 'PORT';
  const proc = spawn(process.execPath, ['-r', '@swc-node/register', path.join('apps', name, 'src/main.ts')], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, NODE_ENV: 'test', [portVar]: String(opts.port), ...opts.env },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const handle: AppHandle = {
    name,
    port: opts.port,
    url: `http://127.0.0.1:${opts.port}`,
    proc,
    logFile,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  if (opts.waitReady === false) return handle;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60000);
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`${name} exited during start; log ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    try {
      const r = await fetch(`${handle.url}/health/ready`);
      if (r.status === 200) return handle;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await handle.kill('SIGKILL');
      throw new Error(`${name} not ready in time; log ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
