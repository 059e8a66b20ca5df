import type { DataSource } from 'typeorm';
import { testDataSource } from '@cep/testing';
import { cloneSchema } from './projection-rebuild';
import { REBUILD_TARGETS } from './projections';

/**
 * The build schema of a rebuild has every table (with indexes), function and trigger of the live one, empty, and
 * the same row-level security, RLS policies and grants (the gateway reads the rebuilt tables after the swap).
 */
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
         (SELECT count(*)::int FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal) AS triggers,
         (SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}') FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relrowsecurity) AS rls_tables,
         (SELECT coalesce(array_agg(tablename || ':' || policyname || ':' || cmd || ':' || roles::text || ':' || qual ORDER BY tablename, policyname), '{}') FROM pg_policies WHERE schemaname = $1) AS policies,
         (SELECT coalesce(array_agg(c.relname || ':' || r.rolname || ':' || a.privilege_type ORDER BY c.relname || ':' || r.rolname || ':' || a.privilege_type), '{}') FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
            JOIN pg_roles r ON r.oid = a.grantee WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND a.grantee <> c.relowner) AS table_grants,
         (SELECT coalesce(array_agg(r.rolname || ':' || a.privilege_type ORDER BY r.rolname || ':' || a.privilege_type), '{}') FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a
            JOIN pg_roles r ON r.oid = a.grantee WHERE n.nspname = $1 AND a.grantee <> n.nspowner) AS schema_grants,
         (SELECT coalesce(array_agg(c.relname || ':' || coalesce(c.reloptions::text, '') || ':' || replace(pg_get_viewdef(c.oid), $1 || '.', '<schema>.') ORDER BY c.relname), '{}')
            FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v') AS views,
         (SELECT coalesce(array_agg(c.relname || ':' || r.rolname || ':' || a.privilege_type ORDER BY c.relname || ':' || r.rolname || ':' || a.privilege_type), '{}') FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
            JOIN pg_roles r ON r.oid = a.grantee WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v' AND a.grantee <> c.relowner) AS view_grants`,
      [schema],
    );
    return r;
  };

  it.each(Object.entries(REBUILD_TARGETS))('%s', async (_name, target) => {
    const to = `${target.schema}__clone_test`;
    await ds.query(`DROP SCHEMA IF EXISTS "${to}" CASCADE`);
    try {
      await cloneSchema(ds, target.schema, to, target.copyData ?? []);
      const live = await shape(target.schema);
      expect(live.policies.length).toBeGreaterThan(0); // every read model has tenant tables under RLS
      expect(live.table_grants.length).toBeGreaterThan(0);
      if (target.schema === 'history') expect(live.views).toEqual([expect.stringMatching(/^tenant_entries:/)]); // the search view
      expect(await shape(to)).toEqual(live);
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
