import { execFileSync } from 'child_process';
import * as net from 'net';
import * as path from 'path';

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Runs tools/kafka/kafka.sh <cmd> (fetch jars with Maven, format, start, wait). */
export function kafkaScript(cmd: 'start' | 'stop' | 'kill9' | 'status', env: NodeJS.ProcessEnv = process.env): void {
  execFileSync('bash', [path.join(WORKSPACE_ROOT, 'tools/kafka/kafka.sh'), cmd], { stdio: 'inherit', env });
}

export function brokerHostPort(brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'): { host: string; port: number } {
  const [host, port] = brokers.split(',')[0].split(':');
  return { host, port: Number(port) };
}
