import { chainSigner, checkpointMessage, GENESIS_HASH, linkHash, sha256 } from './history-chain';
import { verifyChainLinks, type ChainCheckpointRow, type ChainLinkRow } from './history-chain.verify';

/** The pure verification: given a chain as stored, when one part is altered, then the first broken link is named. */
describe('verifyChainLinks', () => {
  const org = 'org-a';
  const signer = chainSigner();
  const keys = new Map([[signer.keyId, signer.publicKeyPem]]);

  function chain(n: number): { links: ChainLinkRow[]; checkpoints: ChainCheckpointRow[] } {
    const links: ChainLinkRow[] = [];
    let prev: Buffer = GENESIS_HASH;
    for (let i = 1; i <= n; i++) {
      const digest = sha256(Buffer.from(`entry ${i}`));
      prev = linkHash(prev, digest);
      links.push({ seq: BigInt(i), entryId: `e${i}`, digest, hash: prev, currentDigest: digest });
    }
    const checkpoints = [3, n].map((s) => ({ seq: BigInt(s), hash: links[s - 1].hash, keyId: signer.keyId, signature: signer.sign(checkpointMessage(org, s, links[s - 1].hash)) }));
    return { links, checkpoints };
  }

  it('an intact chain is valid, checkpoints counted', () => {
    const { links, checkpoints } = chain(6);
    expect(verifyChainLinks(org, 0n, GENESIS_HASH, links, checkpoints, keys)).toMatchObject({ checkedLinks: 6, checkedCheckpoints: 2, firstSeq: '1', lastSeq: '6', firstBroken: null });
  });

  it('a range verifies from the hash of the link before it', () => {
    const { links, checkpoints } = chain(6);
    expect(verifyChainLinks(org, 3n, links[2].hash, links.slice(3), checkpoints, keys)).toMatchObject({ checkedLinks: 3, checkedCheckpoints: 1, firstBroken: null });
    expect(verifyChainLinks(org, 3n, GENESIS_HASH, links.slice(3), checkpoints, keys).firstBroken).toMatchObject({ seq: '4', reason: 'link_broken' });
  });

  type Chain = { links: ChainLinkRow[]; checkpoints: ChainCheckpointRow[] };
  const alterations: [string, (c: Chain) => void, string][] = [
    ['entry_modified', (c) => void (c.links[1].currentDigest = sha256(Buffer.from('other'))), '2'],
    ['entry_missing', (c) => void (c.links[1].currentDigest = null), '2'],
    ['link_missing', (c) => void c.links.splice(1, 1), '2'],
    ['link_broken', (c) => void (c.links[4].hash = sha256(Buffer.from('x'))), '5'],
    ['checkpoint_mismatch', (c) => void (c.checkpoints[0].hash = sha256(Buffer.from('x'))), '3'],
    ['checkpoint_signature_invalid', (c) => void (c.checkpoints[0].signature = chainSigner().sign(Buffer.from('x'))), '3'],
    ['checkpoint_key_unknown', (c) => void (c.checkpoints[0].keyId = 'unknown'), '3'],
  ];
  it.each(alterations)('%s is named at its link', (reason, alter, seq) => {
    const c = chain(6);
    alter(c);
    expect(verifyChainLinks(org, 0n, GENESIS_HASH, c.links, c.checkpoints, keys).firstBroken).toMatchObject({ seq, reason });
  });

  it('a checkpoint signed for another organisation does not verify', () => {
    const c = chain(6);
    c.checkpoints[0].signature = signer.sign(checkpointMessage('org-b', 3, c.links[2].hash));
    expect(verifyChainLinks(org, 0n, GENESIS_HASH, c.links, c.checkpoints, keys).firstBroken).toMatchObject({ seq: '3', reason: 'checkpoint_signature_invalid' });
  });
});
