import { Client } from 'pg';
import type { BenchRow } from '../bench-types';

export interface StandaloneSection {
  /** Database name part: `cep_bench_<name>_<time>`. */
  name: string;
  /** Command-line flag that sets the size, e.g. `events` for `--events 1000000`. */
  sizeFlag: string;
  defaultSize: number;
  quickSize: number;
  run(size: number, quick: boolean): Promise<BenchRow[]>;
}

/**
 * Runs one read-model section on its own: a fresh migrated database (dropped afterwards unless `--keep`),
 * `--<sizeFlag> N` and `--quick` from the command line, the rows printed as a table.
 */
export async function runSectionStandalone(section: StandaloneSection, argv: string[] = process.argv.slice(2)): Promise<void> {
  process.env.TZ = 'UTC';
  const i = argv.indexOf(`--${section.sizeFlag}`);
  const quick = argv.includes('--quick');
  const size = i >= 0 ? Number(argv[i + 1].replace(/_/g, '')) : quick ? section.quickSize : section.defaultSize;
  const { migrate } = await import('../../tools/db/migrate');
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/cep_bench_${section.name}_${Date.now().toString(36)}`;
  const url = base.toString();
  await migrate(url);
  process.env.DATABASE_URL = url;
  try {
    const t0 = Date.now();
    const rows = await section.run(size, quick);
    console.table(rows.map((r) => ({ name: r.name, value: r.value, unit: r.unit, target: r.target ?? '', met: r.met ?? '', note: r.note ?? '' })));
    console.log(`${section.name} bench: ${size.toLocaleString('en-US')} ${section.sizeFlag} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    if (!argv.includes('--keep')) {
      const admin = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${base.pathname.slice(1)}" WITH (FORCE)`);
      await admin.end();
    }
  }
}

/** `if (require.main === module)` body of a section file. */
export function mainOf(section: StandaloneSection): void {
  runSectionStandalone(section).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
