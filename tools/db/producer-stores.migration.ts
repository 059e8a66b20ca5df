import type { MigrationInterface, QueryRunner } from 'typeorm';
import { eventStoreDdl } from '@cep/event-store';
import { dropOutboxDdl, outboxDdl } from '@cep/messaging';

export const PRODUCER_SCHEMAS = ['issuer', 'verifier', 'wallet'] as const;

/** Event store + outbox of each producer service, each in its own schema. */
export class ProducerStores1732000000100 implements MigrationInterface {
  name = 'ProducerStores1732000000100';

  async up(q: QueryRunner): Promise<void> {
    for (const s of PRODUCER_SCHEMAS) {
      for (const sql of [...eventStoreDdl(s), ...outboxDdl(s)]) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of PRODUCER_SCHEMAS) {
      for (const sql of dropOutboxDdl(s)) await q.query(sql);
      await q.query(`DROP TABLE IF EXISTS ${s}.events`);
    }
  }
}
