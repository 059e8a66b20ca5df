import { randomBytes, randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { TOPICS } from '@cep/contracts';
import { DEV_JWT_SECRET } from '@cep/platform';
import { expectEventually, moveCheckpointsToEnd, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

/**
 * Offers and claims (docs/security.md "Offers and claims"), with every moving part real: issuer and wallet processes over HTTP, their event
 * stores and outboxes, Kafka, the issuer's WalletClaimPolicy, and the activity, history, report and event-log
 * projector processes writing PostgreSQL.
 *
 * Attackers (other tenants) send forged offers and claims naming the victim's organisation and credentials: a
 * guessed activityId, a fabricated code, the code of another credential, the right code with a wrong tx code, the
 * right code under another organisation, an expired code, a reused code. Every read model row of the victim, and
 * its event store, is compared before and after: nothing changes. The honest flow still builds the chains
 * (CREATED → CLAIMED for email, DELIVERED → CLAIMED for a profile), at the holder's claim time.
 */
const PORTS = { issuer: 4860, wallet: 4861, activity: 4862, history: 4863, reports: 4864, eventLog: 4865 };
const PROJECTIONS: Record<string, string[]> = {
  'activity@2': [TOPICS.credentials],
  'history@1': [TOPICS.credentials, TOPICS.proofs, TOPICS.identity, TOPICS.bridge, TOPICS.wallet, TOPICS.sessions],
  'reports@1': [TOPICS.credentials],
  'event-log@1': [TOPICS.sessions],
};
/** Every table holding a tenant's rows that a claim could reach: the read models and the issuer's event store. */
const VICTIM_TABLES = [
  'activity.records',
  'activity.activities',
  'activity.stats_counters',
  'activity.ttc_histogram',
  'history.entries',
  'history.entities',
  'history.counts',
  'history.related_counts',
  'reports.daily_counts',
  'event_log.events',
  'issuer.events',
];

interface Issued {
  credentialId: string;
  activityId: string;
  offer: Record<string, unknown> & { preAuthorizedCode: string };
  txCode?: string;
}

describe('offers and claims: a wallet claim must prove the offer (OpenID4VCI pre-authorized code)', () => {
  const apps: AppHandle[] = [];
  let issuer: AppHandle;
  let wallet: AppHandle;
  let ds: DataSource;
  const kafka = testKafka('offer-claims-int');

  /** When this file began (database clock): its outbox rows are the ones written after it. */
  let since: Date;

  beforeAll(async () => {
    ds = await testDataSource();
    [{ since }] = await ds.query(`SELECT now() AS since`);
    await skipBacklog();
    [issuer, wallet] = await Promise.all([
      startApp('issuer', { port: PORTS.issuer, env: { WALLET_POLICY_GROUP_ID: uniqueName('int-offer-claims-policy'), OFFER_EXPIRY_SCAN_INTERVAL_MS: '0' } }),
      startApp('wallet', { port: PORTS.wallet }),
      startApp('activity-projector', { port: PORTS.activity, env: { KAFKA_GROUP_ID: uniqueName('int-offer-claims-activity') } }).then((a) => (apps.push(a), a)),
      startApp('history-projector', { port: PORTS.history, env: { KAFKA_GROUP_ID: uniqueName('int-offer-claims-history') } }).then((a) => (apps.push(a), a)),
      startApp('report-projector', { port: PORTS.reports, env: { KAFKA_GROUP_ID: uniqueName('int-offer-claims-reports') } }).then((a) => (apps.push(a), a)),
      startApp('event-log-projector', { port: PORTS.eventLog, env: { KAFKA_GROUP_ID: uniqueName('int-offer-claims-event-log') } }).then((a) => (apps.push(a), a)),
    ]);
    apps.push(issuer, wallet);
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await ds?.destroy();
  });

  /** The topics are shared by the whole run: every projection starts at their current ends. */
  async function skipBacklog(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const [projection, topics] of Object.entries(PROJECTIONS)) await moveCheckpointsToEnd(ds, admin, projection, topics);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Waits until the producers' relays have published every event this file wrote to their outboxes (an HTTP command
   * answers once its events are in the outbox, not on Kafka), then until every projection has applied everything
   * published so far on its topics.
   */
  async function projected(): Promise<void> {
    await expectEventually(async () => {
      for (const schema of ['issuer', 'wallet']) {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM ${schema}.outbox WHERE published_at IS NULL AND created_at >= $1`, [since]);
        expect({ schema, unpublished: n }).toEqual({ schema, unpublished: 0 });
      }
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = new Map<string, { partition: number; high: string }[]>();
      for (const t of new Set(Object.values(PROJECTIONS).flat())) ends.set(t, await admin.fetchTopicOffsets(t));
      await expectEventually(
        async () => {
          for (const [projection, topics] of Object.entries(PROJECTIONS)) {
            for (const t of topics) {
              const rows: { partition: number; next_offset: string }[] = await ds.query(
                `SELECT partition, next_offset FROM projection.checkpoints WHERE projection = $1 AND topic = $2`,
                [projection, t],
              );
              for (const e of ends.get(t)!) {
                const cp = rows.find((r) => r.partition === e.partition);
                expect({ projection, t, p: e.partition, behind: BigInt(cp?.next_offset ?? 0) < BigInt(e.high) }).toEqual({ projection, t, p: e.partition, behind: false });
              }
            }
          }
        },
        { timeoutMs: 90000, intervalMs: 300 },
      );
    } finally {
      await admin.disconnect();
    }
  }

  async function call(app: AppHandle, org: string, path: string, body: unknown, subject = 'admin') {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write', subject });
    const r = await fetch(`${app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  }

  /** Every row of the victim in every table, as a count and a digest. */
  async function snapshot(org: string): Promise<Record<string, { n: number; h: string }>> {
    const out: Record<string, { n: number; h: string }> = {};
    for (const t of VICTIM_TABLES) {
      const [r] = await ds.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x WHERE organisation_id = $1`, [org]);
      out[t] = r;
    }
    return out;
  }

  const codeRow = async (org: string, credentialId: string) =>
    (await ds.query(`SELECT consumed_at, tx_failures, last_refusal FROM issuer.offer_codes WHERE organisation_id = $1 AND credential_id = $2`, [org, credentialId]))[0] as
      | { consumed_at: Date | null; tx_failures: number; last_refusal: string | null }
      | undefined;
  const issuerEvents = async (org: string, credentialId: string) =>
    ((await ds.query(`SELECT event_type FROM issuer.events WHERE organisation_id = $1 AND stream_id = $2 ORDER BY version`, [org, credentialId])) as { event_type: string }[])
      .map((r) => r.event_type)
      .filter((t) => t.startsWith('credential.'));
  const chain = async (org: string, activityId: string) =>
    ((await ds.query(`SELECT event_type, ts, actor_profile_id FROM activity.records WHERE organisation_id = $1 AND activity_id = $2 ORDER BY ts, id`, [org, activityId])) as {
      event_type: string;
      ts: Date;
      actor_profile_id: string;
    }[]);
  const fakeCode = () => randomBytes(32).toString('base64url');

  it('forged offers and claims change nothing of the victim; the honest flow builds the chains at the holder\'s claim time', async () => {
    const victim = newOrgId();
    const schema = await call(issuer, victim, '/v1/credential-schemas', { name: 'Course', profile: 'jwt-vc', credentialType: 'OpenBadgeCredential', claimNames: ['name'] });
    expect(schema.status).toBe(201);
    const issue = async (org: string, recipient: { type: string; identifier: string }): Promise<Issued> => {
      const r = await call(issuer, org, '/v1/credentials', {
        schemaId: org === victim ? schema.body.id : randomUUID(),
        schemaName: 'Course',
        profile: 'jwt-vc',
        credentialType: 'OpenBadgeCredential',
        claims: [{ name: 'name', value: 'Ada' }],
        issuerDid: { id: randomUUID(), did: 'did:web:issuer.example' },
        recipient,
        boostUri: 'lc:network:example.com/boosts/course-101',
      });
      expect(r.status).toBe(201);
      return r.body as Issued;
    };
    const a = await issue(victim, { type: 'email', identifier: 'ada@example.com' });
    const b = await issue(victim, { type: 'email', identifier: 'bob@example.com' });
    const c = await issue(victim, { type: 'profile', identifier: 'did:web:carol.example' });
    const e = await issue(victim, { type: 'phone', identifier: '+15550001111' });
    // the response: a high-entropy code in the offer, a tx code for email/phone only; the issuer keeps hashes only
    expect(a.offer.preAuthorizedCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.txCode).toMatch(/^[0-9]{6}$/);
    expect(c.txCode).toBeUndefined();
    expect(a.offer.preAuthorizedCode).not.toBe(b.offer.preAuthorizedCode);
    const stored = await ds.query(`SELECT encode(code_hash, 'hex') AS h FROM issuer.offer_codes WHERE organisation_id = $1`, [victim]);
    expect(stored).toHaveLength(4);
    expect(JSON.stringify(stored)).not.toContain(a.offer.preAuthorizedCode);

    await projected();
    const before = await snapshot(victim);
    expect(before['activity.records'].n).toBe(4); // 3 CREATED + 1 DELIVERED
    expect(before['history.entries'].n).toBeGreaterThan(0);

    // ---- forged: every attempt from its own attacker tenant (each is a new wallet stream there)
    const attacker = () => newOrgId();
    const claim = (id: string, body: unknown) => call(wallet, attacker(), `/v1/wallet/credentials/${id}/claim`, body, 'mallory');
    // 1. a fabricated profile offer naming the victim, a guessed activityId and a made-up code: received and claimed
    const forgedOffer = { ...c.offer, activityId: randomUUID(), preAuthorizedCode: fakeCode() };
    const w1 = attacker();
    expect((await call(wallet, w1, '/v1/wallet/credentials', forgedOffer, 'mallory')).status).toBe(201);
    expect((await call(wallet, w1, `/v1/wallet/credentials/${c.credentialId}/claim`, {}, 'mallory')).status).toBe(200);
    // 2. claim the victim's credential A with a fabricated offer (guessed activityId) and a made-up code
    expect((await claim(a.credentialId, { offer: { ...a.offer, activityId: randomUUID(), preAuthorizedCode: fakeCode() }, txCode: '000000' })).status).toBe(200);
    // 3. the code (and tx code) of another credential (B) for A
    expect((await claim(a.credentialId, { offer: { ...a.offer, preAuthorizedCode: b.offer.preAuthorizedCode }, txCode: b.txCode })).status).toBe(200);
    // 4. A's forwarded link (its code) with a wrong tx code
    const wrongTx = a.txCode === '999999' ? '999998' : '999999';
    expect((await claim(a.credentialId, { offer: a.offer, txCode: wrongTx })).status).toBe(200);
    // 5. A's right codes, but naming another organisation as the issuer
    expect((await claim(a.credentialId, { offer: { ...a.offer, issuerOrganisationId: newOrgId() }, txCode: a.txCode })).status).toBe(200);
    // 6. the attacker's own credential, claimed with its own valid code, naming the victim as the issuer
    const own = attacker();
    const x = await issue(own, { type: 'email', identifier: 'mallory@example.com' });
    expect((await claim(x.credentialId, { offer: { ...x.offer, issuerOrganisationId: victim }, txCode: x.txCode })).status).toBe(200);
    // 7. reject B with a made-up code
    expect((await call(wallet, attacker(), `/v1/wallet/credentials/${b.credentialId}/reject`, { offer: { ...b.offer, preAuthorizedCode: fakeCode() }, reason: 'x' })).status).toBe(200);
    // 8. E's right codes after the offer's code expired (its expiry moved to the past)
    await ds.query(`UPDATE issuer.offer_codes SET expires_at = now() - interval '1 minute' WHERE organisation_id = $1 AND credential_id = $2`, [victim, e.credentialId]);
    expect((await claim(e.credentialId, { offer: e.offer, txCode: e.txCode })).status).toBe(200);
    // 9. no code at all: the wallet refuses it itself (400 naming the field), nothing appended
    const noCode = await claim(a.credentialId, { offer: { ...a.offer, preAuthorizedCode: undefined } });
    expect(noCode.status).toBe(400);
    expect(noCode.body).toMatchObject({ code: expect.any(String), details: [expect.objectContaining({ param: 'preAuthorizedCode' })] });
    // 10. sentinel behind A's attempts (same partition, key = credentialId): one more wrong code
    expect((await claim(a.credentialId, { offer: { ...a.offer, preAuthorizedCode: fakeCode() } })).status).toBe(200);

    // the issuer's policy refused every one (recorded on the code rows, nothing appended)
    await expectEventually(
      async () => {
        expect(await codeRow(victim, a.credentialId)).toMatchObject({ consumed_at: null, tx_failures: 1, last_refusal: 'wrong_code' });
        expect(await codeRow(victim, b.credentialId)).toMatchObject({ consumed_at: null, last_refusal: 'wrong_code' });
        expect(await codeRow(victim, c.credentialId)).toMatchObject({ consumed_at: null, last_refusal: 'wrong_code' });
        expect(await codeRow(victim, e.credentialId)).toMatchObject({ consumed_at: null, last_refusal: 'code_expired' });
      },
      { timeoutMs: 90000, intervalMs: 500 },
    );
    expect(await codeRow(own, x.credentialId)).toMatchObject({ consumed_at: null, last_refusal: null }); // looked up under the victim: not found
    await projected();
    expect(await snapshot(victim)).toEqual(before);
    for (const i of [a, b, c, e]) expect(await issuerEvents(victim, i.credentialId)).toEqual(['credential.created', 'credential.pending', 'credential.offered']);

    // ---- honest: the holders claim A (link + tx code) and C (received in their wallet), reject B
    const holder = newOrgId();
    expect((await call(wallet, holder, `/v1/wallet/credentials/${a.credentialId}/claim`, { offer: a.offer, txCode: a.txCode }, 'ada')).status).toBe(200);
    expect((await call(wallet, holder, '/v1/wallet/credentials', c.offer, 'carol')).status).toBe(201);
    expect((await call(wallet, holder, `/v1/wallet/credentials/${c.credentialId}/claim`, {}, 'carol')).status).toBe(200);
    expect((await call(wallet, holder, `/v1/wallet/credentials/${b.credentialId}/reject`, { offer: b.offer, txCode: b.txCode, reason: 'not mine' }, 'bob')).status).toBe(200);
    await expectEventually(
      async () => {
        expect(await issuerEvents(victim, a.credentialId)).toEqual(['credential.created', 'credential.pending', 'credential.offered', 'credential.accepted']);
        expect(await issuerEvents(victim, c.credentialId)).toEqual(['credential.created', 'credential.pending', 'credential.offered', 'credential.accepted']);
        expect(await issuerEvents(victim, b.credentialId)).toEqual(['credential.created', 'credential.pending', 'credential.offered', 'credential.rejected']);
      },
      { timeoutMs: 90000, intervalMs: 500 },
    );
    await projected();
    expect((await chain(victim, a.activityId)).map((r) => r.event_type)).toEqual(['CREATED', 'CLAIMED']);
    expect((await chain(victim, c.activityId)).map((r) => r.event_type)).toEqual(['DELIVERED', 'CLAIMED']);
    expect((await chain(victim, b.activityId)).map((r) => r.event_type)).toEqual(['CREATED']);
    expect((await chain(victim, e.activityId)).map((r) => r.event_type)).toEqual(['CREATED']);
    // CLAIMED is the holder's action at the holder's claim time (the wallet's event), not the policy's
    const [walletClaim] = await ds.query(
      `SELECT envelope->>'time' AS time FROM wallet.events WHERE organisation_id = $1 AND stream_id = $2 AND event_type = 'wallet.credential-claimed'`,
      [holder, a.credentialId],
    );
    const claimed = (await chain(victim, a.activityId))[1];
    expect(claimed.ts.toISOString()).toBe(new Date(walletClaim.time).toISOString());
    expect(claimed.actor_profile_id).toBe('ada');
    const [stats] = await ds.query(
      `SELECT sum(total)::int AS total, sum(created)::int AS created, sum(delivered)::int AS delivered, sum(claimed)::int AS claimed, sum(ttc_count)::int AS ttc
         FROM activity.stats_counters WHERE organisation_id = $1 AND grain = 0`,
      [victim],
    );
    expect(stats).toEqual({ total: 4, created: 2, delivered: 0, claimed: 2, ttc: 2 });
    // every victim row is the issuer's own: no record of the attackers' or the holder's tenant events
    expect(await ds.query(`SELECT count(*)::int AS n FROM activity.records WHERE organisation_id = $1`, [victim])).toEqual([{ n: 6 }]);

    // ---- reuse: A's code leaks after the claim; a replay is refused and changes nothing
    const settled = await snapshot(victim);
    expect((await claim(a.credentialId, { offer: a.offer, txCode: a.txCode })).status).toBe(200);
    await expectEventually(async () => expect(await codeRow(victim, a.credentialId)).toMatchObject({ last_refusal: 'code_used' }), { timeoutMs: 60000, intervalMs: 500 });
    await projected();
    expect(await snapshot(victim)).toEqual(settled);

    // the codes never travel in an event (only their hashes): nothing in any producer store, hence nothing on Kafka
    for (const code of [a.offer.preAuthorizedCode, b.offer.preAuthorizedCode, c.offer.preAuthorizedCode, e.offer.preAuthorizedCode]) {
      for (const s of ['issuer', 'wallet']) {
        expect(await ds.query(`SELECT count(*)::int AS n FROM ${s}.events WHERE strpos(envelope::text, $1) > 0`, [code])).toEqual([{ n: 0 }]);
      }
    }
  });
});
