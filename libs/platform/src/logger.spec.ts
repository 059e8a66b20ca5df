import { Writable } from 'stream';
import { configureLogging, LOG_LINE_KEYS, Logger, runWithRequestContext, setTraceContextProvider, type TraceContextProvider } from './logger';
import { nestLogger, requestIdFrom } from './nest/request-logging';

/** Lines written by the process-wide logger, parsed. */
function capture(opts: { level?: string } = {}): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  configureLogging({ app: 'spec-app', level: opts.level ?? 'debug', destination });
  return lines;
}

const noTrace: TraceContextProvider = () => undefined;
afterEach(() => setTraceContextProvider(noTrace));

describe('one log line shape', () => {
  it('gives every line the same keys, null where there is no value', () => {
    const lines = capture();
    new Logger('runner.history').info('batch applied', { topic: 't', events: 3 });
    new Logger('runner').child('dlq').warn('relay error', { code: 'ECONNREFUSED' });
    nestLogger().error('boom', 'stack line', 'ExceptionsHandler');
    nestLogger().warn('careful', 'RoutesResolver');
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(Object.keys(l)).toEqual(expect.arrayContaining([...LOG_LINE_KEYS]));
    expect(lines[0]).toMatchObject({ level: 'info', app: 'spec-app', logger: 'runner.history', msg: 'batch applied', topic: 't', events: 3, trace_id: null, span_id: null, request_id: null });
    expect(lines[1]).toMatchObject({ level: 'warn', logger: 'runner.dlq', code: 'ECONNREFUSED' });
    expect(lines[2]).toMatchObject({ level: 'error', logger: 'ExceptionsHandler' });
    expect(lines[3]).toMatchObject({ level: 'warn', logger: 'RoutesResolver', msg: 'careful' });
    expect(new Date(String(lines[0].time)).toISOString()).toBe(lines[0].time);
  });

  it('writes each key once (no duplicate keys in the raw JSON)', () => {
    const raw: string[] = [];
    configureLogging({ app: 'spec-app', destination: { write: (s: string) => void raw.push(s) } });
    runWithRequestContext({ requestId: 'r-1' }, () => new Logger('x').info('m', { n: 1 }));
    expect(raw).toHaveLength(1);
    for (const k of LOG_LINE_KEYS) expect(raw[0].split(`"${k}":`)).toHaveLength(2);
  });

  it('fills request_id inside a request and trace_id/span_id from the active span', () => {
    const lines = capture();
    setTraceContextProvider(() => ({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }));
    runWithRequestContext({ requestId: 'req-42' }, () => new Logger('svc').info('in request'));
    new Logger('svc').info('outside');
    expect(lines[0]).toMatchObject({ request_id: 'req-42', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
    expect(lines[1]).toMatchObject({ request_id: null, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('survives a broken trace provider', () => {
    const lines = capture();
    setTraceContextProvider(() => {
      throw new Error('no sdk');
    });
    new Logger('svc').info('still logged');
    expect(lines[0]).toMatchObject({ msg: 'still logged', trace_id: null });
  });

  it('honours the level: the process level and a per-logger minimum', () => {
    const lines = capture({ level: 'info' });
    new Logger('a').debug('hidden');
    new Logger('b', 'warn').info('hidden too');
    new Logger('b', 'warn').warn('shown');
    nestLogger().log('Nest application successfully started', 'NestApplication'); // Nest's chatter is debug
    expect(lines.map((l) => l.msg)).toEqual(['shown']);
  });

  it('redacts well-known secret fields', () => {
    const lines = capture();
    new Logger('x').info('m', { authorization: 'Bearer abc.def.ghi', nested: { token: 'abc.def.ghi' } });
    expect(JSON.stringify(lines)).not.toContain('abc.def.ghi');
  });
});

describe('requestIdFrom', () => {
  it('keeps a short plain client id', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom(['first-id', 'second'])).toBe('first-id');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(65)],
    ['spaces', 'a b'],
    ['a log-injection attempt', 'x\n{"level":"error"}'],
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln'],
  ])('replaces a %s id with a generated UUID', (_name, header) => {
    expect(requestIdFrom(header)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('process warnings', () => {
  it('are log lines in the one shape, not Node\'s plain-text print on stderr', () => {
    const { spawnSync } = require('child_process') as typeof import('child_process');
    const code = `require(${JSON.stringify(require.resolve('./logger'))}).configureLogging({ app: 'warn-spec' });
      process.emitWarning('something is deprecated', { code: 'DEP0999', type: 'DeprecationWarning' });`;
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', code], { encoding: 'utf8', cwd: process.cwd() });
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', app: 'warn-spec', logger: 'node', code: 'DEP0999', msg: 'something is deprecated', trace_id: null })]);
  });
});
