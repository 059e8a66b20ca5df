/**
 * npm run dlq:redrive -- <consumer group> [--reason <reason>] [--limit N] [--dry-run]
 *
 * Re-drives dead-lettered messages of a consumer group after the cause was fixed (a projection bug, a missing
 * upcaster, a schema relaxed in the contracts): each message in `projection.dead_letters` not re-driven yet is
 * published again, unchanged, to its ORIGINAL topic with its original key (so it keeps its partition and
 * per-key order relative to later events), and marked `redriven_at`. Every consumer group of that topic sees it
 * again; all projections are idempotent by event id, so the ones that had applied it skip it. A message that
 * still fails is dead-lettered again at its new offset. See docs/operations.md.
 */
import 'reflect-metadata';
import { createKafka, EventPublisher } from '@cep/messaging';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';

interface Row {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  event_id: string | null;
  event_type: string | null;
  msg_key: string | null;
  payload: string | null;
}

export async function redriveDeadLetters(
  opts: { group: string; reason?: string; limit?: number; dryRun?: boolean },
  cfg: PlatformConfig = loadConfig(PlatformConfig),
): Promise<{ selected: number; redriven: number; byReason: Record<string, number> }> {
  const ds = await connectDatabase(cfg, { applicationName: 'dlq-redrive' });
  const publisher = new EventPublisher(createKafka(cfg, 'dlq-redrive'));
  try {
    const rows: Row[] = await ds.query(
      `SELECT id, topic, partition, "offset", reason, event_id, event_type, msg_key, payload FROM projection.dead_letters
       WHERE consumer_group = $1 AND redriven_at IS NULL AND ($2::text IS NULL OR reason = $2)
       ORDER BY topic, partition, "offset" LIMIT $3`,
      [opts.group, opts.reason ?? null, opts.limit ?? 100000],
    );
    const byReason: Record<string, number> = {};
    for (const r of rows) byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    if (opts.dryRun || !rows.length) return { selected: rows.length, redriven: 0, byReason };
    let redriven = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500).filter((r) => r.payload !== null);
      await publisher.send(
        chunk.map((r) => ({
          topic: r.topic,
          key: r.msg_key ?? '',
          value: r.payload!,
          headers: {
            'content-type': 'application/cloudevents+json; charset=utf-8',
            'x-redriven-from': `${r.topic}/${r.partition}/${r.offset}`,
            'x-redriven-group': opts.group,
            ...(r.event_id ? { ce_id: r.event_id } : {}),
            ...(r.event_type ? { ce_type: r.event_type } : {}),
          },
        })),
      );
      // Marked only once the broker acknowledged (acks=all): a crash in between re-drives again, which the
      // consumers absorb by event id.
      await ds.query(`UPDATE projection.dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[])`, [chunk.map((r) => r.id)]);
      redriven += chunk.length;
    }
    return { selected: rows.length, redriven, byReason };
  } finally {
    await publisher.disconnect().catch(() => undefined);
    await ds.destroy();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const group = args.find((a, i) => !a.startsWith('--') && !['--reason', '--limit'].includes(args[i - 1] ?? ''));
  if (!group) {
    process.stderr.write('usage: npm run dlq:redrive -- <consumer group> [--reason <reason>] [--limit N] [--dry-run]\n');
    process.exit(2);
  }
  redriveDeadLetters({ group, reason: opt('--reason'), limit: opt('--limit') ? Number(opt('--limit')) : undefined, dryRun: args.includes('--dry-run') }).then(
    (r) => {
      process.stdout.write(`${JSON.stringify({ group, ...r })}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`re-drive failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
