import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import { deadLetterTopic, TOPICS } from '@cep/contracts';
import { EventStore } from '@cep/event-store';
import { ensureTopics } from '@cep/messaging';
import { DEV_JWT_SECRET, FixedClock, loadConfig } from '@cep/platform';
import { AggregateStore } from '@cep/producer-sdk';
import { expectEventually, moveCheckpointsToEnd, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';
import { OfferExpiryScheduler } from '../credentials/offer-expiry.scheduler';
import { IssuerConfig } from '../issuer.config';

/**
 * Activity chains from the REAL producer flows: the issuer and wallet apps over HTTP → their event stores and
 * outboxes → relay → Kafka → the activity-projector process → PostgreSQL → the gateway process over HTTP.
 * The offer expiry runs the issuer's own `OfferExpiryScheduler` in-process against the same database, wired
 * like the issuer wires it (DataSource, `EventStore('issuer')`, AggregateStore; the running issuer app's
 * outbox relay publishes what it appends), with an injected `FixedClock` past the offer's expiry.
 */
const PORTS = { issuer: 4800, wallet: 4801, projector: 4802, gateway: 4803 };
const DAY_MS = 86_400_000;

describe('activity chains from the producer apps (issuer + wallet → Kafka → activity-projector → gateway)', () => {
  const apps: AppHandle[] = [];
  let issuer: AppHandle;
  let wallet: AppHandle;
  let gateway: AppHandle;
  let ds: DataSource;
  const kafka = testKafka('activity-producers-int');

  beforeAll(async () => {
    ds = await testDataSource();
    const group = uniqueName('int-activity-producers');
    await ensureTopics(kafka, [{ topic: deadLetterTopic(group), numPartitions: 1 }]);
    await skipBacklog(ds);
    let projector: AppHandle;
    [issuer, wallet, projector, gateway] = await Promise.all([
      // The app's own scheduler is off: the in-process one with the injected clock is the only one.
      startApp('issuer', { port: PORTS.issuer, env: { WALLET_POLICY_GROUP_ID: uniqueName('int-activity-policy'), OFFER_EXPIRY_SCAN_INTERVAL_MS: '0' } }),
      startApp('wallet', { port: PORTS.wallet }),
      startApp('activity-projector', { port: PORTS.projector, env: { KAFKA_GROUP_ID: group } }),
      startApp('gateway', { port: PORTS.gateway }),
    ]);
    apps.push(issuer, wallet, projector, gateway);
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
    await ds?.destroy();
  });

  /**
   * The topics are shared by every test of the run: start the activity projection at their current ends
   * (the runner seeks to its stored checkpoints) instead of replaying the whole run's backlog.
   */
  async function skipBacklog(db: DataSource): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await moveCheckpointsToEnd(db, admin, 'activity@2', [TOPICS.credentials, TOPICS.wallet]);
    } finally {
      await admin.disconnect();
    }
  }

  async function call(app: AppHandle, org: string, path: string, body?: unknown, scope = 'events:write') {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope, subject: 'issuer-admin' });
    const r = await fetch(`${app.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  }
  const activity = (org: string, path: string) => call(gateway, org, `/v1/activity/credentials${path}`, undefined, 'activity:read');
  const chainOf = async (org: string, activityId: string) => {
    const r = await activity(org, `/${activityId}/chain`);
    return r.status === 200 ? (r.body as any[]) : [];
  };

  it('sends, deliveries, wallet claims, a delivery failure and a scheduled expiry become the seed chains; the scheduler expires once', async () => {
    const org = newOrgId();
    const walletOrg = newOrgId();
    const template = 'lc:network:example.com/boosts/course-101';
    const schema = await call(issuer, org, '/v1/credential-schemas', { name: 'Course', profile: 'jwt-vc', credentialType: 'OpenBadgeCredential', claimNames: ['name'] });
    expect(schema.status).toBe(201);
    const issue = async (recipient: { type: string; identifier: string }, extra: Record<string, unknown> = {}) => {
      const r = await call(issuer, org, '/v1/credentials', {
        schemaId: schema.body.id,
        profile: 'jwt-vc',
        credentialType: 'OpenBadgeCredential',
        claims: [{ name: 'name', value: 'Ada' }],
        issuerDid: { id: randomUUID(), did: 'did:web:issuer.example', name: 'Academy' },
        recipient,
        boostUri: template,
        integrationId: 'lms-1',
        ...extra,
      });
      expect(r.status).toBe(201);
      return r.body as { credentialId: string; activityId: string; offer: Record<string, unknown>; offerExpiresAt: string; txCode?: string };
    };
    const ada = { type: 'email', identifier: 'ada@example.com' };
    // the same template twice, to the same recipient twice → two issuances
    const a1 = await issue(ada);
    const a2 = await issue(ada);
    const phone = await issue({ type: 'phone', identifier: '+15550001111' });
    const profile = await issue({ type: 'profile', identifier: 'did:web:grace.example' }, { source: 'sendCredential' });
    const failing = await issue({ type: 'email', identifier: 'bounce@example.com' });
    const expiring = await issue({ type: 'email', identifier: 'late@example.com' }, { offerExpiresInDays: 1 });
    expect(a1.activityId).not.toBe(a2.activityId);

    // profile: the issuer delivers the offer to the holder's wallet (DELIVERED); the wallet receives it (keeping
    // the pre-authorized code's hash) and the holder claims it: the issuer verifies the code (CLAIMED)
    expect((await call(wallet, walletOrg, '/v1/wallet/credentials', profile.offer)).status).toBe(201);
    expect((await call(wallet, walletOrg, `/v1/wallet/credentials/${profile.credentialId}/claim`, {})).status).toBe(200);
    // email: the holder claims from the link, with the offer (its pre-authorized code) and the tx code sent out of
    // band; the issuer's credential.accepted joins the send's chain as CLAIMED
    expect((await call(wallet, walletOrg, `/v1/wallet/credentials/${a1.credentialId}/claim`, { offer: a1.offer, txCode: a1.txCode })).status).toBe(200);
    // the delivery channel reports a bounce (credential.delivery-failed → FAILED with metadata.error)
    expect((await call(issuer, org, `/v1/credentials/${failing.credentialId}/delivery-failure`, { error: 'mailbox unavailable (550)' })).status).toBe(200);

    // the offer expiry: the issuer's scheduler in-process, clock 2 days ahead (past the 1-day offer only);
    // two instances at once, then a third run: one credential.offer-expired in total
    const cfg = loadConfig(IssuerConfig, process.env);
    const clock = new FixedClock(new Date(Date.now() + 2 * DAY_MS));
    const store = new AggregateStore(new EventStore(ds, 'issuer'), ds, clock);
    const schedulers = [0, 1].map(() => new OfferExpiryScheduler(ds, store, clock, cfg));
    const runs = await Promise.all(schedulers.map((s) => s.runOnce()));
    expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await schedulers[0].runOnce()).toBe(0);
    const stored = async (credentialId: string, type: string) =>
      Number((await ds.query(`SELECT count(*)::int AS n FROM issuer.events WHERE stream_id = $1 AND event_type = $2`, [credentialId, type]))[0].n);
    expect(await stored(expiring.credentialId, 'credential.offer-expired')).toBe(1);
    for (const c of [a2, phone, failing]) expect(await stored(c.credentialId, 'credential.offer-expired')).toBe(0);

    // every chain, through Kafka, the issuer's claim policy (a consumer that needs ~20 s to join its group), the
    // projector and the gateway
    const types = async (i: { activityId: string }) => (await chainOf(org, i.activityId)).map((r) => r.eventType);
    await expectEventually(
      async () => {
        expect(await types(a1)).toEqual(['CREATED', 'CLAIMED']);
        expect(await types(a2)).toEqual(['CREATED']);
        expect(await types(phone)).toEqual(['CREATED']);
        expect(await types(profile)).toEqual(['DELIVERED', 'CLAIMED']);
        expect(await types(failing)).toEqual(['CREATED', 'FAILED']);
        expect(await types(expiring)).toEqual(['CREATED', 'EXPIRED']);
      },
      { timeoutMs: 120000, intervalMs: 250 },
    );
    const [sent, claimed] = await chainOf(org, a1.activityId);
    expect(sent).toMatchObject({ eventType: 'CREATED', recipientType: 'email', recipientIdentifier: 'ada@example.com', boostUri: template, integrationId: 'lms-1', source: 'send' });
    expect(claimed).toMatchObject({ eventType: 'CLAIMED', activityId: a1.activityId, recipientIdentifier: 'ada@example.com', boostUri: template });
    expect((await chainOf(org, profile.activityId))[0]).toMatchObject({ recipientType: 'profile', source: 'sendCredential' });
    const failed = (await chainOf(org, failing.activityId))[1];
    expect(failed.metadata).toMatchObject({ credentialId: failing.credentialId, error: 'mailbox unavailable (550)' });
    const expired = (await chainOf(org, expiring.activityId))[1];
    expect(Date.parse(expired.timestamp)).toBe(clock.now().getTime()); // the injected clock's time
    expect((await activity(org, `/${expiring.activityId}`)).body).toMatchObject({ eventType: 'EXPIRED' });
    // the wallet's tenant does not see the issuer's activity
    expect((await activity(walletOrg, `/${a1.activityId}`)).status).toBe(404);

    const stats = await activity(org, '/stats');
    expect(stats.body).toMatchObject({ total: 6, totalEvents: 10, created: 2, delivered: 0, claimed: 2, expired: 1, failed: 1, claimRate: 50 });
    expect(stats.body.timeToClaim.count).toBe(2);

    // the CLAIMED records are the issuer's credential.accepted, one each, caused by the wallet's claim
    expect(await stored(profile.credentialId, 'credential.accepted')).toBe(1);
    expect(await stored(a1.credentialId, 'credential.accepted')).toBe(1);
    // a later scan (the offers are no longer OFFERED or not yet due) changes nothing
    expect(await schedulers[1].runOnce()).toBe(0);
    expect(await types(profile)).toEqual(['DELIVERED', 'CLAIMED']);
    expect((await chainOf(org, expiring.activityId)).filter((r) => r.eventType === 'EXPIRED')).toHaveLength(1);
  });
});
