import type { DataSource } from 'typeorm';
import type { EventPublisher, OutgoingMessage } from '@cep/messaging';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `fn` with `messages` in chunks of 100, each no earlier than its place at `ratePerSecond` allows. */
async function forEachPacedChunk(messages: OutgoingMessage[], ratePerSecond: number, fn: (chunk: OutgoingMessage[]) => Promise<void>): Promise<void> {
  const size = 100;
  const t0 = Date.now();
  for (let i = 0; i < messages.length; i += size) {
    const due = t0 + (i / ratePerSecond) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    await fn(messages.slice(i, i + size));
  }
}

/**
 * Publishes `messages` in chunks of 100 at `ratePerSecond` with the platform's idempotent acks=all producer. A chunk
 * that fails (broker down or leadership moving: the producer gave up for now) is sent again every second, up to two
 * minutes; a chunk that was in fact written is then duplicated on the wire, which consumers must absorb.
 */
export async function publishPaced(publisher: EventPublisher, messages: OutgoingMessage[], ratePerSecond: number): Promise<void> {
  await forEachPacedChunk(messages, ratePerSecond, async (chunk) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await publisher.send(chunk);
        return;
      } catch (err) {
        if (attempt > 120) throw err;
        await sleep(1000);
      }
    }
  });
}

/**
 * Writes `messages` into a producer's outbox (`<schema>.outbox`, the rows a command transaction inserts) in chunks
 * of 100 at `ratePerSecond`; the producer's `OutboxRelay` takes them to the topics. The broker is not involved, so
 * a broker fault never slows or fails this side: the outbox absorbs it.
 */
export async function enqueuePaced(ds: DataSource, schema: string, messages: OutgoingMessage[], ratePerSecond: number): Promise<void> {
  await forEachPacedChunk(messages, ratePerSecond, async (chunk) => {
    await ds.query(
      `INSERT INTO ${schema}.outbox (event_id, topic, msg_key, payload, headers)
       SELECT e, t, k, p, h FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS x(e, t, k, p, h)`,
      [chunk.map((m) => m.headers.ce_id), chunk.map((m) => m.topic), chunk.map((m) => m.key), chunk.map((m) => m.value), chunk.map((m) => JSON.stringify(m.headers))],
    );
  });
}
