import { randomUUID } from 'crypto';
import { signDevToken } from '@cep/auth';
import { buildEvent, CredentialAccepted, CredentialReactivated, CredentialRevoked, CredentialSuspended, type EventEnvelope } from '@cep/contracts';
import { deadLetterTopic, TOPICS } from '@cep/contracts';
import { checkpointName, ensureTopics, EventPublisher, toOutgoingMessage } from '@cep/messaging';
import { reportProjection } from '@cep/reports';
import { DEV_JWT_SECRET } from '@cep/platform';
import {
  credentialCreatedData,
  expectEventually,
  gatewayClient,
  moveCheckpointsToEnd,
  newOrgId,
  startApp,
  testDataSource,
  testKafka,
  uniqueName,
  type AppHandle,
  type GatewaySchemas,
} from '@cep/testing';

type StateDef = typeof CredentialAccepted | typeof CredentialRevoked | typeof CredentialSuspended | typeof CredentialReactivated;

function stateEvent(def: StateDef, org: string, credentialId: string, time: string, profile: 'mdoc' | 'cwt', credentialType: string): EventEnvelope {
  const { claims: _c, offerExpiresAt: _o, ...data } = credentialCreatedData({ credentialId, profile, credentialType });
  return buildEvent(def, data, { organisationId: org, correlationId: randomUUID(), source: 'urn:cep:test', time: new Date(time) });
}

/**
 * The shared topic holds every earlier test's events (tens of thousands under a load test): start the
 * projection at the current end by storing checkpoints at the high watermarks (never moving one back).
 * The runner seeks to its checkpoints on assignment, so only events published from now on are read.
 */
async function startAtTheEnd(projection: string, topic: string): Promise<void> {
  const admin = testKafka('reports-e2e-admin').admin();
  await admin.connect();
  const ds = await testDataSource();
  try {
    await moveCheckpointsToEnd(ds, admin, projection, [topic]);
  } finally {
    await ds.destroy();
    await admin.disconnect();
  }
}

/**
 * Kafka → report-projector → PostgreSQL → gateway, every part real: the seed's example, duplicates
 * published twice count once, tenants never see each other's counts, errors, CSV.
 */
describe('credential reports (e2e)', () => {
  const apps: AppHandle[] = [];
  const kafka = testKafka('reports-e2e');
  const publisher = new EventPublisher(kafka);
  let gateway: AppHandle;
  const org = newOrgId();
  const otherOrg = newOrgId();
  let reader: string;

  beforeAll(async () => {
    const groupId = uniqueName('e2e-reports');
    // Other tests leave poison messages on the shared topic: the projector dead-letters them to its group's DLQ topic.
    await ensureTopics(kafka, [{ topic: deadLetterTopic(groupId), numPartitions: 1 }]);
    await startAtTheEnd(checkpointName(reportProjection), TOPICS.credentials);
    const [p, g] = await Promise.all([
      startApp('report-projector', { port: 4401, env: { KAFKA_GROUP_ID: groupId } }),
      startApp('gateway', { port: 4402 }),
    ]);
    apps.push(p, g);
    gateway = g;
    reader = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'reports:read' });
  });

  afterAll(async () => {
    await publisher.disconnect();
    await Promise.all(apps.map((a) => a.kill('SIGTERM')));
  });

  type ReportRequest = GatewaySchemas['CredentialReportRequestDto'];
  // The typed client generated from the gateway's OpenAPI document.
  const post = (body: ReportRequest, token = reader) => gatewayClient(gateway.url, token).POST('/v1/events/credential-reports', { body });
  const postCsv = (body: ReportRequest, headers: Record<string, string> = {}) =>
    gatewayClient(gateway.url, reader).POST('/v1/events/credential-reports', { body, headers, parseAs: 'text' });
  /** The JSON page of a request that must succeed. */
  const page = async (body: ReportRequest, token = reader) => {
    const r = await post(body, token);
    expect(r.response.status).toBe(200);
    return r.data!;
  };
  const seedBody = (timezoneOffset: string): ReportRequest => ({ timezoneOffset, startDate: '2026-02-01', endDate: '2026-02-28', profiles: ['cwt', 'mdoc'] });

  it('counts each event once (duplicates published twice through Kafka), per local date of the requested offset, per tenant', async () => {
    const cred = randomUUID(); // one subject: every event lands on one partition, in order
    const issued = stateEvent(CredentialAccepted, org, cred, '2026-02-25T22:30:00Z', 'mdoc', 'org.iso.18013.5.1.mDL');
    const revoked = stateEvent(CredentialRevoked, org, cred, '2026-02-25T10:00:00Z', 'cwt', 'VerifiedEmployee');
    const suspended = stateEvent(CredentialSuspended, org, cred, '2026-02-25T11:00:00Z', 'cwt', 'VerifiedEmployee');
    const employee = Array.from({ length: 12 }, (_, i) => stateEvent(CredentialAccepted, org, cred, `2026-02-26T0${i % 10}:15:00Z`, 'cwt', 'VerifiedEmployee'));
    const foreign = stateEvent(CredentialAccepted, otherOrg, cred, '2026-02-25T22:30:00Z', 'mdoc', 'org.iso.18013.5.1.mDL');
    const sentinel = stateEvent(CredentialReactivated, org, cred, '2026-02-10T12:00:00Z', 'mdoc', 'org.iso.18013.5.1.mDL');
    const events = [issued, issued, revoked, suspended, revoked, ...employee, ...employee.slice(0, 4), foreign, foreign, sentinel];
    await publisher.send(events.map(toOutgoingMessage));

    // The sentinel is last on the partition: once it is counted, every duplicate before it was processed too.
    await expectEventually(
      async () => {
        const r = await post(seedBody('+02:00'));
        expect(r.response.status).toBe(200);
        expect(r.data!.data.some((e) => e.date === '2026-02-10')).toBe(true);
      },
      { timeoutMs: 60000 },
    );

    const plus2 = await page(seedBody('+02:00'));
    expect(plus2).toEqual({
      data: [
        { date: '2026-02-26', operation: 'issued', profile: 'cwt', credentialType: 'VerifiedEmployee', count: 12 },
        { date: '2026-02-26', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 1 },
        { date: '2026-02-25', operation: 'status_changed', profile: 'cwt', count: 2 },
        { date: '2026-02-10', operation: 'status_changed', profile: 'mdoc', count: 1 },
      ],
    });
    const minus5 = await page(seedBody('-05:00'));
    // -05:00: the issuance at 22:30Z is on 02-25; of the 12 at 02-26T00:15..09:15Z, the 7 before 05:00Z are still 02-25.
    expect(minus5.data).toEqual([
      { date: '2026-02-26', operation: 'issued', profile: 'cwt', credentialType: 'VerifiedEmployee', count: 5 },
      { date: '2026-02-25', operation: 'issued', profile: 'cwt', credentialType: 'VerifiedEmployee', count: 7 },
      { date: '2026-02-25', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 1 },
      { date: '2026-02-25', operation: 'status_changed', profile: 'cwt', count: 2 },
      { date: '2026-02-10', operation: 'status_changed', profile: 'mdoc', count: 1 },
    ]);

    // The other tenant sees only its own single (deduplicated) event.
    const otherReader = await signDevToken({ secret: DEV_JWT_SECRET, org: otherOrg, scope: 'reports:read' });
    expect(await page(seedBody('+02:00'), otherReader)).toEqual({
      data: [{ date: '2026-02-26', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 1 }],
    });
    // Naming another organisation is refused.
    expect((await post({ ...seedBody('+02:00'), organisationId: otherOrg })).response.status).toBe(403);

    // Pagination and CSV over HTTP.
    const p1 = await page({ ...seedBody('+02:00'), limit: 3 });
    expect(p1.data).toEqual(plus2.data.slice(0, 3));
    expect(p1.nextCursor).toEqual(expect.any(String));
    const p2 = await page({ ...seedBody('+02:00'), limit: 3, cursor: p1.nextCursor });
    expect(p2).toEqual({ data: plus2.data.slice(3) });
    const tampered = await post({ ...seedBody('+02:00'), limit: 3, cursor: p1.nextCursor!.replace(/^./, (c) => (c === 'e' ? 'f' : 'e')) });
    expect(tampered.response.status).toBe(400);
    expect((await post({ ...seedBody('+03:00'), limit: 3, cursor: p1.nextCursor })).response.status).toBe(400);
    expect((await post({ ...seedBody('+02:00'), limit: 3, cursor: p1.nextCursor }, otherReader)).response.status).toBe(400);

    const csv = await postCsv({ ...seedBody('+02:00'), format: 'csv' });
    expect(csv.response.status).toBe(200);
    expect(csv.response.headers.get('content-type')).toContain('text/csv');
    expect(csv.data).toBe(
      [
        'date,operation,profile,credentialType,count',
        '2026-02-26,issued,cwt,VerifiedEmployee,12',
        '2026-02-26,issued,mdoc,org.iso.18013.5.1.mDL,1',
        '2026-02-25,status_changed,cwt,,2',
        '2026-02-10,status_changed,mdoc,,1',
        '',
      ].join('\r\n'),
    );
    const csvByAccept = await postCsv({ ...seedBody('+02:00'), limit: 1 }, { accept: 'text/csv' });
    expect(csvByAccept.response.headers.get('content-type')).toContain('text/csv');
    expect(csvByAccept.response.headers.get('x-next-cursor')).toEqual(expect.any(String));

    // IANA zone: New York is UTC-5 in February.
    const ny = await page({ timeZone: 'America/New_York', startDate: '2026-02-01', endDate: '2026-02-28', profiles: ['cwt', 'mdoc'] });
    expect(ny.data).toEqual(minus5.data);
  });

  it.each([
    ['malformed offset', { timezoneOffset: '+02:7' }, 'timezoneOffset'],
    ['out-of-range offset', { timezoneOffset: '+25:00' }, 'timezoneOffset'],
    ['impossible date', { startDate: '2026-02-30' }, 'startDate'],
    ['endDate before startDate', { startDate: '2026-03-01' }, 'endDate'],
    ['range over the maximum', { startDate: '2024-01-01' }, 'endDate'],
    ['empty profiles', { profiles: [] }, 'profiles'],
    ['unknown profile', { profiles: ['mdoc', 'pdf'] }, 'profiles'],
    ['limit 0', { limit: 0 }, 'limit'],
    ['limit over the maximum', { limit: 10_001 }, 'limit'],
    ['limit not an integer', { limit: '5' }, 'limit'],
    ['foreign cursor', { cursor: 'b2Zmc2V0PTM=' }, 'cursor'],
    ['both offset and zone', { timeZone: 'Europe/Berlin' }, 'timeZone'],
    ['unknown zone', { timezoneOffset: undefined, timeZone: 'Europe/Atlantis' }, 'timeZone'],
    ['unknown field', { colour: 'blue' }, 'colour'],
  ])('400 with field details: %s', async (_name, patch, param) => {
    // deliberately invalid bodies: outside the request type
    const r = await post({ ...seedBody('+02:00'), ...patch } as ReportRequest);
    expect(r.response.status).toBe(400);
    const body = r.error as { code: string; message: string; details: { value: unknown; msg: string; param: string; location: string }[] };
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(typeof body.message).toBe('string');
    expect(body.details.map((d) => d.param)).toContain(param);
    for (const d of body.details) expect(Object.keys(d).sort()).toEqual(['location', 'msg', 'param', 'value']);
  });

  it('requires the reports:read scope', async () => {
    const token = await signDevToken({ secret: DEV_JWT_SECRET, org, scope: 'history:read' });
    expect((await post(seedBody('+02:00'), token)).response.status).toBe(403);
  });
});
