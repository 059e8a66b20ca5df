import type { EventPublisher, OutgoingMessage } from '@cep/messaging';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Publishes `messages` in chunks of 100 at `ratePerSecond` with the platform's idempotent acks=all producer. A chunk
 * that fails (broker down or leadership moving: the producer gave up for now) is sent again every second, up to two
 * minutes; a chunk that was in fact written is then duplicated on the wire, which consumers must absorb.
 */
export async function publishPaced(publisher: EventPublisher, messages: OutgoingMessage[], ratePerSecond: number): Promise<void> {
  const size = 100;
  const t0 = Date.now();
  for (let i = 0; i < messages.length; i += size) {
    const due = t0 + (i / ratePerSecond) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    const chunk = messages.slice(i, i + size);
    for (let attempt = 0; ; attempt++) {
      try {
        await publisher.send(chunk);
        break;
      } catch (err) {
        if (attempt > 120) throw err;
        await sleep(1000);
      }
    }
  }
}
