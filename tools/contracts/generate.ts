/**
 * Regenerates the published contracts from libs/contracts and the gateway (see published-contracts.ts).
 *
 *   npm run contracts:generate            write what changed
 *   npm run contracts:generate -- --check exit 1 when a file is out of date
 *
 * Refuses to overwrite a published event schema with a backward-incompatible change: bump the event's version,
 * keep the old payload class in `previousPayloads` and add an upcaster.
 */
import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../docs/event-docs';
import { SCHEMAS_DIR } from './event-schemas';
import { committedSchemas, renderPublishedContracts, schemaEvolutionProblems } from './published-contracts';

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await renderPublishedContracts();
  const generatedSchemas = new Map(
    [...files.entries()]
      .filter(([f]) => f.startsWith(path.relative(REPO_ROOT, SCHEMAS_DIR) + '/'))
      .map(([f, text]) => [path.relative(path.relative(REPO_ROOT, SCHEMAS_DIR), f), JSON.parse(text)] as const),
  );
  const problems = schemaEvolutionProblems(committedSchemas(), generatedSchemas);
  if (problems.length) {
    console.error(`backward-incompatible event schema changes:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  const stale = [...files.entries()].filter(([f, text]) => {
    const p = path.join(REPO_ROOT, f);
    return !fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== text;
  });
  if (check) {
    if (stale.length) {
      console.error(`out of date (run npm run contracts:generate):\n  ${stale.map(([f]) => f).join('\n  ')}`);
      process.exit(1);
    }
    console.log(`${files.size} contract files up to date`);
    return;
  }
  for (const [f, text] of stale) {
    const p = path.join(REPO_ROOT, f);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    console.log(`wrote ${f}`);
  }
  console.log(`${files.size} contract files, ${stale.length} written`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
