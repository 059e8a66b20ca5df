/**
 * Minimal structured JSON logger. Never log claim values or tokens: callers pass ids and counts only.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export class Logger {
  constructor(
    private readonly name: string,
    private readonly level: Level = ((process.env.LOG_LEVEL as Level) || 'info'),
  ) {}

  child(name: string): Logger {
    return new Logger(`${this.name}.${name}`, this.level);
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }

  private write(level: Level, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, logger: this.name, msg, ...fields });
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n');
  }
}

export function errorFields(err: unknown): Record<string, unknown> {
  const e = err as { message?: string; code?: string; name?: string };
  return { error: e?.message ?? String(err), code: e?.code, errorName: e?.name };
}
