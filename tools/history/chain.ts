/**
 * The tamper-evident history, offline (docs/privacy.md "Tamper-evident history"):
 *
 *   npm run history:chain -- export <organisationId> [--out chain.jsonl]      (DATABASE_URL, as the tables' owner)
 *   npm run history:chain -- verify chain.jsonl [--public-key key.pem ...]    (no database, no network)
 *   npm run history:chain -- public-key > signer.pem                           (the configured signer's public key; id on stderr)
 *
 * `verify` exits 0 when the export is intact, 1 naming the first broken link, 2 on a usage error.
 */
import 'reflect-metadata';
import { createPublicKey } from 'crypto';
import { createReadStream, createWriteStream, readFileSync } from 'fs';
import { createInterface } from 'readline';
import { historyChainSettings, keyIdOf } from '@cep/history';
import { connectDatabase, loadConfig, PlatformConfig } from '@cep/platform';
import { exportChain, verifyExport, type ChainExportLine } from './chain-export';

const usage = 'usage: npm run history:chain -- export <organisationId> [--out file] | verify <file> [--public-key pem ...] | public-key';

async function main(args: string[]): Promise<number> {
  const [cmd, arg] = args;
  const opt = (name: string) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]] : []));
  if (cmd === 'export' && arg) {
    const ds = await connectDatabase(loadConfig(PlatformConfig), { applicationName: 'history-chain-export' });
    const out = opt('--out')[0] ? createWriteStream(opt('--out')[0]) : process.stdout;
    try {
      for await (const line of exportChain(ds, arg)) out.write(`${JSON.stringify(line)}\n`);
    } finally {
      if (out !== process.stdout) await new Promise<void>((r) => (out as NodeJS.WritableStream).end(() => r()));
      await ds.destroy();
    }
    return 0;
  }
  if (cmd === 'verify' && arg) {
    const lines: ChainExportLine[] = [];
    for await (const l of createInterface({ input: createReadStream(arg), crlfDelay: Infinity })) if (l.trim()) lines.push(JSON.parse(l));
    const trusted = new Map(
      opt('--public-key').map((f) => {
        const key = createPublicKey(readFileSync(f, 'utf8'));
        return [keyIdOf(key), key.export({ type: 'spki', format: 'pem' }).toString()] as const;
      }),
    );
    const v = verifyExport(lines, trusted);
    process.stdout.write(`${JSON.stringify({ valid: v.firstBroken === null, ...v })}\n`);
    if (v.selfAssertedKeys) process.stderr.write('warning: no --public-key given: checkpoints were checked against the keys inside the export\n');
    return v.firstBroken === null ? 0 : 1;
  }
  if (cmd === 'public-key') {
    const s = historyChainSettings().signer;
    // The PEM alone on stdout (a file for `verify --public-key`); the key id on stderr.
    process.stderr.write(`key id ${s.keyId}${s.ephemeral ? ' (generated for this process: HISTORY_CHAIN_SIGNING_KEY is not set)' : ''}\n`);
    process.stdout.write(s.publicKeyPem);
    return 0;
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`history:chain failed: ${(err as Error).message}\n`);
      process.exit(2);
    },
  );
}
