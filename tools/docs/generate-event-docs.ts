/**
 * Writes docs/events.md from the contracts registry.
 *
 *   node -r @swc-node/register tools/docs/generate-event-docs.ts          # regenerate
 *   node -r @swc-node/register tools/docs/generate-event-docs.ts --check  # exit 1 when out of date
 */
import 'reflect-metadata';
import * as fs from 'fs';
import * as path from 'path';
import { DOCS_PATH, REPO_ROOT, renderEventDocs } from './event-docs';

function main(): void {
  const rendered = renderEventDocs();
  const current = fs.existsSync(DOCS_PATH) ? fs.readFileSync(DOCS_PATH, 'utf8') : undefined;
  const rel = path.relative(REPO_ROOT, DOCS_PATH);
  if (process.argv.includes('--check')) {
    if (current !== rendered) {
      console.error(`${rel} is out of date; run: node -r @swc-node/register tools/docs/generate-event-docs.ts`);
      process.exit(1);
    }
    console.log(`${rel} is up to date`);
    return;
  }
  if (current === rendered) {
    console.log(`${rel} unchanged`);
    return;
  }
  fs.mkdirSync(path.dirname(DOCS_PATH), { recursive: true });
  fs.writeFileSync(DOCS_PATH, rendered);
  console.log(`wrote ${rel}`);
}

main();
