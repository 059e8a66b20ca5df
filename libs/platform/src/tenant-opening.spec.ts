import { assertRoleName, TenantDatabase, tenantOpening } from './tenant-database';

/** The one-round-trip opening writes two values into SQL: both must be refused unless harmless by construction. */
describe('tenantOpening / assertRoleName', () => {
  const org = '3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8';

  it('builds BEGIN READ ONLY, SET LOCAL ROLE and the organisation as one string for a canonical UUID', () => {
    expect(tenantOpening('cep_gateway', org)).toBe(
      `BEGIN READ ONLY; SET LOCAL ROLE cep_gateway; SELECT set_config('app.organisation_id', '${org}', true)`,
    );
    expect(tenantOpening(null, org)).toBe(`BEGIN READ ONLY; SELECT set_config('app.organisation_id', '${org}', true)`);
  });

  it.each([
    `x'); DROP TABLE history.entries; --`,
    `${org}'`,
    `${org}; RESET ROLE`,
    org.toUpperCase(),
    `{${org}}`,
    org.replace(/-/g, ''),
    ` ${org}`,
    `${org}\n`,
    `${org}\\`,
    '',
    'org-a',
  ])('an organisation that is not a canonical lowercase UUID is never interpolated: %j', (hostile) => {
    expect(tenantOpening('cep_gateway', hostile)).toBeNull();
  });

  it.each([
    `cep_gateway; RESET ROLE`,
    `cep_gateway"`,
    `"cep_gateway"`,
    `postgres --`,
    `a'b`,
    `Cep_Gateway`,
    `cep-gateway`,
    `cep$gateway`,
    `1role`,
    '',
    'r'.repeat(64),
    'cep_gateway\n',
  ])('a role name that is not a plain lowercase identifier is refused at configuration time: %j', (hostile) => {
    expect(() => assertRoleName(hostile)).toThrow(/GATEWAY_DB_ROLE/);
    expect(() => new TenantDatabase({} as never, { role: hostile })).toThrow(/GATEWAY_DB_ROLE/);
    expect(() => tenantOpening(hostile, org)).toThrow(/GATEWAY_DB_ROLE/);
  });

  it('accepts the plain identifiers a deployment uses', () => {
    for (const r of ['cep_gateway', '_gw', 'gw2', 'r'.repeat(63)]) expect(() => assertRoleName(r)).not.toThrow();
    expect(() => new TenantDatabase({} as never, { role: null })).not.toThrow();
  });
});
