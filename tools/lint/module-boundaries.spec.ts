import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * The architecture is enforced, not hoped for: ESLint with @nx/enforce-module-boundaries rejects a producer
 * importing a read-model lib and the gateway importing producer libs.
 */
describe('Nx module boundaries', () => {
  const root = path.resolve(__dirname, '../..');

  // The rule needs Nx's cached project graph; without it the rule is skipped with a warning (and this test
  // fails on the non-JSON output rather than passing vacuously). Compute it first.
  beforeAll(() => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/nx/bin/nx.js'), 'show', 'projects'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`nx show projects failed: ${r.stderr}`);
  }, 120000);

  // ESLint runs as its own process (its flat config is an ES module, which Jest's CommonJS sandbox cannot load).
  async function violations(file: string, code: string): Promise<string[]> {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', '--stdin', '--stdin-filename', file], {
      cwd: root,
      input: code,
      encoding: 'utf8',
    });
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
    return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  }

  it('refuses a read-model lib in a producer app', async () => {
    const v = await violations('apps/issuer/src/probe.ts', "import { historyProjection } from '@cep/history';\nexport const p = historyProjection;\n");
    expect(v.join('\n')).toMatch(/type:producer/);
  });

  it('refuses producer libs in the gateway', async () => {
    const v = await violations('apps/gateway/src/probe.ts', "import { EventStore } from '@cep/event-store';\nexport const s = EventStore;\n");
    expect(v.join('\n')).toMatch(/type:gateway/);
  });

  it('refuses producer libs in a projector', async () => {
    const v = await violations('apps/history-projector/src/probe.ts', "import { EventStore } from '@cep/event-store';\nexport const s = EventStore;\n");
    expect(v.join('\n')).toMatch(/type:projector/);
  });

  it('allows shared and read-model libs in the gateway', async () => {
    const v = await violations(
      'apps/gateway/src/probe.ts',
      "import { TOPICS } from '@cep/contracts';\nimport { HistoryQueryService } from '@cep/history';\nexport const x = [TOPICS, HistoryQueryService];\n",
    );
    expect(v).toEqual([]);
  });

  it('refuses every server lib in the console (a browser app: the public API only)', async () => {
    const v = await violations('apps/console/src/probe.ts', "import { loadConfig } from '@cep/platform';\nexport const c = loadConfig;\n");
    expect(v.join('\n')).toMatch(/type:console/);
  });
});
