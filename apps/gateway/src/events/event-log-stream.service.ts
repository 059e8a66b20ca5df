import { HttpException, HttpStatus, Inject, Injectable, ServiceUnavailableException, type OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'http';
import { Counter, Gauge, type Registry } from 'prom-client';
import { EventLogError, EventLogErrorCode, EventLogQueryService, STREAM_START, type EventLogFilter } from '@cep/event-log';
import { errorFields, Logger, METRICS_REGISTRY, TenantDatabase } from '@cep/platform';
import { EventLogListener } from './event-log-listener.service';
import { EventStreamConfig } from './event-stream.config';

export const EVENT_STREAM_CONFIG = Symbol('EVENT_STREAM_CONFIG');

export interface StreamRequest {
  organisationId: string;
  filter: EventLogFilter;
  /** Resume after this event of the organisation (Last-Event-ID); undefined: only events committed from now on. */
  resume?: { eventId: string; param: string };
}

/**
 * Server-Sent Events of the event log. Each client gets a loop: read the organisation's rows with
 * `seq > position` (bounded by the committed head, see EventLogQueryService.readAfter), write them as
 * `id: <event _id>` frames (positions stay internal), waiting for `drain` when the socket buffer is full (one page in memory per client at
 * most; a client that does not drain within the write timeout is disconnected and resumes with
 * Last-Event-ID), then sleep until a NOTIFY for its organisation or the heartbeat, which sends `: ping`.
 */
@Injectable()
export class EventLogStreamService implements OnModuleDestroy {
  private readonly log = new Logger('event-log-stream');
  private readonly query: EventLogQueryService;
  private readonly open = new Set<StreamSession>();
  private readonly perOrganisation = new Map<string, number>();
  private readonly clients: Gauge;
  private readonly sent: Counter;

  constructor(
    @Inject(TenantDatabase) db: TenantDatabase,
    private readonly listener: EventLogListener,
    @Inject(EVENT_STREAM_CONFIG) private readonly cfg: EventStreamConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.query = new EventLogQueryService(db);
    this.clients = new Gauge({ name: 'cep_event_stream_clients', help: 'Open event-log SSE streams', registers: [registry] });
    this.sent = new Counter({ name: 'cep_event_stream_events_sent_total', help: 'Events written to event-log SSE streams', registers: [registry] });
    // The cap, so that saturation (clients / max) can be alerted on per pod.
    new Gauge({ name: 'cep_event_stream_clients_max', help: 'Open event-log SSE streams allowed (EVENT_STREAM_MAX_CLIENTS)', registers: [registry] }).set(
      cfg.EVENT_STREAM_MAX_CLIENTS,
    );
  }

  /** Validates capacity, fixes the start position, writes the SSE headers and runs the client's loop until it disconnects. */
  async start(req: IncomingMessage, res: ServerResponse, r: StreamRequest): Promise<void> {
    if (this.open.size >= this.cfg.EVENT_STREAM_MAX_CLIENTS) throw new ServiceUnavailableException('too many open event streams; retry later');
    if ((this.perOrganisation.get(r.organisationId) ?? 0) >= this.cfg.EVENT_STREAM_MAX_CLIENTS_PER_ORGANISATION) {
      res.setHeader('Retry-After', '5');
      throw new HttpException(
        { statusCode: 429, code: 'TOO_MANY_STREAMS', message: `at most ${this.cfg.EVENT_STREAM_MAX_CLIENTS_PER_ORGANISATION} open event streams per organisation; close one or retry later`, details: [] },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    // The position is fixed before the headers go out: anything committed after the client sees the
    // response open is delivered. Positions are internal: the client only ever sees event ids.
    const position = r.resume ? await this.resumePosition(r.organisationId, r.resume) : await this.query.headSeq(r.organisationId);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);
    const session = new StreamSession(res, this.query, this.cfg, r.organisationId, r.filter, position, this.log, this.sent);
    this.open.add(session);
    this.perOrganisation.set(r.organisationId, (this.perOrganisation.get(r.organisationId) ?? 0) + 1);
    this.clients.set(this.open.size);
    const unsubscribe = this.listener.subscribe(r.organisationId, () => session.wake());
    req.on('close', () => session.close());
    res.on('close', () => session.close());
    try {
      await session.run();
    } finally {
      unsubscribe();
      this.open.delete(session);
      const left = (this.perOrganisation.get(r.organisationId) ?? 1) - 1;
      if (left > 0) this.perOrganisation.set(r.organisationId, left);
      else this.perOrganisation.delete(r.organisationId);
      this.clients.set(this.open.size);
    }
  }

  /** The internal position of the organisation's event `resume.eventId`; 400 naming the parameter when it has none. */
  private async resumePosition(organisationId: string, resume: { eventId: string; param: string }): Promise<bigint> {
    if (resume.eventId === STREAM_START) return 0n;
    const seq = await this.query.streamPositionOf(organisationId, resume.eventId);
    if (seq !== null) return seq;
    const location = resume.param === 'Last-Event-ID' ? 'headers' : 'query';
    throw EventLogError.invalidInput(EventLogErrorCode.InvalidEventId, resume.param, resume.eventId, `${resume.param} must be the id of an event received from this stream`, location);
  }

  /** Ends every open stream so the HTTP server can close (clients reconnect elsewhere with Last-Event-ID). */
  onModuleDestroy(): void {
    for (const s of this.open) s.close();
  }
}

class StreamSession {
  private closed = false;
  private pending = true;
  private wakeUp?: () => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly query: EventLogQueryService,
    private readonly cfg: EventStreamConfig,
    private readonly organisationId: string,
    private readonly filter: EventLogFilter,
    private position: bigint,
    private readonly log: Logger,
    private readonly sent: Counter,
  ) {}

  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp?.();
    if (!this.res.writableEnded) this.res.end();
  }

  async run(): Promise<void> {
    try {
      await this.write(`retry: 2000\n: stream open\n\n`);
      while (!this.closed) {
        if (!this.pending) {
          const woken = await this.sleep(this.cfg.EVENT_STREAM_HEARTBEAT_MS);
          if (this.closed) break;
          if (!woken) await this.write(': ping\n\n');
          this.pending = true; // re-read on every heartbeat too: a lost NOTIFY costs latency, never events
          continue;
        }
        this.pending = false;
        const page = await this.query.readAfter(this.organisationId, this.filter, this.position, this.cfg.EVENT_STREAM_PAGE_SIZE);
        for (const e of page.events) {
          if (this.closed) return;
          // the event's own id: sequence numbers are global across tenants and would let one count another's traffic
          await this.write(`id: ${e.event._id}\ndata: ${JSON.stringify(e.event)}\n\n`);
          this.position = e.seq;
          this.sent.inc();
        }
        this.position = page.scannedTo > this.position ? page.scannedTo : this.position;
        if (page.events.length === this.cfg.EVENT_STREAM_PAGE_SIZE) this.pending = true;
      }
    } catch (err) {
      if (!this.closed) this.log.warn('event stream ended on error; the client resumes with Last-Event-ID', errorFields(err));
    } finally {
      this.close();
    }
  }

  /** Resolves true when woken (NOTIFY or close), false on timeout. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeUp = undefined;
        resolve(false);
      }, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        this.wakeUp = undefined;
        resolve(true);
      };
    });
  }

  /** Writes a frame; when the socket buffer is full, waits for `drain` (or gives up after the write timeout). */
  private write(frame: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.res.write(frame)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(t);
        this.res.off('drain', onDrain);
        this.res.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done();
      const t = setTimeout(() => done(new Error('slow event-stream client: write timeout')), this.cfg.EVENT_STREAM_WRITE_TIMEOUT_MS);
      this.res.once('drain', onDrain);
      this.res.once('close', onClose);
    });
  }
}
