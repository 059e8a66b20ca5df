import type { Admin } from 'kafkajs';

/** Per topic, the end offset of each partition. */
export type TopicEnds = Map<string, { partition: number; offset: string }[]>;

interface Sql {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * Moves a projection's checkpoints (`projection.checkpoints`, name as the runner stores it, e.g. `activity@2`) to the
 * current end of each of `topics`, never backwards: the topics are shared by every test of a run (and across runs),
 * so a projector started now projects only what is published from now on instead of the whole backlog.
 * Answers the ends it used, per topic.
 */
export async function moveCheckpointsToEnd(ds: Sql, admin: Admin, checkpoint: string, topics: readonly string[]): Promise<TopicEnds> {
  const out: TopicEnds = new Map();
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    await ds.query(
      `INSERT INTO projection.checkpoints (projection, topic, partition, next_offset)
       SELECT $1, $2, p, o FROM unnest($3::int[], $4::bigint[]) AS x(p, o)
       ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = GREATEST(projection.checkpoints.next_offset, EXCLUDED.next_offset)`,
      [checkpoint, topic, ends.map((e) => e.partition), ends.map((e) => e.high)],
    );
    out.set(topic, ends.map((e) => ({ partition: e.partition, offset: e.high })));
  }
  return out;
}
