/**
 * npm run projection:rebuild -- <name> [--keep-old] [--group <live consumer group>]
 *
 * Replays a projection from offset 0 into a new schema while the live read model keeps serving, then swaps
 * atomically (see docs/operations.md). Uses DATABASE_URL / KAFKA_* like the apps.
 */
import 'reflect-metadata';
import { createKafka } from '@cep/messaging';
import { connectDatabase, loadConfig, Logger, PlatformConfig } from '@cep/platform';
import { rebuildProjection } from './projection-rebuild';
import { REBUILD_TARGETS } from './projections';

async function main(): Promise<void> {
  process.env.TZ = 'UTC';
  const args = process.argv.slice(2);
  const name = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--group');
  const target = name ? REBUILD_TARGETS[name] : undefined;
  if (!target) {
    process.stderr.write(`usage: npm run projection:rebuild -- <${Object.keys(REBUILD_TARGETS).join('|')}> [--keep-old] [--group <id>]\n`);
    process.exit(2);
  }
  const gi = args.indexOf('--group');
  const groupId = gi >= 0 ? args[gi + 1] : process.env.KAFKA_GROUP_ID ?? target.groupId;
  const cfg = loadConfig(PlatformConfig);
  const ds = await connectDatabase(cfg, { applicationName: `${target.projection.name}-rebuild` });
  const kafka = createKafka(cfg, `${target.projection.name}-rebuild`);
  const log = new Logger(`rebuild.${target.projection.name}`);
  try {
    const r = await rebuildProjection(ds, kafka, { ...target, groupId }, { keepOld: args.includes('--keep-old'), log });
    process.stdout.write(`${JSON.stringify({ projection: target.projection.name, ...r })}\n`);
  } finally {
    await ds.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`rebuild failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
