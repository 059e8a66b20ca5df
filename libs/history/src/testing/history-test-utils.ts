import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { checkpointName } from '@cep/messaging';
import { historyProjection, HISTORY_TOPICS } from '../history.projection';

/**
 * Tests share the broker's topics across runs, and each run has a fresh database (no checkpoints): without this a
 * run's first history projector would re-project every message ever published. Moves the history checkpoints
 * to the current end of each topic partition (never backwards), so the projector starts "now".
 */
export async function skipHistoryBacklog(ds: DataSource, kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of HISTORY_TOPICS) {
      const offsets = await admin.fetchTopicOffsets(topic);
      await ds.query(
        `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset)
         SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS x(p, o)
         ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = GREATEST(projection.checkpoints.next_offset, EXCLUDED.next_offset)`,
        [checkpointName(historyProjection), topic, offsets.map((o) => o.partition), offsets.map((o) => o.high)],
      );
    }
  } finally {
    await admin.disconnect();
  }
}
