import { pendingMigrations, waitForSchema } from './schema-migrations';

const db = (answers: (() => unknown)[]) => ({
  calls: 0,
  async query(): Promise<any> {
    const next = answers[Math.min(this.calls++, answers.length - 1)];
    return next();
  },
});

describe('pendingMigrations', () => {
  it('lists the expected migrations the table does not have, in the expected order', async () => {
    const ds = db([() => [{ name: 'A1' }, { name: 'C3' }, { name: 'Z9-unknown-to-this-build' }]]);
    expect(await pendingMigrations(ds, ['A1', 'B2', 'C3', 'D4'])).toEqual(['B2', 'D4']);
    expect(await pendingMigrations(db([() => [{ name: 'A1' }]]), ['A1'])).toEqual([]);
  });

  it('treats a missing migrations table (42P01) as nothing run, and lets other errors through', async () => {
    const undefinedTable = () => {
      throw Object.assign(new Error('relation "cep_migrations" does not exist'), { driverError: { code: '42P01' } });
    };
    expect(await pendingMigrations(db([undefinedTable]), ['A1', 'B2'])).toEqual(['A1', 'B2']);
    const down = () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    await expect(pendingMigrations(db([down]), ['A1'])).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('waitForSchema', () => {
  it('polls through errors and pending migrations until the schema is current', async () => {
    const ds = db([
      () => {
        throw new Error('database starting');
      },
      () => [],
      () => [{ name: 'A1' }],
    ]);
    await expect(waitForSchema(ds, { expected: ['A1'], pollMs: 1 })).resolves.toBe(true);
    expect(ds.calls).toBe(3);
  });

  it('gives up with false when stopped', async () => {
    let n = 0;
    const ds = db([() => []]);
    await expect(waitForSchema(ds, { expected: ['A1'], pollMs: 1, stopped: () => ++n > 3 })).resolves.toBe(false);
    expect(ds.calls).toBe(3);
  });
});
