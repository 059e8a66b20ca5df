import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { DataSource } from 'typeorm';
import { ConcurrencyError, DomainError } from '@cep/event-store';
import { AggregateStore, eventMeta, inTransaction } from '@cep/producer-sdk';
import { APP_CONFIG, Clock, errorFields, Logger } from '@cep/platform';
import { ISSUER_SOURCE, type IssuerConfig } from '../issuer.config';
import { CredentialAggregate } from './credential.aggregate';

/** The scheduler's profile id (`actorProfileId` / `originator` of the events it records). */
export const EXPIRY_ACTOR = 'system:offer-expiry';

/**
 * Marks offers that passed their expiry unclaimed as EXPIRED (`credential.offer-expired`), exactly once:
 * the aggregate only expires an OFFERED credential whose deadline (by the injected clock) has passed, and a
 * concurrent claim or a second scheduler instance loses the optimistic-concurrency race (and retries next scan,
 * when the credential is no longer OFFERED). Each deadline row is deleted once handled.
 */
@Injectable()
export class OfferExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('offer-expiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(DataSource) private readonly ds: DataSource,
    @Inject(AggregateStore) private readonly store: AggregateStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly cfg: IssuerConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.cfg.OFFER_EXPIRY_SCAN_INTERVAL_MS) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((err) => this.log.warn('offer expiry scan failed', errorFields(err)))
        .finally(() => (this.running = undefined));
    }, this.cfg.OFFER_EXPIRY_SCAN_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One scan: handles every deadline that has passed (in batches); returns how many offers it expired. */
  async runOnce(batchSize = 100): Promise<number> {
    let expired = 0;
    for (;;) {
      const now = this.clock.now();
      const rows: { credential_id: string; organisation_id: string }[] = await this.ds.query(
        `SELECT credential_id, organisation_id FROM issuer.offer_deadlines WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2`,
        [now.toISOString(), batchSize],
      );
      if (!rows.length) return expired;
      let progressed = 0;
      for (const r of rows) {
        try {
          const did = await inTransaction(this.ds, async (tx) => {
            const locked = await tx.query(`SELECT 1 FROM issuer.offer_deadlines WHERE organisation_id = $1 AND credential_id = $2 FOR UPDATE SKIP LOCKED`, [
              r.organisation_id,
              r.credential_id,
            ]);
            if (!locked.length) return false;
            const agg = await this.store.load(new CredentialAggregate(r.credential_id), r.organisation_id);
            let changed = false;
            if (agg.status === 'OFFERED') {
              const ctx = { organisationId: r.organisation_id, correlationId: randomUUID() };
              agg.expire(eventMeta(ctx, ISSUER_SOURCE, now), { target: this.cfg.SESSION_TARGET, originator: EXPIRY_ACTOR, callId: null }, now);
              await this.store.save([{ aggregate: agg, streamType: 'credential' }], undefined, tx);
              changed = true;
            }
            await tx.query(`DELETE FROM issuer.offer_deadlines WHERE organisation_id = $1 AND credential_id = $2`, [r.organisation_id, r.credential_id]);
            return changed;
          });
          progressed += 1;
          if (did) expired += 1;
        } catch (err) {
          if (err instanceof ConcurrencyError || err instanceof DomainError) continue; // retried on the next scan
          throw err;
        }
      }
      if (!progressed) return expired;
    }
  }
}
