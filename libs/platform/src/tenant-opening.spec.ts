import { assertRoleName, TenantDatabase, tenantStartupOptions, tenantSwitch } from './tenant-database';

/** The tenant session writes two values into SQL / startup options: both must be refused unless harmless by construction. */
describe('tenantSwitch / tenantStartupOptions / assertRoleName', () => {
  const org = '3f2a1b4c-5d6e-4f70-8192-a3b4c5d6e7f8';

  it('points the session at a canonical UUID organisation in one string', () => {
    expect(tenantSwitch(org)).toBe(`SELECT set_config('app.organisation_id', '${org}', false)`);
  });

  it('starts tenant sessions as the gateway role, read only, keeping the pool\'s own startup options', () => {
    expect(tenantStartupOptions('cep_gateway')).toBe('-c role=cep_gateway -c default_transaction_read_only=on');
    expect(tenantStartupOptions('cep_gateway', '-c statement_timeout=30000')).toBe(
      '-c statement_timeout=30000 -c role=cep_gateway -c default_transaction_read_only=on',
    );
    expect(tenantStartupOptions(null)).toBe('-c default_transaction_read_only=on');
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
    expect(tenantSwitch(hostile)).toBeNull();
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
    expect(() => tenantStartupOptions(hostile)).toThrow(/GATEWAY_DB_ROLE/);
  });

  it('accepts the plain identifiers a deployment uses', () => {
    for (const r of ['cep_gateway', '_gw', 'gw2', 'r'.repeat(63)]) expect(() => assertRoleName(r)).not.toThrow();
    expect(() => new TenantDatabase({} as never, { role: null })).not.toThrow();
  });
});
