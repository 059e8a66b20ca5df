import { rewriteSchema } from './projection-rebuild';

describe('rewriteSchema', () => {
  it('moves every qualifier of the schema, quoted or not, and nothing else', () => {
    const sql = `INSERT INTO reports.daily_counts AS t (cum) SELECT c FROM x ON CONFLICT DO UPDATE SET cum = reports.add_counts(t.cum, EXCLUDED.cum)`;
    expect(rewriteSchema(sql, 'reports', 'reports__rebuild_1')).toBe(
      `INSERT INTO "reports__rebuild_1".daily_counts AS t (cum) SELECT c FROM x ON CONFLICT DO UPDATE SET cum = "reports__rebuild_1".add_counts(t.cum, EXCLUDED.cum)`,
    );
    expect(rewriteSchema(`SELECT * FROM "history".entries JOIN history.entities e ON true`, 'history', 'h2')).toBe(
      `SELECT * FROM "h2".entries JOIN "h2".entities e ON true`,
    );
  });

  it('leaves other schemas, column references and longer names alone', () => {
    const sql = `SELECT myhistory.x, history_old.y, t.history, projection.checkpoints FROM a.history`;
    expect(rewriteSchema(sql, 'history', 'h2')).toBe(sql);
  });
});
