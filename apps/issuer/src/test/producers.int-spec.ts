import { randomUUID } from 'crypto';
import type { Consumer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { ALL_TOPICS, EVENT_REGISTRY, parseEvent, toPublishedShape, type EventEnvelope, type SessionEvent } from '@cep/contracts';
import { DEV_JWT_SECRET } from '@cep/platform';
import { CommittedEventSchemas, expectEventually, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

/**
 * The three producer apps as real processes: commands over HTTP → event store + outbox → relay → Kafka.
 * Each test uses its own organisation; a kafkajs consumer (unique group, from the beginning) collects its events.
 */
const PORTS = { issuer: 4101, verifier: 4102, wallet: 4103, issuerKill: 4104 };

describe('producer apps (integration)', () => {
  const apps: AppHandle[] = [];
  let issuer: AppHandle;
  let verifier: AppHandle;
  let wallet: AppHandle;
  let consumer: Consumer;
  let ds: DataSource;
  const seen: EventEnvelope[] = [];
  /** Every event the producer apps published during this suite, as it is on the wire (not upcast nor normalised). */
  const emitted: Record<string, unknown>[] = [];
  const suiteStart = Date.now();

  beforeAll(async () => {
    [issuer, verifier, wallet] = await Promise.all([
      startApp('issuer', { port: PORTS.issuer, env: { WALLET_POLICY_GROUP_ID: uniqueName('int-issuer-policy') } }),
      startApp('verifier', { port: PORTS.verifier }),
      startApp('wallet', { port: PORTS.wallet }),
    ]);
    apps.push(issuer, verifier, wallet);
    ds = await testDataSource();
    consumer = testKafka('producers-int').consumer({ groupId: uniqueName('producers-int') });
    await consumer.connect();
    await consumer.subscribe({ topics: ALL_TOPICS, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const r = parseEvent(message.value, EVENT_REGISTRY);
        if (r.ok) seen.push(r.event);
        if (Number(message.timestamp) >= suiteStart && message.value) emitted.push(JSON.parse(message.value.toString('utf8')));
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await ds?.destroy();
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
  });

  const tokenFor = (org: string) => signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write', subject: 'alice' });
  async function post(app: AppHandle, org: string, path: string, body: unknown = {}, method = 'POST') {
    const r = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await tokenFor(org)}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  }
  const ofOrg = (org: string) => seen.filter((e) => e.organisationid === org);
  const storedCount = async (schema: string, org: string) =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM ${schema}.events WHERE organisation_id = $1`, [org]))[0].n);

  async function schemaAndOffer(org: string, recipient: { type: string; identifier: string }) {
    const schema = await post(issuer, org, '/v1/credential-schemas', { name: 'Badge', profile: 'jwt-vc', credentialType: 'VerifiedEmployee', claimNames: ['name'] });
    expect(schema.status).toBe(201);
    const issued = await post(issuer, org, '/v1/credentials', {
      schemaId: schema.body.id,
      profile: 'jwt-vc',
      credentialType: 'VerifiedEmployee',
      claims: [{ name: 'name', value: 'Ada' }],
      issuerDid: { id: randomUUID(), did: 'did:key:z6MkIssuer', name: 'HR' },
      recipient,
      boostUri: 'lc:network:example.com/boosts/badge',
      integrationId: 'hr',
    });
    expect(issued.status).toBe(201);
    return issued.body;
  }

  it('issues to a profile, the wallet receives and claims, the issuer accepts: events on Kafka in order, org stamped, activityId reused', async () => {
    const org = newOrgId();
    const issued = await schemaAndOffer(org, { type: 'profile', identifier: 'profile-bob' });
    expect((await post(wallet, org, '/v1/wallet/credentials', issued.offer)).status).toBe(201);
    expect((await post(wallet, org, `/v1/wallet/credentials/${issued.credentialId}/claim`, {})).status).toBe(200);
    const chain = await expectEventually(() => {
      // Order holds per topic (per key), not across topics.
      const mine = ofOrg(org).filter((e) => e.subject === issued.credentialId);
      expect(mine.filter((e) => e.type.startsWith('credential.')).map((e) => e.type)).toEqual(['credential.created', 'credential.pending', 'credential.offered', 'credential.accepted']);
      expect(mine.filter((e) => e.type.startsWith('wallet.')).map((e) => e.type)).toEqual(['wallet.credential-received', 'wallet.credential-claimed']);
      return ofOrg(org).filter((e) => e.subject === issued.credentialId);
    });
    for (const e of chain) expect((e.data as { activityId?: string }).activityId ?? issued.activityId).toBe(issued.activityId);
    const claimed = chain.find((e) => e.type === 'wallet.credential-claimed')!;
    const accepted = chain.find((e) => e.type === 'credential.accepted')!;
    expect(accepted.causationid).toBe(claimed.id);
    expect(accepted.correlationid).toBe(claimed.correlationid);
    const sessions = ofOrg(org).filter((e) => e.type === 'session.issuance').map((e) => (e.data as any).status.type);
    expect(sessions).toEqual(['Open', 'Success']);
  });

  it('verifier: a proof request emits the VerificationEvent in the seed 001 shape, then Success; claims removed carry no values', async () => {
    const org = newOrgId();
    const ps = await post(verifier, org, '/v1/proof-schemas', { name: 'Age over 18', credentialSchemaIds: [], claimNames: ['birth_date'] });
    const verifierDid = { id: randomUUID(), did: 'did:web:verifier.example.com', name: 'Verifier' };
    const created = await post(verifier, org, '/v1/proofs', { proofSchemaId: ps.body.id, verifierDid, format: 'vc+sd-jwt', credentialType: 'identity_credential' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const cred = { credentialId: randomUUID(), schemaId: randomUUID() };
    expect((await post(verifier, org, `/v1/proofs/${id}/request`)).status).toBe(200);
    expect((await post(verifier, org, `/v1/proofs/${id}/share`, { credentials: [cred], claims: [{ name: 'birth_date', value: '1990-01-01' }] })).status).toBe(200);
    expect((await post(verifier, org, `/v1/proofs/${id}/accept`, { signatureAlgorithm: 'ES256' })).status).toBe(200);
    expect((await post(verifier, org, `/v1/proofs/${id}/claims-removal`)).status).toBe(200);
    const events = await expectEventually(() => {
      // Order holds per topic: proofs on cep.proofs.v1, sessions on cep.sessions.v1.
      const e = ofOrg(org).filter((x) => x.subject === id);
      expect(e.filter((x) => x.type.startsWith('proof.')).map((x) => x.type)).toEqual([
        'proof.created', 'proof.pending', 'proof.requested', 'proof.shared', 'proof.accepted', 'proof.claims-removed',
      ]);
      expect(e.filter((x) => x.type === 'session.verification')).toHaveLength(2);
      return e;
    });
    const [open, done] = events.filter((e) => e.type === 'session.verification').map((e) => toPublishedShape(e as SessionEvent));
    const seed = {
      type: 'id.walt.commons.events.VerificationEvent', eventType: 'VerificationEvent', _id: 'e7a33f7b-024c-4ff7-980b-d47f7ed825e7', originator: null,
      organization: 'waltid', target: 'waltid.mycustomer.verifier1', timestamp: 1741252466353, action: { type: 'init_session' }, status: { type: 'Open' },
      callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2', error: null, sessionId: 'bec96d15-6fe9-4553-a873-82b2ef270b15', format: 'vc+sd-jwt', signatureAlgorithm: '',
      credentialType: 'identity_credential',
    };
    // Field by field: same keys in the same order, same value types; same values where they are not per-event.
    expect(Object.keys(open)).toEqual(Object.keys(seed));
    for (const k of Object.keys(seed) as (keyof typeof seed)[]) {
      expect(typeof (open as any)[k]).toBe(k === 'originator' ? 'string' : typeof seed[k]);
    }
    expect(open).toMatchObject({ eventType: 'VerificationEvent', organization: org, target: 'cep.verifier', action: { type: 'init_session' }, status: { type: 'Open' }, error: null, sessionId: id, format: 'vc+sd-jwt', signatureAlgorithm: '', credentialType: 'identity_credential' });
    const openEnvelope = events.find((e) => e.type === 'session.verification')!;
    expect(open._id).toBe(openEnvelope.id);
    expect(open.timestamp).toBe(Date.parse(openEnvelope.time));
    expect(done).toMatchObject({ status: { type: 'Success' }, error: null, signatureAlgorithm: 'ES256', sessionId: id });
    expect(events.find((e) => e.type === 'proof.claims-removed')!.data).not.toHaveProperty('claims');
  });

  it('bad input → 400 with field details / 409 illegal transition, and nothing is appended', async () => {
    const org = newOrgId();
    const issued = await schemaAndOffer(org, { type: 'email', identifier: 'ada@example.com' });
    const before = await storedCount('issuer', org);
    const base = { schemaId: randomUUID(), schemaName: 'X', profile: 'mdoc', credentialType: 'T', claims: [], issuerDid: { id: randomUUID(), did: 'did:key:z' }, recipient: { type: 'email', identifier: 'a@b.c' } };
    const unknownProfile = await post(issuer, org, '/v1/credentials', { ...base, profile: 'pdf' });
    expect(unknownProfile.status).toBe(400);
    expect(unknownProfile.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ param: 'profile', value: 'pdf', location: 'body' })]));
    const { recipient: _r, ...noRecipient } = base;
    const missing = await post(issuer, org, '/v1/credentials', noRecipient);
    expect(missing.status).toBe(400);
    expect(missing.body.details.map((d: any) => d.param)).toContain('recipient');
    const tooMany = await post(issuer, org, '/v1/credentials', { ...base, claims: Array.from({ length: 201 }, (_, i) => ({ name: `c${i}`, value: 'v' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details[0].param).toBe('claims');
    const tooLong = await post(issuer, org, '/v1/credentials', { ...base, claims: [{ name: 'c', value: 'x'.repeat(5000) }] });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.details[0].param).toBe('claims.0.value');
    const malformed = await post(issuer, org, '/v1/credentials', '{"schemaId":');
    expect(malformed.status).toBe(400);
    const unknownField = await post(issuer, org, '/v1/credentials', { ...base, colour: 'red' });
    expect(unknownField.status).toBe(400);
    const illegal = await post(issuer, org, `/v1/credentials/${issued.credentialId}/revoke`, {});
    expect(illegal.status).toBe(409);
    expect(illegal.body.message).toMatch(/cannot revoke credential .*: it is OFFERED/);
    const otherTenant = await post(issuer, newOrgId(), `/v1/credentials/${issued.credentialId}/revoke`, {});
    expect(otherTenant.status).toBe(404);
    const noToken = await fetch(`${issuer.url}/v1/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
    expect(await storedCount('issuer', org)).toBe(before);
  });

  it('concurrent commands on one aggregate: one wins, the other gets 409, the stream has no gap or duplicate', async () => {
    const org = newOrgId();
    const issued = await schemaAndOffer(org, { type: 'email', identifier: 'ada@example.com' });
    const id = issued.credentialId;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post(issuer, org, `/v1/credentials/${id}/${i % 2 ? 'accept' : 'reject'}`, {})),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    const versions: { version: number }[] = await ds.query(`SELECT version FROM issuer.events WHERE stream_id = $1 ORDER BY version`, [id]);
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('outbox relay killed between publishing and marking sent: after restart every event is on Kafka at least once, none missing', async () => {
    const org = newOrgId();
    const env = { CEP_FAILPOINTS: 'outbox.after-publish@1', WALLET_POLICY_ENABLED: 'false', OFFER_EXPIRY_SCAN_INTERVAL_MS: '0' };
    // The running issuer would publish the rows too: stop it so the crashing process is the only relay, once the
    // outbox is drained (so the failpoint fires on this test's rows).
    await expectEventually(async () => expect(Number((await ds.query(`SELECT count(*)::int AS n FROM issuer.outbox WHERE published_at IS NULL`))[0].n)).toBe(0));
    await issuer.kill('SIGTERM');
    const crashing = await startApp('issuer', { port: PORTS.issuerKill, env, waitReady: false });
    // Write rows directly through the event store of a command while the relay is crashing: use the HTTP API of
    // the crashing app until it dies; whatever it accepted is committed (event store + outbox in one tx).
    await expectEventually(async () => {
      const r = await fetch(`${crashing.url}/health/live`).catch(() => undefined);
      expect(r?.status).toBe(200);
    });
    for (let i = 0; i < 5; i++) {
      await post(crashing, org, '/v1/keys', { name: `k${i}`, keyType: 'EDDSA', storageType: 'INTERNAL' }).catch(() => undefined);
    }
    expect(await crashing.kill('SIGKILL').then(() => crashing.proc.signalCode)).toBe('SIGKILL');
    const stored: { event_id: string }[] = await ds.query(`SELECT event_id FROM issuer.events WHERE organisation_id = $1`, [org]);
    // Whatever the crashing app committed (the response may have been lost in the crash): key.created + session.key each.
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(stored.length % 2).toBe(0);
    const unpublished = Number((await ds.query(`SELECT count(*)::int AS n FROM issuer.outbox WHERE published_at IS NULL AND event_id = ANY($1::uuid[])`, [stored.map((s) => s.event_id)]))[0].n);
    expect(unpublished).toBeGreaterThan(0); // the crash left published-but-unmarked rows
    issuer = await startApp('issuer', { port: PORTS.issuer, env: { WALLET_POLICY_GROUP_ID: uniqueName('int-issuer-policy') } });
    apps.push(issuer);
    await expectEventually(() => {
      const ids = new Set(ofOrg(org).map((e) => e.id));
      for (const s of stored) expect(ids.has(s.event_id)).toBe(true);
    });
    await expectEventually(async () => {
      const n = Number((await ds.query(`SELECT count(*)::int AS n FROM issuer.outbox WHERE published_at IS NULL AND event_id = ANY($1::uuid[])`, [stored.map((s) => s.event_id)]))[0].n);
      expect(n).toBe(0);
    });
  });

  it('every event the producer apps emitted in this suite is valid under the committed JSON Schemas (contracts/schemas)', () => {
    const schemas = new CommittedEventSchemas();
    const types = new Set(emitted.map((e) => e.type));
    expect(types.size).toBeGreaterThan(10); // the tests above drove the issuer, verifier and wallet through many types
    expect(emitted.flatMap((e) => schemas.problems(e))).toEqual([]);
  });
});
