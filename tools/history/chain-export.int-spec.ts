import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { DataSource } from 'typeorm';
import { chainSigner, setHistoryChainSettings, writeHistoryBatch } from '@cep/history';
import { historyScenario } from '@cep/history/testing';
import { newOrgId, testDataSource } from '@cep/testing';
import { exportChain, verifyExport, type ChainExportLine } from './chain-export';

/** Offline verification of an exported chain: intact, tampered in the file, checked against the right or a wrong key. */
describe('history:chain export / verify (PostgreSQL, then offline)', () => {
  let ds: DataSource;
  const signer = chainSigner();
  const org = newOrgId();
  let lines: ChainExportLine[];

  beforeAll(async () => {
    ds = await testDataSource();
    setHistoryChainSettings({ enabled: true, signer, checkpointEvery: 4, checkpointMs: 3_600_000 });
    const events = historyScenario(org).events;
    for (let i = 0; i < events.length; i += 5) await ds.transaction((em) => writeHistoryBatch(em.queryRunner!, events.slice(i, i + 5)));
    lines = [];
    for await (const l of exportChain(ds, org, 7)) lines.push(l); // pages of 7 links
  });
  afterAll(async () => {
    setHistoryChainSettings();
    await ds.destroy();
  });

  const trusted = new Map([[signer.keyId, signer.publicKeyPem]]);
  const clone = () => lines.map((l) => ({ ...l })) as ChainExportLine[];

  it('an intact export verifies against the signer\'s public key', () => {
    const links = lines.filter((l) => l.type === 'link');
    expect(links.length).toBe(historyScenario(org).events.length);
    const v = verifyExport(lines, trusted);
    expect(v).toMatchObject({ firstBroken: null, checkedLinks: links.length, selfAssertedKeys: false, organisationId: org });
    expect(v.checkedCheckpoints).toBeGreaterThanOrEqual(3);
    expect(verifyExport(lines).selfAssertedKeys).toBe(true);
  });

  it('an edited preimage, a dropped link and another key are named', () => {
    const edited = clone();
    const i = edited.findIndex((l) => l.type === 'link' && l.seq === '6');
    const l6 = edited[i] as Extract<ChainExportLine, { type: 'link' }>;
    edited[i] = { ...l6, preimage: l6.preimage!.replace(/\]$/, ', "forged"]') };
    expect(verifyExport(edited, trusted).firstBroken).toEqual({ seq: '6', entryId: l6.entryId, reason: 'entry_modified' });

    const dropped = clone().filter((l) => !(l.type === 'link' && l.seq === '3'));
    expect(verifyExport(dropped, trusted).firstBroken).toMatchObject({ seq: '3', reason: 'link_missing' });

    const other = chainSigner();
    expect(verifyExport(lines, new Map([[other.keyId, other.publicKeyPem]])).firstBroken).toMatchObject({ reason: 'checkpoint_key_unknown' });
    // a key swapped in under the right id does not verify the signatures
    expect(verifyExport(lines, new Map([[signer.keyId, other.publicKeyPem]])).firstBroken).toMatchObject({ reason: 'checkpoint_signature_invalid' });
  });

  it('the CLI verifies a file: exit 0 intact, 1 tampered (no database)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chain-'));
    const file = join(dir, 'chain.jsonl');
    const key = join(dir, 'key.pem');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    writeFileSync(key, signer.publicKeyPem);
    const run = (f: string) => {
      try {
        return { code: 0, out: execFileSync('node', ['-r', '@swc-node/register', 'tools/history/chain.ts', 'verify', f, '--public-key', key], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' } }) };
      } catch (e) {
        return { code: (e as { status: number }).status, out: String((e as { stdout: string }).stdout) };
      }
    };
    const ok = run(file);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ valid: true, selfAssertedKeys: false });
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, readFileSync(file, 'utf8').replace(/"hash":"([0-9a-f])/, (_m, c: string) => `"hash":"${c === '0' ? '1' : '0'}`));
    const broken = run(bad);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out)).toMatchObject({ valid: false, firstBroken: { reason: 'link_broken' } });
  });
});
