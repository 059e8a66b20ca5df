import * as fs from 'fs';
import { startApp, type AppHandle } from '../app-process';

/**
 * Keeps one projector instance running like a Kubernetes Deployment would: whenever the process exits
 * (crash, failpoint, SIGKILL, SIGTERM) it is started again, unless the supervisor is stopped.
 */
export class ProjectorSupervisor {
  current?: AppHandle;
  restarts = 0;
  exits: { signal: NodeJS.Signals | null; code: number | null; at: number }[] = [];
  private stopped = false;
  private loop?: Promise<void>;
  private nextEnv: Record<string, string> = {};
  private readyWaiters: (() => void)[] = [];

  constructor(
    readonly app: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts the loop and resolves once the first instance is ready. */
  async start(): Promise<void> {
    this.loop = this.run();
    await this.ready();
  }

  /** Resolves when an instance is up and ready (consumer joined). */
  ready(): Promise<void> {
    if (this.current && this.current.proc.exitCode === null && this.current.proc.signalCode === null) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** Environment for the next start only (e.g. a failpoint). */
  setNextEnv(env: Record<string, string>): void {
    this.nextEnv = env;
  }

  get pid(): number | undefined {
    return this.current?.proc.pid;
  }

  /** Sends a signal to the running instance and waits for its exit; the loop restarts it. */
  async signal(sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; log: string }> {
    const h = this.current;
    if (!h) return { code: null, signal: null, ms: 0, log: '' };
    const t = Date.now();
    const code = await h.kill(sig);
    return { code, signal: h.proc.signalCode, ms: Date.now() - t, log: fs.readFileSync(h.logFile, 'utf8').slice(-4000) };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.current?.kill('SIGTERM');
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const env = { ...this.env, ...this.nextEnv };
      this.nextEnv = {};
      let h: AppHandle;
      try {
        h = await startApp(this.app, { port: this.port, env, readyTimeoutMs: 90000 });
      } catch (err) {
        if (this.stopped) return;
        process.stderr.write(`[faults] ${this.app}:${this.port} did not start (${String(err).slice(0, 300)}); retrying\n`);
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      this.current = h;
      for (const w of this.readyWaiters.splice(0)) w();
      const code = await new Promise<number | null>((resolve) => {
        if (h.proc.exitCode !== null || h.proc.signalCode !== null) return resolve(h.proc.exitCode);
        h.proc.once('exit', (c) => resolve(c));
      });
      this.exits.push({ signal: h.proc.signalCode, code, at: Date.now() });
      if (!this.stopped) this.restarts++;
    }
  }

  tailLog(chars = 3000): string {
    return this.current ? fs.readFileSync(this.current.logFile, 'utf8').slice(-chars) : '';
  }
}
