import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { EVENT_LOG_CHANNEL } from '@cep/event-log';
import { APP_CONFIG, backoffMs, errorFields, Logger, type PlatformConfig } from '@cep/platform';

type Wake = () => void;

/**
 * One dedicated PostgreSQL connection per gateway process that `LISTEN`s on the event-log channel (the
 * insert trigger NOTIFYs once per organisation per committed batch) and wakes the streams of that
 * organisation. Notifications only wake readers; the data always comes from the catch-up query by `seq`,
 * so a lost notification (connection drop) costs latency, never events: after a reconnect every stream is
 * woken, and streams re-read on each heartbeat anyway.
 */
@Injectable()
export class EventLogListener implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('event-log-listener');
  private readonly subs = new Map<string, Set<Wake>>();
  private client?: Client;
  private stopped = false;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  connected = false;

  constructor(@Inject(APP_CONFIG) private readonly cfg: PlatformConfig) {}

  onModuleInit(): void {
    void this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
  }

  /** Registers a wake-up callback for an organisation; returns the unsubscribe function. */
  subscribe(organisationId: string, wake: Wake): () => void {
    let set = this.subs.get(organisationId);
    if (!set) this.subs.set(organisationId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (!set.size && this.subs.get(organisationId) === set) this.subs.delete(organisationId);
    };
  }

  private dispatch(organisationId: string | undefined): void {
    if (!organisationId) return;
    for (const wake of this.subs.get(organisationId) ?? []) wake();
  }

  private wakeAll(): void {
    for (const set of this.subs.values()) for (const wake of set) wake();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const c = new Client({
      connectionString: this.cfg.DATABASE_URL,
      ssl: this.cfg.DATABASE_SSL ? { ca: this.cfg.DATABASE_SSL_CA, rejectUnauthorized: this.cfg.DATABASE_SSL_REJECT_UNAUTHORIZED } : false,
      application_name: 'gateway-event-log-listen',
      keepAlive: true,
    });
    c.on('notification', (m) => {
      if (m.channel === EVENT_LOG_CHANNEL) this.dispatch(m.payload);
    });
    c.on('error', (err) => this.log.warn('listen connection error', errorFields(err)));
    c.on('end', () => this.lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENT_LOG_CHANNEL}`);
      this.client = c;
      this.connected = true;
      this.attempt = 0;
      this.wakeAll(); // anything committed while we were not listening
    } catch (err) {
      this.log.warn('listen connection failed; retrying', errorFields(err));
      await c.end().catch(() => undefined);
      this.lost(c);
    }
  }

  private lost(c: Client): void {
    if (this.client && this.client !== c) return;
    this.client = undefined;
    this.connected = false;
    if (this.stopped || this.timer) return;
    const delay = backoffMs(this.attempt++, 250, 10000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }
}
