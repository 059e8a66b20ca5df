import type { DataSource } from 'typeorm';
import { testDataSource } from '@cep/testing';
import { cloneSchema } from './projection-rebuild';
import { REBUILD_TARGETS } from './projections';

/** The build schema of a rebuild has every table (with indexes), function and trigger of the live one, empty. */
describe('cloneSchema', () => {
  let ds: DataSource;
  beforeAll(async () => (ds = await testDataSource()));
  afterAll(async () => ds.destroy());

  const shape = async (schema: string) => {
    const [r] = await ds.query(
      `SELECT
         (SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables WHERE schemaname = $1) AS tables,
         (SELECT count(*)::int FROM pg_indexes WHERE schemaname = $1) AS indexes,
         (SELECT coalesce(array_agg(p.proname::text ORDER BY p.proname), '{}') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) AS functions,
         (SELECT count(*)::int FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal) AS triggers`,
      [schema],
    );
    return r;
  };

  it.each(Object.entries(REBUILD_TARGETS))('%s', async (_name, target) => {
    const to = `${target.schema}__clone_test`;
    await ds.query(`DROP SCHEMA IF EXISTS "${to}" CASCADE`);
    try {
      await cloneSchema(ds, target.schema, to, target.copyData ?? []);
      expect(await shape(to)).toEqual(await shape(target.schema));
      for (const t of target.copyData ?? []) {
        const [{ a }] = await ds.query(`SELECT count(*)::int AS a FROM "${target.schema}"."${t}"`);
        const [{ b }] = await ds.query(`SELECT count(*)::int AS b FROM "${to}"."${t}"`);
        expect(b).toBe(a);
      }
    } finally {
      await ds.query(`DROP SCHEMA IF EXISTS "${to}" CASCADE`);
    }
  });
});
