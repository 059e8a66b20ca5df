import { SCHEMA_MIGRATIONS } from '@cep/platform';
import { ALL_MIGRATIONS } from './migrations';

/** The apps' readiness compares the database with SCHEMA_MIGRATIONS: it must name exactly the migrations that run. */
it('SCHEMA_MIGRATIONS (libs/platform/src/schema-migrations.ts) names every migration of ALL_MIGRATIONS', () => {
  const names = ALL_MIGRATIONS.map((M) => (new M() as { name?: string }).name ?? M.name);
  const hint = `paste into libs/platform/src/schema-migrations.ts:\n${JSON.stringify(names, null, 2)}`;
  expect({ missing: names.filter((n) => !SCHEMA_MIGRATIONS.includes(n)), unknown: SCHEMA_MIGRATIONS.filter((n) => !names.includes(n)), hint }).toEqual({
    missing: [],
    unknown: [],
    hint,
  });
});
