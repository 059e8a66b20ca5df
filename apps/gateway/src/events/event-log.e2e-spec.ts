import { randomUUID } from 'crypto';
import * as http from 'http';
import { signDevToken } from '@cep/auth';
import { buildEvent, deadLetterTopic, SessionVerification, TOPICS, type SessionStatusType } from '@cep/contracts';
import { ensureTopics, EventPublisher } from '@cep/messaging';
import { DEV_JWT_SECRET } from '@cep/platform';
import {
  expectEventually,
  gatewayClient,
  newOrgId,
  portOpen,
  startApp,
  testKafka,
  uniqueName,
  type AppHandle,
  type GatewayPaths,
  type GatewaySchemas,
} from '@cep/testing';

/**
 * Event log end to end, every part a real process: the verifier app (HTTP commands → event store + outbox →
 * relay → Kafka cep.sessions.v1) → event-log projector → PostgreSQL → gateway (real HTTP).
 * The fixtures of the other cases (many sessions, exact counts, stream waves, an event without originator like
 * seed 001's) are contract-valid `session.verification` events published to the same topic with the
 * platform's EventPublisher, exactly as a producer's outbox relay publishes them.
 */
describe('event log API (e2e)', () => {
  const apps: AppHandle[] = [];
  let gateway: AppHandle;
  let verifier: AppHandle;
  const kafka = testKafka('event-log-e2e');
  const publisher = new EventPublisher(kafka);

  beforeAll(async () => {
    // startApp trusts whatever answers /health/ready on the port: make sure it will be ours.
    for (const port of [4600, 4601, 4602]) {
      if (await portOpen('127.0.0.1', port)) throw new Error(`port ${port} is already in use (another run of this suite?)`);
    }
    const group = uniqueName('e2e-event-log');
    // Its dead-letter topic must exist (the runner never auto-creates topics); start at the topic's end:
    // earlier runs' events are of no interest here.
    await ensureTopics(kafka, [{ topic: deadLetterTopic(group), numPartitions: 1 }]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: group, topic: TOPICS.sessions, earliest: false });
    await admin.disconnect();
    const [p, g, v] = await Promise.all([
      startApp('event-log-projector', { port: 4601, env: { KAFKA_GROUP_ID: group } }),
      startApp('gateway', { port: 4600, env: { EVENT_STREAM_HEARTBEAT_MS: '500', EVENT_STREAM_MAX_CLIENTS_PER_ORGANISATION: '3' } }),
      startApp('verifier', { port: 4602, env: { SESSION_TARGET: 'acme.customer.verifier1' } }),
    ]);
    apps.push(p, g, v);
    gateway = g;
    verifier = v;
  });

  afterAll(async () => {
    await publisher.disconnect();
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
  });

  const token = (org: string, scope = 'events:read') => signDevToken({ secret: DEV_JWT_SECRET, org, scope });

  function verificationEvent(
    org: string,
    o: { sessionId: string; status: SessionStatusType; action: string; time: Date; error?: string; target?: string; originator?: string },
  ) {
    return buildEvent(
      SessionVerification,
      {
        target: o.target ?? 'acme.customer.verifier1',
        action: { type: o.action },
        status: { type: o.status },
        callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2',
        sessionId: o.sessionId,
        format: 'vc+sd-jwt',
        signatureAlgorithm: '',
        credentialType: 'identity_credential',
        ...(o.error ? { error: o.error } : {}),
        ...(o.originator ? { originator: o.originator } : {}),
      },
      { organisationId: org, correlationId: randomUUID(), source: 'urn:cep:verifier', time: o.time },
    );
  }

  type EventQuery = GatewaySchemas['EventQueryBodyDto'];
  type GroupBy = NonNullable<NonNullable<GatewayPaths['/v1/events/query']['post']['parameters']['query']>['groupBy']>;
  /** POST /v1/events/query through the typed gateway client; `qs` may carry `?groupBy=…`. Bodies may be deliberately invalid. */
  async function query(org: string, body: EventQuery | Record<string, unknown>, qs = '', bearer?: string): Promise<{ status: number; body: any }> {
    const groupBy = new URLSearchParams(qs).get('groupBy') as GroupBy | null;
    const r = await gatewayClient(gateway.url, bearer ?? (await token(org))).POST('/v1/events/query', {
      body: body as EventQuery,
      params: { query: groupBy === null ? {} : { groupBy } },
    });
    return { status: r.response.status, body: r.data ?? r.error };
  }

  it('a verification flow through the verifier app yields init_session/Open then Success, or Failure with the error, field for field in the seed shape', async () => {
    const org = newOrgId();
    const writer = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'events:write', subject: 'verifier-operator' });
    const call = async (path: string, body: unknown, callId = randomUUID()) => {
      const r = await fetch(`${verifier.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json', 'x-call-id': callId },
        body: JSON.stringify(body),
      });
      const json = (await r.json()) as any;
      expect({ path, status: r.status }).toEqual({ path, status: path.endsWith('/v1/proofs') || path.endsWith('/v1/proof-schemas') ? 201 : 200 });
      return json;
    };
    const before = Date.now();
    const schema = await call('/v1/proof-schemas', { name: 'Identity check', credentialSchemaIds: [randomUUID()], claimNames: ['family_name'] });
    const createProof = () =>
      call('/v1/proofs', {
        proofSchemaId: schema.id,
        verifierDid: { id: randomUUID(), did: 'did:key:z6MkVerifier' },
        format: 'vc+sd-jwt',
        credentialType: 'identity_credential',
      }, openCall);
    const openCall = randomUUID();
    const acceptCall = randomUUID();
    const ok = await createProof();
    await call(`/v1/proofs/${ok.id}/share`, { credentials: [{ credentialId: randomUUID(), schemaId: randomUUID() }], claims: [{ name: 'family_name' }] });
    await call(`/v1/proofs/${ok.id}/accept`, { signatureAlgorithm: 'ES256' }, acceptCall);
    const bad = await createProof();
    await call(`/v1/proofs/${bad.id}/error`, { error: 'presentation signature invalid' }, acceptCall);
    const after = Date.now();

    const okEvents = await expectEventually(async () => {
      const r = await query(org, { sessionId: ok.sessionId });
      expect(r.status).toBe(200);
      expect(r.body.items).toHaveLength(2);
      return r.body.items;
    });
    const seedShape = (status: string, action: string, o: { callId: string; error: string | null; signatureAlgorithm: string; sessionId: string }) => ({
      type: 'cep.events.VerificationEvent',
      eventType: 'VerificationEvent',
      _id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      originator: 'verifier-operator',
      organization: org,
      target: 'acme.customer.verifier1',
      timestamp: expect.any(Number),
      action: { type: action },
      status: { type: status },
      callId: o.callId,
      error: o.error,
      sessionId: o.sessionId,
      format: 'vc+sd-jwt',
      signatureAlgorithm: o.signatureAlgorithm,
      credentialType: 'identity_credential',
    });
    const keys = Object.keys(seedShape('Open', 'x', { callId: '', error: null, signatureAlgorithm: '', sessionId: '' }));
    // newest first: Success, then the init_session/Open that opened the session
    expect(okEvents).toEqual([
      seedShape('Success', 'verify_presentation', { callId: acceptCall, error: null, signatureAlgorithm: 'ES256', sessionId: ok.sessionId }),
      seedShape('Open', 'init_session', { callId: openCall, error: null, signatureAlgorithm: '', sessionId: ok.sessionId }),
    ]);
    for (const e of okEvents) {
      expect(Object.keys(e)).toEqual(keys); // the seed's fields, in the seed's order, nothing else
      expect(Number.isInteger(e.timestamp) && e.timestamp >= before && e.timestamp <= after).toBe(true);
    }
    expect(okEvents[0].timestamp).toBeGreaterThanOrEqual(okEvents[1].timestamp);

    const badEvents = await expectEventually(async () => {
      const r = await query(org, { sessionId: bad.sessionId });
      expect(r.body.items).toHaveLength(2);
      return r.body.items;
    });
    expect(badEvents).toEqual([
      seedShape('Failure', 'verify_presentation', { callId: acceptCall, error: 'presentation signature invalid', signatureAlgorithm: '', sessionId: bad.sessionId }),
      seedShape('Open', 'init_session', { callId: openCall, error: null, signatureAlgorithm: '', sessionId: bad.sessionId }),
    ]);
    // status filter and counts over the flow
    expect((await query(org, { status: ['Failure'] })).body.items.map((e: { sessionId: string }) => e.sessionId)).toEqual([bad.sessionId]);
    expect((await query(org, {}, '?groupBy=status.type')).body).toEqual([
      { _id: 'Open', count: 2 },
      { _id: 'Failure', count: 1 },
      { _id: 'Success', count: 1 },
    ]);
  });

  it('events published to Kafka come back field for field as the seed example (originator and error null when absent), newest first, paged by cursor', async () => {
    const org = newOrgId();
    const ok = randomUUID();
    const failed = randomUUID();
    const t0 = Date.UTC(2025, 2, 6, 9, 14, 26, 353);
    const events = [
      verificationEvent(org, { sessionId: ok, status: 'Open', action: 'init_session', time: new Date(t0) }),
      verificationEvent(org, { sessionId: ok, status: 'Success', action: 'verify_presentation', time: new Date(t0 + 1200), originator: 'wallet-app' }),
      verificationEvent(org, { sessionId: failed, status: 'Open', action: 'init_session', time: new Date(t0 + 2000) }),
      verificationEvent(org, { sessionId: failed, status: 'Failure', action: 'verify_presentation', time: new Date(t0 + 2500), error: 'presentation signature invalid' }),
    ];
    await publisher.publish(events);

    const page = await expectEventually(async () => {
      const r = await query(org, { sessionId: ok });
      expect(r.status).toBe(200);
      expect(r.body.items).toHaveLength(2);
      return r.body;
    });
    // Newest first; every field of seed 001, in its order, `_id` a UUID, `timestamp` in ms, absent optionals null.
    const expected = (e: (typeof events)[number], status: string, action: string, extra: { originator?: string | null; error?: string | null }) => ({
      type: 'cep.events.VerificationEvent',
      eventType: 'VerificationEvent',
      _id: e.id,
      originator: extra.originator ?? null,
      organization: org,
      target: 'acme.customer.verifier1',
      timestamp: Date.parse(e.time),
      action: { type: action },
      status: { type: status },
      callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2',
      error: extra.error ?? null,
      sessionId: e.data.sessionId,
      format: 'vc+sd-jwt',
      signatureAlgorithm: '',
      credentialType: 'identity_credential',
    });
    expect(JSON.stringify(page.items)).toBe(
      JSON.stringify([
        expected(events[1], 'Success', 'verify_presentation', { originator: 'wallet-app' }),
        expected(events[0], 'Open', 'init_session', {}),
      ]),
    );
    expect(page.nextCursor).toBeNull();
    for (const item of page.items) {
      expect(item._id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(Number.isInteger(item.timestamp)).toBe(true);
    }
    expect(page.items[1].timestamp).toBe(1741252466353);

    const failure = await expectEventually(async () => {
      const r = await query(org, { sessionId: failed, status: ['Failure'] });
      expect(r.body.items).toHaveLength(1);
      return r.body.items[0];
    });
    expect(failure).toEqual(expected(events[3], 'Failure', 'verify_presentation', { error: 'presentation signature invalid' }));

    // Paging with the opaque cursor walks all four, newest first, once each.
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await query(org, { limit: 3, ...(cursor ? { cursor } : {}) });
      expect(r.status).toBe(200);
      ids.push(...r.body.items.map((i: { _id: string }) => i._id));
      cursor = r.body.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual([...events].reverse().map((e) => e.id));

    // Another organisation sees nothing; naming this organisation from another token is refused.
    const other = newOrgId();
    expect((await query(other, { sessionId: ok })).body.items).toEqual([]);
    expect((await query(other, { organization: org })).status).toBe(403);
    expect((await query(org, { organization: org, sessionId: ok })).body.items).toHaveLength(2);
  });

  it('groupBy status.type over a fixture gives exact counts', async () => {
    const org = newOrgId();
    const plan: [SessionStatusType, number][] = [
      ['Open', 5],
      ['Success', 3],
      ['Failure', 2],
    ];
    const t0 = Date.now() - 60_000;
    const events = plan.flatMap(([status, n]) =>
      Array.from({ length: n }, (_, i) =>
        verificationEvent(org, { sessionId: randomUUID(), status, action: status === 'Open' ? 'init_session' : 'verify', time: new Date(t0 + i) }),
      ),
    );
    await publisher.publish(events);
    const groups = await expectEventually(async () => {
      const r = await query(org, {}, '?groupBy=status.type');
      expect(r.status).toBe(200);
      expect(r.body.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(10);
      return r.body;
    });
    expect(groups).toEqual([
      { _id: 'Open', count: 5 },
      { _id: 'Success', count: 3 },
      { _id: 'Failure', count: 2 },
    ]);
    // filters combine with groupBy
    expect((await query(org, { status: ['Success', 'Failure'] }, '?groupBy=eventType')).body).toEqual([{ _id: 'VerificationEvent', count: 5 }]);
  });

  it('an SSE client disconnected mid-stream and reconnected with Last-Event-ID receives every event exactly once', async () => {
    const org = newOrgId();
    const bearer = await token(org);
    const target = `acme.stream.${randomUUID()}`;
    const other = `acme.other.${randomUUID()}`;
    const batch = (n: number, t: string) =>
      Array.from({ length: n }, (_, i) =>
        verificationEvent(org, { sessionId: randomUUID(), status: 'Open', action: 'init_session', time: new Date(Date.now() + i), target: t }),
      );
    const qs = `?eventType=VerificationEvent&status=Open&fromTimestamp=0&target=${encodeURIComponent(target)}`;

    const first = await openStream(`${gateway.url}/v1/events/stream${qs}`, bearer, {}, 5);
    const wave1 = batch(20, target);
    await publisher.publish([...wave1, ...batch(3, other)]);
    await first.waitFor(5); // the client dropped the connection on the 5th event, mid-stream
    const got1 = first.events.slice();
    expect(got1).toHaveLength(5);
    const last = got1[got1.length - 1].id;

    const wave2 = batch(15, target);
    await publisher.publish(wave2); // while disconnected
    const second = await openStream(`${gateway.url}/v1/events/stream${qs}`, bearer, { 'last-event-id': last });
    try {
      await second.waitFor(35 - got1.length);
      const wave3 = batch(5, target);
      await publisher.publish(wave3); // live, after the catch-up
      await second.waitFor(40 - got1.length);
      await second.waitForComment('ping'); // heartbeats keep flowing

      const all = [...got1, ...second.events];
      const ids = all.map((e) => e.data._id);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      expect(new Set(ids)).toEqual(new Set([...wave1, ...wave2, ...wave3].map((e) => e.id))); // nothing missed, nothing else
      // ids are the events' own ids: nothing a tenant could count another tenant's traffic with
      expect(all.every((e) => e.id === e.data._id)).toBe(true);
      expect(second.comments).toContain('stream open');
      expect([...first.comments, ...second.comments].some((c) => /\d{2,}/.test(c))).toBe(false);
      expect(all.every((e) => e.data.target === target && e.data.organization === org)).toBe(true);
    } finally {
      second.close();
    }

    // lastEventId as a query parameter (clients that cannot set headers) replays the same tail
    const third = await openStream(`${gateway.url}/v1/events/stream${qs}&lastEventId=${last}`, bearer);
    try {
      await third.waitFor(40 - got1.length);
      expect(third.events.map((e) => e.data._id)).toEqual(second.events.map((e) => e.data._id));
    } finally {
      third.close();
    }
  });

  it('bad filters are a 400 naming the field', async () => {
    const org = newOrgId();
    const param = (r: { body: any }) => r.body.details.map((d: { param: string }) => d.param);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ foo: 1 }, '', 'foo'],
      [{ fromTimestamp: 2000, toTimestamp: 1000 }, '', 'fromTimestamp'],
      [{}, '?groupBy=status.nope', 'groupBy'],
      [{ limit: 0 }, '', 'limit'],
      [{ limit: 5000 }, '', 'limit'],
      [{ limit: '10' }, '', 'limit'],
      [{ status: ['Pending'] }, '', 'status'],
      [{ eventType: 'VerificationEvent' }, '', 'eventType'],
      [{ cursor: 'garbage' }, '', 'cursor'],
    ];
    for (const [body, qs, field] of cases) {
      const r = await query(org, body, qs);
      expect({ body, qs, status: r.status, code: r.body.code }).toEqual({ body, qs, status: 400, code: 'VALIDATION_ERROR' });
      expect(param(r)).toContain(field);
      expect(r.body.message).toContain(field);
    }
    const bearer = await token(org);
    for (const [qs, headers, field] of [
      ['?fromTimestamp=5&toTimestamp=1', {}, 'fromTimestamp'],
      ['?status=Bogus', {}, 'status'],
      ['?bogus=1', {}, 'bogus'],
      ['', { 'last-event-id': 'abc' }, 'Last-Event-ID'],
      ['', { 'last-event-id': '42' }, 'Last-Event-ID'], // sequence numbers are not stream ids
      ['', { 'last-event-id': randomUUID() }, 'Last-Event-ID'], // not an event of this organisation
      [`?lastEventId=${randomUUID()}`, {}, 'lastEventId'],
    ] as [string, Record<string, string>, string][]) {
      const r = await fetch(`${gateway.url}/v1/events/stream${qs}`, { headers: { authorization: `Bearer ${bearer}`, ...headers } });
      const body = (await r.json()) as any;
      expect({ qs, status: r.status }).toEqual({ qs, status: 400 });
      expect(body.details.map((d: { param: string }) => d.param)).toContain(field);
    }
    // scope is required
    const noScope = await token(org, 'history:read');
    expect((await query(org, {}, '', noScope)).status).toBe(403);
  });

  it("another organisation's event id cannot resume a stream", async () => {
    const a = newOrgId();
    const b = newOrgId();
    const target = `acme.resume.${randomUUID()}`;
    const qs = `?fromTimestamp=0&target=${encodeURIComponent(target)}`;
    const stream = await openStream(`${gateway.url}/v1/events/stream${qs}`, await token(b));
    let bId: string;
    try {
      await publisher.publish([verificationEvent(b, { sessionId: randomUUID(), status: 'Open', action: 'init_session', time: new Date(), target })]);
      await stream.waitFor(1);
      bId = stream.events[0].id;
    } finally {
      stream.close();
    }
    const r = await fetch(`${gateway.url}/v1/events/stream${qs}`, { headers: { authorization: `Bearer ${await token(a)}`, 'last-event-id': bId } });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).details[0]).toMatchObject({ param: 'Last-Event-ID', location: 'headers' });
  });

  it('EVENT_STREAM_MAX_CLIENTS_PER_ORGANISATION: one organisation cannot take every stream slot', async () => {
    const a = await token(newOrgId());
    const streams = [];
    for (let i = 0; i < 3; i++) streams.push(await openStream(`${gateway.url}/v1/events/stream`, a));
    try {
      const fourth = await fetch(`${gateway.url}/v1/events/stream`, { headers: { authorization: `Bearer ${a}` } });
      expect(fourth.status).toBe(429);
      expect(await fourth.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_STREAMS' });
      expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
      // another organisation still gets a stream
      const other = await openStream(`${gateway.url}/v1/events/stream`, await token(newOrgId()));
      other.close();
    } finally {
      for (const s of streams) s.close();
    }
    // a closed stream frees its slot
    await expectEventually(async () => {
      const again = await openStream(`${gateway.url}/v1/events/stream`, a);
      again.close();
    }, { timeoutMs: 10000 });
  });
});

interface SseEvent {
  id: string;
  data: any;
}

/** A minimal SSE client over node:http (a real HTTP client against the running gateway). */
function openStream(url: string, bearer: string, headers: Record<string, string> = {}, closeAfter?: number) {
  return new Promise<{
    events: SseEvent[];
    comments: string[];
    waitFor(n: number): Promise<void>;
    waitForComment(c: string): Promise<void>;
    close(): void;
  }>((resolve, reject) => {
    const events: SseEvent[] = [];
    const comments: string[] = [];
    let closed = false;
    const req = http.get(url, { headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        res.resume();
        return;
      }
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (closed) return;
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let id: string | undefined;
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (id !== undefined && data) events.push({ id, data: JSON.parse(data) });
          if (closeAfter !== undefined && events.length >= closeAfter) {
            // drop the connection right here, whatever else is already in the socket
            closed = true;
            req.destroy();
            return;
          }
        }
      });
      resolve({
        events,
        comments,
        waitFor: (n) => expectEventually(() => expect(events.length).toBeGreaterThanOrEqual(n), { timeoutMs: 30000, intervalMs: 20 }).then(() => undefined),
        waitForComment: (c) => expectEventually(() => expect(comments).toContain(c), { timeoutMs: 10000 }).then(() => undefined),
        close: () => {
          closed = true;
          req.destroy();
        },
      });
    });
    req.on('error', (err) => {
      if (!closed) reject(err);
    });
  });
}
