import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import { signDevToken } from '@cep/auth';
import {
  buildEvent,
  CredentialAccepted,
  CredentialDeliveryFailed,
  CredentialOffered,
  CredentialOfferExpired,
  newEventId,
  deadLetterTopic,
  TOPICS,
  WalletCredentialReceived,
  type CredentialStateChangedData,
  type EventEnvelope,
  type IssuanceSource,
} from '@cep/contracts';
import { activityProjection, ActivityQueryService } from '@cep/activity';
import { ensureTopics, EventPublisher } from '@cep/messaging';
import { DEV_JWT_SECRET } from '@cep/platform';
import { expectEventually, moveCheckpointsToEnd, newOrgId, startApp, testDataSource, testKafka, uniqueName, type AppHandle } from '@cep/testing';

/**
 * Activity chains and stats with every moving part real: contract-valid events (built with `buildEvent`, the
 * same builder the producers use) published to the real Kafka topics (cep.credentials.v1 / cep.wallet.v1),
 * the real activity-projector process, PostgreSQL, and the real gateway process over HTTP.
 * (The issuer's expiry scheduler and the wallet app were not available when this was written, so their
 * events are published here with the exact contract types they emit: a verified claim is the issuer's
 * `credential.accepted`; the wallet's own `wallet.credential-received` is published too, in the wallet's tenant,
 * and must not change the issuer's activity.)
 */

type Kind = 'offered' | 'received' | 'claimed' | 'expired' | 'failed';
type RecipientType = 'email' | 'phone' | 'profile';

interface Issuance {
  org: string;
  activityId: string;
  credentialId: string;
  recipient: { type: RecipientType; identifier: string };
  boostUri?: string;
  integrationId?: string;
  source?: IssuanceSource;
}

const WALLET_ORG = 'wallet-tenant';
const DEFS = {
  offered: CredentialOffered,
  received: WalletCredentialReceived,
  claimed: CredentialAccepted,
  expired: CredentialOfferExpired,
  failed: CredentialDeliveryFailed,
} as const;

function issuance(org: string, recipient: Issuance['recipient'], extra: Partial<Issuance> = {}): Issuance {
  return { org, activityId: newEventId(), credentialId: randomUUID(), recipient, boostUri: 'boost:default', ...extra };
}

/** One contract-valid event of an issuance's lifecycle. */
function ev(i: Issuance, kind: Kind, time: Date, extra: Partial<CredentialStateChangedData> = {}, id?: string): EventEnvelope {
  const data: CredentialStateChangedData & { issuerOrganisationId?: string } = {
    credentialId: i.credentialId,
    name: 'Course badge',
    schemaId: '0b9c2a57-4f0e-4c55-9e39-6cfa0a0a0a0a',
    schemaName: 'Course badge',
    profile: 'jwt-vc',
    credentialType: 'OpenBadgeCredential',
    issuerDid: { id: '5f0f3b2e-8f4a-4c1e-9a57-2b7c9d1e0f11', did: 'did:web:issuer.example' },
    holderDid: i.recipient.type === 'profile' ? { id: randomUUID(), did: i.recipient.identifier } : undefined,
    activityId: i.activityId,
    actorProfileId: kind === 'claimed' ? `holder:${i.recipient.identifier}` : 'issuer-admin',
    recipient: i.recipient,
    boostUri: i.boostUri,
    integrationId: i.integrationId,
    source: kind === 'claimed' ? (i.recipient.type === 'profile' ? 'claim' : 'inbox') : (i.source ?? 'send'),
    ...(i.recipient.type === 'profile' ? { credentialUri: `uri:cred:${i.credentialId}` } : { inboxCredentialId: `inbox-${i.credentialId}` }),
    ...extra,
  };
  const wallet = kind === 'received';
  if (wallet) data.issuerOrganisationId = i.org;
  if (data.holderDid === undefined) delete data.holderDid;
  return buildEvent(DEFS[kind] as typeof CredentialOffered, data, {
    organisationId: wallet ? WALLET_ORG : i.org,
    correlationId: randomUUID(),
    source: wallet ? 'urn:cep:wallet' : 'urn:cep:issuer',
    time,
    id,
  });
}

/** Sets the activity projection's checkpoints to the current end of its topics (never moves them back). */
async function skipBacklog(ds: DataSource, kafka: ReturnType<typeof testKafka>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await moveCheckpointsToEnd(ds, admin, 'activity@2', [TOPICS.credentials, TOPICS.wallet]);
  } finally {
    await admin.disconnect();
  }
}

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60000);

describe('activity chains and stats (integration: Kafka → activity-projector → PostgreSQL → gateway)', () => {
  let projector: AppHandle;
  let gateway: AppHandle;
  let publisher: EventPublisher;
  let ds: DataSource;
  const kafka = testKafka('activity-int');

  beforeAll(async () => {
    ds = await testDataSource();
    publisher = new EventPublisher(kafka);
    await publisher.connect();
    const group = uniqueName('int-activity');
    await ensureTopics(kafka, [{ topic: deadLetterTopic(group), numPartitions: 1 }]);
    // The topics are shared by every test of the run: start the projection at their current ends (the runner
    // seeks to its stored checkpoints) instead of replaying everything other tests published. Every event of
    // this file is published after this point.
    await skipBacklog(ds, kafka);
    [projector, gateway] = await Promise.all([
      startApp('activity-projector', { port: 4510, env: { KAFKA_GROUP_ID: group } }),
      startApp('gateway', { port: 4511 }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([projector?.kill('SIGTERM'), gateway?.kill('SIGTERM')]);
    await publisher?.disconnect();
    await ds?.destroy();
  });

  async function token(org: string, scope = 'activity:read'): Promise<string> {
    return signDevToken({ secret: DEV_JWT_SECRET, org, scope });
  }

  async function get<T = any>(org: string, path: string): Promise<{ status: number; body: T }> {
    const r = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${await token(org)}` } });
    return { status: r.status, body: (await r.json()) as T };
  }

  /** Waits until the projector's checkpoints cover everything published so far on the projection's topics. */
  async function waitProjected(): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    const targets: { topic: string; partition: number; high: bigint }[] = [];
    try {
      for (const topic of activityProjection.topics) {
        for (const o of await admin.fetchTopicOffsets(topic)) targets.push({ topic, partition: o.partition, high: BigInt(o.high) });
      }
    } finally {
      await admin.disconnect();
    }
    await expectEventually(
      async () => {
        const rows: { topic: string; partition: number; next_offset: string }[] = await ds.query(
          `SELECT topic, partition, next_offset FROM projection.checkpoints WHERE projection = 'activity@2'`,
        );
        for (const t of targets) {
          const cp = rows.find((r) => r.topic === t.topic && r.partition === t.partition);
          expect(BigInt(cp?.next_offset ?? 0)).toBeGreaterThanOrEqual(t.high);
        }
      },
      { timeoutMs: 60000, intervalMs: 200 },
    );
  }

  /** The counters and histogram maintained by the projection's deltas equal a recomputation from the issuances. */
  async function expectCountersMatchScan(org: string): Promise<void> {
    const grains = `(VALUES (0::smallint, false, false), (1::smallint, true, false), (2::smallint, false, true), (3::smallint, true, true)) AS g(grain, by_boost, by_integration)`;
    const key = `a.organisation_id, g.grain, CASE WHEN g.by_boost THEN a.boost_uri END AS boost_uri, CASE WHEN g.by_integration THEN a.integration_id END AS integration_id,
      to_char((a.started_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day`;
    const scan = await ds.query(
      `SELECT ${key}, count(*)::int AS total, sum(a.event_count)::int AS events,
              count(*) FILTER (WHERE a.latest_event_type = 'CLAIMED')::int AS claimed,
              count(*) FILTER (WHERE a.latest_event_type = 'CREATED')::int AS created,
              count(*) FILTER (WHERE a.sent_at IS NOT NULL AND a.claimed_at IS NOT NULL)::int AS ttc_count
       FROM activity.activities a CROSS JOIN ${grains} WHERE a.organisation_id = $1 GROUP BY 1, 2, 3, 4, 5 ORDER BY 2, 3, 4, 5`,
      [org],
    );
    const counters = await ds.query(
      `SELECT organisation_id, grain, boost_uri, integration_id, to_char(day, 'YYYY-MM-DD') AS day, total::int, events::int, claimed::int,
              created::int, ttc_count::int
       FROM activity.stats_counters WHERE organisation_id = $1 AND total <> 0 ORDER BY 2, 3, 4, 5`,
      [org],
    );
    expect(counters).toEqual(scan);
    const hist = (sql: string) => ds.query(sql, [org]);
    const expected = await hist(
      `SELECT ${key}, activity.ttc_bucket(extract(epoch FROM a.claimed_at - a.sent_at) * 1000) AS bucket, count(*)::int AS n
       FROM activity.activities a CROSS JOIN ${grains} WHERE a.organisation_id = $1 AND a.sent_at IS NOT NULL AND a.claimed_at IS NOT NULL
       GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 2, 3, 4, 5, 6`,
    );
    const stored = (monthly: boolean) =>
      hist(
        `SELECT organisation_id, grain - ${monthly ? 4 : 0} AS grain, boost_uri, integration_id, to_char(day, 'YYYY-MM-DD') AS day, bucket, n::int
         FROM activity.ttc_histogram WHERE organisation_id = $1 AND n <> 0 AND grain ${monthly ? '>= 4' : '< 4'} ORDER BY 2, 3, 4, 5, 6`,
      );
    expect(await stored(false)).toEqual(expected);
    // monthly roll-ups = the daily rows summed per month
    const perMonth = new Map<string, any>();
    for (const r of expected) {
      const k = JSON.stringify([r.grain, r.boost_uri, r.integration_id, r.day.slice(0, 7), r.bucket]);
      const cur = perMonth.get(k);
      if (cur) cur.n += r.n;
      else perMonth.set(k, { ...r, day: `${r.day.slice(0, 7)}-01` });
    }
    const byKey = (xs: any[]) => xs.map((r) => JSON.stringify([r.grain, r.boost_uri, r.integration_id, r.day, r.bucket, r.n])).sort();
    expect(byKey(await stored(true))).toEqual(byKey([...perMonth.values()]));
  }

  it('reproduces the seed example: one activityId per issuance, claims join their chain, CREATED/DELIVERED/EXPIRED/FAILED', async () => {
    const org = newOrgId();
    const email = { type: 'email' as const, identifier: 'ada@example.com' };
    const sameTemplate = 'boost:course-101';
    const a1 = issuance(org, email, { boostUri: sameTemplate, integrationId: 'lms-1' });
    const a2 = issuance(org, { type: 'phone', identifier: '+15550001111' }, { boostUri: sameTemplate });
    const a3 = issuance(org, email, { boostUri: 'boost:other', source: 'sendBoost' }); // same recipient again
    const p1 = issuance(org, { type: 'profile', identifier: 'did:web:grace.example' }, { boostUri: sameTemplate, source: 'sendCredential' });
    const x1 = issuance(org, { type: 'email', identifier: 'late@example.com' });
    const f1 = issuance(org, { type: 'email', identifier: 'bounce@example.com' });
    await publisher.publish([
      // The claim of a1 is published before its send (different topics): it must be kept and reconciled.
      ev(a1, 'claimed', at(5)),
      ev(a1, 'offered', at(0)),
      ev(a2, 'offered', at(1)),
      ev(a3, 'offered', at(2)),
      ev(p1, 'offered', at(3)), // profile offer: DELIVERED (the issuer delivers to the profile's wallet)
      ev(p1, 'received', at(3)), // the wallet's receipt: the wallet tenant's history only
      ev(p1, 'claimed', at(9)),
      ev(x1, 'offered', at(4)),
      ev(x1, 'expired', at(4 + 30 * 24 * 60)),
      ev(f1, 'offered', at(6)),
      ev(f1, 'failed', at(7), { error: 'mailbox unavailable (550)' }),
    ]);

    const list = await expectEventually(async () => {
      const r = await get(org, '/v1/activity/credentials?limit=100');
      expect(r.status).toBe(200);
      expect(r.body.records).toHaveLength(10);
      return r.body;
    });
    expect(list.hasMore).toBe(false);
    expect(list.cursor).toBeNull();
    // newest first
    const times = list.records.map((r: any) => r.timestamp);
    expect([...times].sort().reverse()).toEqual(times);

    // same template twice / same recipient twice → distinct activityIds
    const sends = list.records.filter((r: any) => r.eventType === 'CREATED' || r.eventType === 'DELIVERED');
    expect(new Set(sends.map((r: any) => r.activityId)).size).toBe(sends.length);
    expect(sends.filter((r: any) => r.boostUri === sameTemplate).map((r: any) => r.activityId).sort()).toEqual(
      [a1.activityId, a2.activityId, p1.activityId].sort(),
    );
    expect(sends.filter((r: any) => r.recipientIdentifier === 'ada@example.com').map((r: any) => r.activityId).sort()).toEqual(
      [a1.activityId, a3.activityId].sort(),
    );

    // email and phone start with CREATED, profile with DELIVERED; the claim joins the chain (oldest first)
    const chain = async (i: Issuance) => (await get(org, `/v1/activity/credentials/${i.activityId}/chain`)).body as any[];
    expect((await chain(a1)).map((r) => r.eventType)).toEqual(['CREATED', 'CLAIMED']);
    expect((await chain(a2)).map((r) => r.eventType)).toEqual(['CREATED']);
    expect((await chain(p1)).map((r) => r.eventType)).toEqual(['DELIVERED', 'CLAIMED']);
    expect((await chain(x1)).map((r) => r.eventType)).toEqual(['CREATED', 'EXPIRED']);
    const failed = await chain(f1);
    expect(failed.map((r) => r.eventType)).toEqual(['CREATED', 'FAILED']);
    expect(failed[1].metadata.error).toBe('mailbox unavailable (550)');

    const a1Chain = await chain(a1);
    expect(a1Chain[0]).toMatchObject({
      activityId: a1.activityId,
      eventType: 'CREATED',
      timestamp: at(0).toISOString(),
      actorProfileId: 'issuer-admin',
      recipientType: 'email',
      recipientIdentifier: 'ada@example.com',
      boostUri: sameTemplate,
      inboxCredentialId: `inbox-${a1.credentialId}`,
      integrationId: 'lms-1',
      source: 'send',
    });
    expect(a1Chain[1]).toMatchObject({ eventType: 'CLAIMED', source: 'inbox', actorProfileId: 'holder:ada@example.com' });
    expect((await chain(p1))[0]).toMatchObject({ credentialUri: `uri:cred:${p1.credentialId}`, source: 'sendCredential' });

    // get by id = latest event; 404 for unknown and for another organisation
    const latest = await get(org, `/v1/activity/credentials/${a1.activityId}`);
    expect(latest.status).toBe(200);
    expect(latest.body).toMatchObject({ activityId: a1.activityId, eventType: 'CLAIMED' });
    expect((await get(newOrgId(), `/v1/activity/credentials/${a1.activityId}`)).status).toBe(404);
    expect((await get(newOrgId(), `/v1/activity/credentials/${a1.activityId}/chain`)).status).toBe(404);
    expect((await get(org, `/v1/activity/credentials/${randomUUID()}`)).status).toBe(404);
    expect((await get(newOrgId(), '/v1/activity/credentials')).body.records).toEqual([]);

    // filters
    const created = await get(org, `/v1/activity/credentials?eventType=CREATED&boostUri=${encodeURIComponent(sameTemplate)}`);
    expect(created.body.records.map((r: any) => r.activityId).sort()).toEqual([a1.activityId, a2.activityId].sort());
    const byIntegration = await get(org, '/v1/activity/credentials?integrationId=lms-1');
    expect(byIntegration.body.records).toHaveLength(2);
    const window = await get(org, `/v1/activity/credentials?startDate=${at(2).toISOString()}&endDate=${at(4).toISOString()}`);
    expect(window.body.records.map((r: any) => r.eventType).sort()).toEqual(['CREATED', 'CREATED', 'DELIVERED']);

    const stats = await get(org, '/v1/activity/credentials/stats');
    expect(stats.body).toMatchObject({ total: 6, totalEvents: 10, created: 2, delivered: 0, claimed: 2, expired: 1, failed: 1, claimRate: 50 });
    expect(stats.body.timeToClaim).toEqual({ count: 2, medianMs: 330000, p90Ms: 354000 }); // 5 and 6 min

    // validation: 400 with the platform's shape
    for (const bad of ['limit=0', 'limit=101', 'eventType=SENT', 'cursor=nope', 'after=nope', 'foo=1', 'startDate=2026-02-01T00:00:00Z&endDate=2026-01-01T00:00:00Z']) {
      const r = await get(org, `/v1/activity/credentials?${bad}`);
      expect({ bad, status: r.status, code: r.body.code }).toEqual({ bad, status: 400, code: 'VALIDATION_ERROR' });
    }
    expect((await get(org, '/v1/activity/credentials/not-a-uuid')).status).toBe(400);
    const noScope = await fetch(`${gateway.url}/v1/activity/credentials`, { headers: { authorization: `Bearer ${await token(org, 'history:read')}` } });
    expect(noScope.status).toBe(403);
  });

  it('stats on a hand-computed fixture of 60 issuances in mixed states match exactly (claimRate rounding, time to claim)', async () => {
    const org = newOrgId();
    const events: EventEnvelope[] = [];
    let claimMinute = 0;
    let sendMinute = 0;
    const add = (n: number, recipient: RecipientType, boost: string, integration: string, path: Kind[], claimFirst = false) => {
      for (let k = 0; k < n; k++) {
        const i = issuance(org, { type: recipient, identifier: `${recipient}-${boost}-${k}` }, { boostUri: boost, integrationId: integration });
        const sentAt = at((sendMinute += 60));
        const chain = path.map((kind) => {
          if (kind === 'claimed') return ev(i, kind, new Date(sentAt.getTime() + ++claimMinute * 60000));
          if (kind === 'expired' || kind === 'failed') return ev(i, kind, new Date(sentAt.getTime() + 1000), kind === 'failed' ? { error: 'bounced' } : {});
          return ev(i, kind, sentAt);
        });
        events.push(...(claimFirst ? chain.reverse() : chain));
      }
    };
    // group                          n  recipient  boost  integration  path                    → latest state
    add(10, 'email', 'boost:a', 'int-y', ['offered']); //                                      CREATED
    add(7, 'phone', 'boost:b', 'int-y', ['offered']); //                                       CREATED
    add(11, 'profile', 'boost:a', 'int-x', ['offered', 'received']); //                       DELIVERED (the profile offer; the wallet's receipt is not an activity event)
    add(8, 'email', 'boost:a', 'int-x', ['offered', 'claimed']); //                           CLAIMED, time to claim 1..8 min
    add(5, 'phone', 'boost:b', 'int-y', ['offered', 'claimed'], true); //                     CLAIMED (claim published first), 9..13 min
    add(6, 'profile', 'boost:b', 'int-y', ['offered', 'claimed']); //                         CLAIMED, 14..19 min
    add(8, 'email', 'boost:a', 'int-y', ['offered', 'expired']); //                           EXPIRED
    add(3, 'email', 'boost:b', 'int-y', ['offered', 'failed']); //                            FAILED
    add(2, 'email', 'boost:a', 'int-y', ['failed']); //                                       FAILED
    await publisher.publish(events);

    const stats = (q = '') => get(org, `/v1/activity/credentials/stats${q}`).then((r) => r.body);
    // 60 issuances; events: 10 + 7 + 11 + 16 + 10 + 12 + 16 + 6 + 2 = 90
    // claimRate = 19 / (17 + 11 + 19) = 40.4255… → 40.43
    // time to claim (min): 1..19 → median 10 min; p90 = 0.9 × 18 = 16.2 → 17 + 0.2 × (18 − 17) = 17.2 min
    await expectEventually(async () => {
      expect(await stats()).toEqual({
        total: 60,
        totalEvents: 90,
        created: 17,
        delivered: 11,
        claimed: 19,
        expired: 8,
        failed: 5,
        claimRate: 40.43,
        timeToClaim: { count: 19, medianMs: 600000, p90Ms: 1032000 },
      });
    });
    // boost:b: groups 2, 5, 6, 8 → 21 issuances, 35 events, claimRate 11 / 18 = 61.11; ttc 9..19 min → median 14, p90 = 9 + 9 = 18 min
    expect(await stats('?boostUris[]=boost:b')).toEqual({
      total: 21,
      totalEvents: 35,
      created: 7,
      delivered: 0,
      claimed: 11,
      expired: 0,
      failed: 3,
      claimRate: 61.11,
      timeToClaim: { count: 11, medianMs: 840000, p90Ms: 1080000 },
    });
    // both boosts = everything; one boost as a plain parameter works too
    expect((await stats('?boostUris[]=boost:a&boostUris[]=boost:b')).total).toBe(60);
    expect((await stats('?boostUris=boost:a')).total).toBe(39);
    // int-x: groups 3, 4 → 19 issuances, 11 + 16 events, claimRate 8 / 19 = 42.105… → 42.11; ttc 1..8 → median 4.5, p90 = 7.3 min
    expect(await stats('?integrationId=int-x')).toEqual({
      total: 19,
      totalEvents: 27,
      created: 0,
      delivered: 11,
      claimed: 8,
      expired: 0,
      failed: 0,
      claimRate: 42.11,
      timeToClaim: { count: 8, medianMs: 270000, p90Ms: 438000 },
    });
    // date window on the issuance start: sends at T0 + 60 min × k, k = 1..60 → [k 11..20] = 10 issuances (the 7 of group 2 + 3 of group 3)
    const w = await stats(`?startDate=${at(11 * 60).toISOString()}&endDate=${at(20 * 60).toISOString()}`);
    expect(w).toMatchObject({ total: 10, created: 7, delivered: 3, claimed: 0, claimRate: 0 });
    // A whole UTC day (counters only): 2026-03-02 = k 14..37 → 24 issuances. A window with a whole day in the
    // middle and time-of-day edges (counters + exact edge scans): 03-01 15:00 .. 03-03 17:00 = k 5..55 → 51.
    expect((await stats('?startDate=2026-03-02T00:00:00Z&endDate=2026-03-02T23:59:59.999999Z')).total).toBe(24);
    expect((await stats('?startDate=2026-03-02T00:00:00Z&endDate=2026-03-02T23:59:59.999Z')).total).toBe(24);
    expect((await stats(`?startDate=${at(5 * 60).toISOString()}&endDate=${at(55 * 60).toISOString()}`)).total).toBe(51);
    expect((await stats(`?startDate=${at(5 * 60 + 1).toISOString()}&endDate=${at(55 * 60 - 1).toISOString()}`)).total).toBe(49);
    expect((await stats(`?startDate=${at(5 * 60).toISOString()}`)).total).toBe(56);
    expect((await stats(`?endDate=${at(55 * 60).toISOString()}`)).total).toBe(55);
    // nothing matches → zeros, claimRate 0, no time to claim
    expect(await stats('?integrationId=none')).toEqual({
      total: 0,
      totalEvents: 0,
      created: 0,
      delivered: 0,
      claimed: 0,
      expired: 0,
      failed: 0,
      claimRate: 0,
      timeToClaim: { count: 0, medianMs: null, p90Ms: null },
    });
    await expectCountersMatchScan(org);
    // The histogram path (used above EXACT_TTC_MAX claimed issuances), forced: same counts, percentiles within one
    // bucket (9.06 %) of the exact ones, for the monthly roll-up (no dates) and daily rows + exact edges (window).
    const exact = new ActivityQueryService(ds);
    const approx = new ActivityQueryService(ds, { exactTtcMax: 0 });
    for (const q of [{}, { boostUris: ['boost:b'] }, { integrationId: 'int-x' }, { startDate: at(5 * 60).toISOString(), endDate: at(55 * 60).toISOString() }]) {
      const e = await exact.stats({ organisationId: org, ...q });
      const a = await approx.stats({ organisationId: org, ...q });
      expect({ ...a, timeToClaim: a.timeToClaim.count }).toEqual({ ...e, timeToClaim: e.timeToClaim.count });
      for (const k of ['medianMs', 'p90Ms'] as const) {
        expect(Math.abs(a.timeToClaim[k]! - e.timeToClaim[k]!) / e.timeToClaim[k]!).toBeLessThanOrEqual(0.0906);
      }
    }
  });

  it('pages through 1,000 records with 100 equal timestamps, each exactly once, newest first; the `after` mode polls them all without gaps', async () => {
    const org = newOrgId();
    const events: EventEnvelope[] = [];
    const same = new Date('2026-04-01T12:00:00.000Z');
    for (let k = 0; k < 1000; k++) {
      const i = issuance(org, { type: 'email', identifier: `r${k}@example.com` });
      events.push(ev(i, 'offered', k < 100 ? same : new Date(same.getTime() - (k - 99) * 1000)));
    }
    const polled: string[] = [];
    let after = '0';
    const poll = async () => {
      for (;;) {
        const r = await get(org, `/v1/activity/credentials?after=${after}&limit=100`);
        expect(r.status).toBe(200);
        polled.push(...r.body.records.map((x: any) => x.id));
        after = r.body.cursor;
        if (!r.body.hasMore) return;
      }
    };
    // publish in two halves and poll in between: the second poll continues exactly where the first stopped
    await publisher.publish(events.slice(0, 500));
    await waitProjected();
    await poll();
    await publisher.publish(events.slice(500));
    await waitProjected();
    await expectEventually(async () => {
      await poll();
      expect(polled).toHaveLength(1000);
    });
    expect(new Set(polled).size).toBe(1000);

    const seen: string[] = [];
    const stamps: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const r = await get(org, `/v1/activity/credentials?limit=37${q}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.records.map((x: any) => x.id));
      stamps.push(...r.body.records.map((x: any) => x.timestamp));
      cursor = r.body.cursor;
      expect(r.body.hasMore).toBe(cursor !== null);
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(1000 / 37));
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(new Set(seen)).toEqual(new Set(events.map((e) => e.id)));
    expect([...stamps].sort().reverse()).toEqual(stamps);
    expect(stamps.filter((s) => s === same.toISOString())).toHaveLength(100);
  });

  it('replaying the topics (duplicates, chains in reverse order) yields the same chains and stats', async () => {
    const build = (org: string) => {
      const chains: EventEnvelope[][] = [];
      for (let k = 0; k < 24; k++) {
        const profile = k % 3 === 0;
        const i = issuance(org, profile ? { type: 'profile', identifier: `did:web:p${k}` } : { type: 'email', identifier: `e${k}@x.org` }, {
          boostUri: `boost:${k % 4}`,
        });
        const send = ev(i, 'offered', at(k)); // CREATED, or DELIVERED for a profile
        const tail = k % 4 === 0 ? [ev(i, 'claimed', at(k + 30))] : k % 4 === 1 ? [ev(i, 'expired', at(k + 60))] : k % 4 === 2 ? [ev(i, 'claimed', at(k + 10)), ev(i, 'claimed', at(k + 10))] : [];
        // an identical timestamp for two events of one chain: order falls back to the event id
        chains.push([send, ...tail]);
      }
      return chains;
    };
    const snapshot = async (org: string) => {
      const stats = (await get(org, '/v1/activity/credentials/stats')).body;
      const list = (await get(org, '/v1/activity/credentials?limit=100')).body.records as any[];
      // activity ids differ between the two tenants: key each chain by its (unique) recipient
      const ids = [...new Set(list.map((r) => r.activityId))];
      const chains: Record<string, unknown> = {};
      for (const id of ids) {
        const c = (await get(org, `/v1/activity/credentials/${id}/chain`)).body as any[];
        const latest = (await get(org, `/v1/activity/credentials/${id}`)).body;
        chains[c[0].recipientIdentifier] = { events: c.map((r) => [r.eventType, r.timestamp, r.recipientIdentifier, r.boostUri]), latest: [latest.eventType, latest.timestamp] };
      }
      return { stats, chains };
    };

    // org A: published in order; org B: the same issuances published chain-reversed, each event twice
    const orgA = newOrgId();
    const orgB = newOrgId();
    const chainsA = build(orgA);
    const chainsB = build(orgB);
    await publisher.publish(chainsA.flat());
    await publisher.publish(chainsB.flatMap((c) => [...c].reverse()).flatMap((e) => [e, e]));
    await waitProjected();
    const a = await snapshot(orgA);
    const b = await snapshot(orgB);
    expect(Object.keys(a.chains)).toHaveLength(24);
    expect(b).toEqual(a);
    expect(a.stats).toMatchObject({ total: 24, created: 4, delivered: 2, claimed: 12, expired: 6, failed: 0 });

    // replay org A's events again, reversed, with duplicates: nothing changes
    await publisher.publish([...chainsA.flat()].reverse().flatMap((e) => [e, e]));
    await waitProjected();
    expect(await snapshot(orgA)).toEqual(a);
    await expectCountersMatchScan(orgA);
    await expectCountersMatchScan(orgB);
  });
});
