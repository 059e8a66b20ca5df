/**
 * Demo traffic for the three producer apps, over HTTP with dev tokens (realistic flows, see docs/producers.md):
 *   node -r @swc-node/register tools/demo/traffic.ts [--orgs 3] [--org-ids id1,id2] [--rate 5] [--duration 60] [--issuer URL] [--verifier URL] [--wallet URL]
 *   --org-ids: use these organisation ids for the first organisations (e.g. the one whose dev token `npm start` prints);
 *   --duration 0 runs until stopped.
 * --rate is flows per second across all organisations; --duration 0 runs until SIGINT/SIGTERM.
 * Env: ISSUER_URL, VERIFIER_URL, WALLET_URL (defaults http://127.0.0.1:3001/3002/3003), AUTH_JWT_SECRET.
 */
import { randomUUID } from 'crypto';
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
};
const ISSUER = arg('issuer', process.env.ISSUER_URL ?? 'http://127.0.0.1:3001');
const VERIFIER = arg('verifier', process.env.VERIFIER_URL ?? 'http://127.0.0.1:3002');
const WALLET = arg('wallet', process.env.WALLET_URL ?? 'http://127.0.0.1:3003');
const ORGS_ARG = Math.max(1, Number(arg('orgs', '3')));
const RATE = Math.max(0.1, Number(arg('rate', '5')));
const DURATION_S = Number(arg('duration', '60'));
const FIXED_ORG_IDS = (arg('org-ids', '') ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const ORGS = Math.max(ORGS_ARG, FIXED_ORG_IDS.length);

const counts = new Map<string, number>();
const count = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const chance = (p: number) => Math.random() < p;

interface Org {
  id: string;
  token: string;
  schemas: { id: string; name: string; profile: string; credentialType: string; claimNames: string[] }[];
  proofSchemaId?: string;
  issuerDid: { id: string; did: string; name: string };
  verifierDid: { id: string; did: string; name: string };
  providers: string[];
  accepted: { credentialId: string; schemaId: string }[];
}

async function call(base: string, org: Org, path: string, body: unknown = {}, method = 'POST'): Promise<any> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${org.token}`, 'content-type': 'application/json', 'x-call-id': randomUUID() },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) {
    count(`error ${r.status}`);
    throw new Error(`${method} ${path} → ${r.status} ${text.slice(0, 300)}`);
  }
  return text ? JSON.parse(text) : {};
}

const SCHEMAS = [
  { name: 'Mobile driving licence', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', claimNames: ['family_name', 'given_name', 'birth_date', 'document_number'] },
  { name: 'Vehicle registration', profile: 'cwt', credentialType: 'org.iso.7367.1.mVRC', claimNames: ['registration_number', 'owner'] },
  { name: 'Verified employee', profile: 'sd-jwt-vc', credentialType: 'VerifiedEmployee', claimNames: ['name', 'employer', 'role'] },
  { name: 'University degree', profile: 'jwt-vc', credentialType: 'UniversityDegree', claimNames: ['name', 'degree'] },
  { name: 'Event ticket', profile: 'ldp-vc', credentialType: 'EventTicket', claimNames: ['seat', 'event'] },
] as const;
const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson'];

async function setupOrg(i: number): Promise<Org> {
  const id = FIXED_ORG_IDS[i] ?? randomUUID();
  const token = await signDevToken({ secret: process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET, org: id, scope: 'events:write', subject: `admin-${i}`, expiresInSec: 86400 });
  const org: Org = { id, token, schemas: [], issuerDid: { id: '', did: '', name: '' }, verifierDid: { id: '', did: '', name: '' }, providers: [], accepted: [] };
  // A fixed organisation may have been registered by an earlier run (409): keep going.
  await call(ISSUER, org, '/v1/organisations', { name: `Demo organisation ${i + 1}` }).catch((err: Error) => {
    if (!/→ 409/.test(err.message)) throw err;
  });
  const key = await call(ISSUER, org, '/v1/keys', { name: 'issuing key', keyType: 'EDDSA', storageType: 'INTERNAL' });
  await call(ISSUER, org, `/v1/keys/${key.id}/rotate`);
  const didValue = `did:key:z6Mk${id.replace(/-/g, '').slice(0, 20)}`;
  const did = await call(ISSUER, org, '/v1/dids', { did: didValue, name: `Issuer ${i + 1}`, method: 'KEY', keyIds: [key.id] });
  await call(ISSUER, org, `/v1/dids/${did.id}/resolve`);
  org.issuerDid = { id: did.id, did: didValue, name: `Issuer ${i + 1}` };
  const vdid = await call(ISSUER, org, '/v1/dids', { did: `did:web:verifier${i + 1}.example.com`, name: `Verifier ${i + 1}`, method: 'WEB', keyIds: [key.id] });
  org.verifierDid = { id: vdid.id, did: `did:web:verifier${i + 1}.example.com`, name: `Verifier ${i + 1}` };
  for (const s of SCHEMAS) {
    const r = await call(ISSUER, org, '/v1/credential-schemas', s);
    org.schemas.push({ id: r.id, ...s, claimNames: [...s.claimNames] });
  }
  await call(ISSUER, org, `/v1/credential-schemas/${org.schemas[0].id}/share`);
  const ps = await call(VERIFIER, org, '/v1/proof-schemas', { name: 'Age over 18', credentialSchemaIds: [org.schemas[0].id], claimNames: ['birth_date'] });
  org.proofSchemaId = ps.id;
  const anchor = await call(ISSUER, org, '/v1/trust-anchors', { name: 'EU trust list', type: 'SIMPLE_TRUST_LIST' });
  const entity = await call(ISSUER, org, '/v1/trust-entities', { name: `Issuer ${i + 1}`, trustAnchorId: anchor.id, didId: did.id });
  await call(ISSUER, org, `/v1/trust-entities/${entity.id}/withdraw`);
  await call(ISSUER, org, `/v1/trust-entities/${entity.id}/activate`);
  const provider = await call(ISSUER, org, '/v1/bridge/providers', { name: 'Corporate SSO', issuerUrl: 'https://sso.example.com' });
  await call(ISSUER, org, `/v1/bridge/providers/${provider.id}`, { name: 'Corporate SSO (EU)' }, 'PATCH');
  org.providers.push(provider.id);
  await call(WALLET, org, '/v1/wallet/keys', { keyAlgorithm: 'Ed25519' });
  await call(WALLET, org, '/v1/wallet/dids', { did: `did:jwk:${Buffer.from(id).toString('base64url')}` });
  count('organisations');
  return org;
}

async function issuance(org: Org): Promise<void> {
  const s = pick(org.schemas);
  const recipientType = pick(['email', 'phone', 'profile'] as const);
  const person = pick(NAMES);
  const identifier =
    recipientType === 'email' ? `${person.split(' ')[0].toLowerCase()}@example.com` : recipientType === 'phone' ? `+4479${Math.floor(1e7 + Math.random() * 9e7)}` : `profile-${person.split(' ')[1].toLowerCase()}`;
  const r = await call(ISSUER, org, '/v1/credentials', {
    schemaId: s.id,
    profile: s.profile,
    credentialType: s.credentialType,
    claims: s.claimNames.map((n) => ({ name: n, value: n.includes('name') ? person : `${n}-${Math.floor(Math.random() * 1000)}` })),
    issuerDid: org.issuerDid,
    recipient: { type: recipientType, identifier },
    source: pick(['send', 'sendBoost', 'sendCredential', 'claimLink'] as const),
    ...(chance(0.5) ? { boostUri: `lc:network:example.com/boosts/${s.credentialType}` } : {}),
    ...(chance(0.3) ? { integrationId: 'hr-system' } : {}),
  });
  count(`issued to ${recipientType}`);
  const id = r.credentialId as string;
  if (recipientType === 'profile') {
    await call(WALLET, org, '/v1/wallet/credentials', r.offer);
    count('delivered to wallet');
  } else if (chance(0.08)) {
    await call(ISSUER, org, `/v1/credentials/${id}/delivery-failure`, { error: recipientType === 'email' ? 'mailbox unavailable' : 'SMS gateway timeout' });
    count('delivery failed');
    return;
  }
  const roll = Math.random();
  if (roll < 0.6) {
    // OpenID4VCI: a profile's wallet kept the offer's pre-authorized code (hash) when it received it; email/phone
    // recipients claim from the link (the offer and its code) with the transaction code sent out of band.
    const claimBody = recipientType === 'profile' ? {} : { offer: r.offer, txCode: r.txCode };
    await call(WALLET, org, `/v1/wallet/credentials/${id}/claim`, claimBody);
    count('claimed');
    org.accepted.push({ credentialId: id, schemaId: s.id });
  } else if (roll < 0.75) {
    await call(WALLET, org, `/v1/wallet/credentials/${id}/reject`, recipientType === 'profile' ? { reason: 'not expected' } : { offer: r.offer, txCode: r.txCode, reason: 'not expected' });
    count('rejected');
  } else {
    count('left unclaimed');
  }
}

/** Status changes of accepted credentials (the wallet policy makes them ACCEPTED at the issuer shortly after the claim). */
async function statusChange(org: Org): Promise<void> {
  const c = org.accepted.shift();
  if (!c) return;
  try {
    const op = pick(['revoke', 'suspend', 'suspend-reactivate', 'share'] as const);
    if (op === 'revoke') await call(ISSUER, org, `/v1/credentials/${c.credentialId}/revoke`, { reason: 'superseded' });
    else if (op === 'share') await call(ISSUER, org, `/v1/credentials/${c.credentialId}/share`);
    else {
      await call(ISSUER, org, `/v1/credentials/${c.credentialId}/suspend`, { reason: 'under review' });
      if (op === 'suspend-reactivate') await call(ISSUER, org, `/v1/credentials/${c.credentialId}/reactivate`);
    }
    count(op);
  } catch {
    org.accepted.push(c); // not ACCEPTED yet at the issuer (the claim is on its way through Kafka): try later
  }
}

async function verification(org: Org): Promise<void> {
  const p = await call(VERIFIER, org, '/v1/proofs', { proofSchemaId: org.proofSchemaId, verifierDid: org.verifierDid, format: 'vc+sd-jwt', credentialType: 'identity_credential' });
  count('proof requested');
  const id = p.id as string;
  const roll = Math.random();
  if (roll < 0.1) {
    await call(VERIFIER, org, `/v1/proofs/${id}/retract`);
    return void count('proof retracted');
  }
  await call(VERIFIER, org, `/v1/proofs/${id}/request`);
  const cred = org.accepted[0] ?? { credentialId: randomUUID(), schemaId: org.schemas[0].id };
  if (roll < 0.2) {
    await call(VERIFIER, org, `/v1/proofs/${id}/reject`, { reason: 'holder declined' });
    return void count('proof rejected');
  }
  await call(WALLET, org, `/v1/wallet/proofs/${id}/share`, { name: 'Age over 18', verifierDid: org.verifierDid, credentials: [cred] });
  await call(VERIFIER, org, `/v1/proofs/${id}/share`, { credentials: [cred], claims: [{ name: 'birth_date', value: '1990-05-17' }] });
  if (roll < 0.3) {
    await call(VERIFIER, org, `/v1/proofs/${id}/error`, { error: 'signature verification failed' });
    return void count('proof errored');
  }
  await call(VERIFIER, org, `/v1/proofs/${id}/accept`, { signatureAlgorithm: pick(['ES256', 'EdDSA']) });
  count('proof accepted');
  if (chance(0.3)) {
    await call(VERIFIER, org, `/v1/proofs/${id}/claims-removal`);
    count('proof claims removed');
  }
}

async function bridgeLogin(org: Org): Promise<void> {
  const failed = chance(0.2);
  await call(ISSUER, org, `/v1/bridge/providers/${pick(org.providers)}/logins`, { subject: pick(NAMES), ...(failed ? { error: 'invalid_grant' } : {}) });
  count(failed ? 'login errored' : 'login succeeded');
}

async function backup(org: Org): Promise<void> {
  const b = await call(WALLET, org, '/v1/wallet/backups', { name: `wallet-backup-${Date.now()}.zip` });
  count('backup created');
  if (chance(0.3)) {
    await call(WALLET, org, `/v1/wallet/backups/${b.id}/restore`);
    count('backup restored');
  }
}

async function oneFlow(org: Org): Promise<void> {
  const r = Math.random();
  if (r < 0.5) await issuance(org);
  else if (r < 0.7) await verification(org);
  else if (r < 0.82) await statusChange(org);
  else if (r < 0.94) await bridgeLogin(org);
  else await backup(org);
}

function report(final = false): void {
  const line = [...counts.entries()].sort().map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(`${final ? 'demo traffic done' : 'demo traffic'}: ${line}\n`);
}

async function main(): Promise<void> {
  process.stdout.write(`demo traffic: ${ORGS} organisations, ${RATE} flows/s, ${DURATION_S ? `${DURATION_S}s` : 'until stopped'} → issuer ${ISSUER}, verifier ${VERIFIER}, wallet ${WALLET}\n`);
  const orgs = await Promise.all(Array.from({ length: ORGS }, (_, i) => setupOrg(i)));
  for (const o of orgs) process.stdout.write(`  organisation ${o.id} (token: npm run -s token -- --org ${o.id})\n`);
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  process.once('SIGTERM', () => (stop = true));
  const deadline = DURATION_S ? Date.now() + DURATION_S * 1000 : Infinity;
  const inflight = new Set<Promise<void>>();
  const ticker = setInterval(() => report(), 10000);
  while (!stop && Date.now() < deadline) {
    const p: Promise<void> = oneFlow(pick(orgs))
      .catch((err) => void process.stderr.write(`flow failed: ${(err as Error).message}\n`))
      .finally(() => inflight.delete(p));
    inflight.add(p);
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  clearInterval(ticker);
  await Promise.all(inflight);
  report(true);
}

main().catch((err) => {
  process.stderr.write(`demo traffic failed: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? "")}\n`);
  process.exit(1);
});
