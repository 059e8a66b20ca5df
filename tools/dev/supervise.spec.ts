import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * tools/dev/supervise.sh with a stand-in app (a node process that records its pid and waits): a killed app comes
 * back by itself, with the backoff; SIGTERM to the supervisor reaches the app and ends both without a restart.
 */
jest.setTimeout(30000);

describe('tools/dev/supervise.sh', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cep-supervise-'));
  const pids = path.join(dir, 'pids');
  const terms = path.join(dir, 'terms');
  // The stand-in app: appends its pid, on SIGTERM appends "term <pid>" and exits 0.
  const app = `const fs=require('fs');fs.appendFileSync(${JSON.stringify(pids)},process.pid+'\\n');process.on('SIGTERM',()=>{fs.appendFileSync(${JSON.stringify(terms)},'term '+process.pid+'\\n');process.exit(0)});setInterval(()=>{},1000);`;
  let sup: ChildProcess;
  let log = '';

  const started = () => (fs.existsSync(pids) ? fs.readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  async function until(check: () => boolean, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; supervisor log:\n${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(() => {
    sup = spawn('bash', [path.resolve(__dirname, 'supervise.sh'), 'stand-in', process.execPath, '-e', app], {
      env: { ...process.env, SUPERVISE_BACKOFF_MAX: '2' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    sup.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  });

  afterAll(() => {
    if (sup.exitCode === null) sup.kill('SIGKILL');
    for (const pid of started()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given a running app, when it is killed with SIGKILL (twice), then it is started again each time, with a growing delay', async () => {
    await until(() => started().length === 1);
    const t1 = Date.now();
    process.kill(started()[0], 'SIGKILL');
    await until(() => started().length === 2);
    const first = Date.now() - t1;
    const t2 = Date.now();
    process.kill(started()[1], 'SIGKILL');
    await until(() => started().length === 3);
    const second = Date.now() - t2;
    expect(alive(started()[2])).toBe(true);
    expect(first).toBeGreaterThanOrEqual(900); // 1 s backoff
    expect(second).toBeGreaterThanOrEqual(1900); // then 2 s
    expect(log).toMatch(/exited with status 137 after \d+ s; restarting in 1 s/);
  });

  it('given the supervisor, when it receives SIGTERM, then the app gets SIGTERM and neither is restarted', async () => {
    const current = started().at(-1)!;
    const exited = new Promise<number | null>((r) => sup.once('exit', (code) => r(code)));
    sup.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.readFileSync(terms, 'utf8').trim()).toBe(`term ${current}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(started().at(-1)).toBe(current);
    expect(alive(current)).toBe(false);
  });
});
