import { randomUUID } from 'crypto';

/** The apps the hostile-input suite runs as processes: the gateway and the three producers. */
export type HostileApp = 'gateway' | 'issuer' | 'verifier' | 'wallet';

/** A date parameter and how it is written: ISO-8601 date-time, calendar date, or Unix milliseconds. */
export interface DateParamRow {
  name: string;
  format: 'iso' | 'day' | 'ms';
}

/**
 * One row per route of every app. The hostile-input suite (hostile-input.e2e-spec.ts) sends each row's request
 * with hostile input and expects a 4xx in the error shape `{statusCode, code, message, details[]}` naming the
 * field, never a 500, and nothing appended: Content-Encoding lies and garbage compressed bodies, JSON nested
 * deeper than the limit, NUL and unpaired surrogates in every string field (body or query) and in the path,
 * out-of-range dates in every date parameter, non-JSON bodies (415). A new route is one more row
 * (hostile-input-routes.spec.ts fails until it has one).
 */
export interface HostileRoute {
  app: HostileApp;
  /** `METHOD /path/{id}` exactly as the controller declares it. */
  name: string;
  scope: string;
  /** A request of the right shape: query string for GET, JSON body otherwise. */
  params: () => Record<string, unknown>;
  /** String fields (dotted paths into params; query parameters for GET) that receive NUL and unpaired surrogates. */
  strings: string[];
  /** Date parameters, each sent as year 0, 9999-12-31T23:59:59Z and year 10000. */
  dates?: DateParamRow[];
  /** Server-Sent Events: a 200 would be a stream (closed at once). */
  stream?: boolean;
}

const did = () => ({ id: randomUUID(), did: 'did:key:z6MkHostile', name: 'Hostile DID' });
const W = 'events:write';

export const HOSTILE_ROUTES: HostileRoute[] = [
  // gateway (read side)
  {
    app: 'gateway',
    name: 'GET /api/history/v1',
    scope: 'history:read',
    params: () => ({ pageSize: 10 }),
    strings: ['searchText', 'cursor'],
    dates: ['createdDateFrom', 'createdDateTo', 'createdDateAfter', 'createdDateBefore'].map((name) => ({ name, format: 'iso' as const })),
  },
  {
    app: 'gateway',
    name: 'GET /api/history/v1/integrity',
    scope: 'history:read',
    params: () => ({ limit: 10 }),
    strings: [],
    dates: ['from', 'to'].map((name) => ({ name, format: 'iso' as const })),
  },
  { app: 'gateway', name: 'GET /api/history/v1/{id}', scope: 'history:read', params: () => ({}), strings: [] },
  {
    app: 'gateway',
    name: 'GET /v1/activity/credentials',
    scope: 'activity:read',
    params: () => ({ limit: 10 }),
    strings: ['boostUri', 'integrationId', 'cursor'],
    dates: [
      { name: 'startDate', format: 'iso' },
      { name: 'endDate', format: 'iso' },
    ],
  },
  {
    app: 'gateway',
    name: 'GET /v1/activity/credentials/stats',
    scope: 'activity:read',
    params: () => ({}),
    strings: ['boostUris', 'integrationId'],
    dates: [
      { name: 'startDate', format: 'iso' },
      { name: 'endDate', format: 'iso' },
    ],
  },
  { app: 'gateway', name: 'GET /v1/activity/credentials/{id}', scope: 'activity:read', params: () => ({}), strings: [] },
  { app: 'gateway', name: 'GET /v1/activity/credentials/{id}/chain', scope: 'activity:read', params: () => ({}), strings: [] },
  {
    app: 'gateway',
    name: 'POST /v1/events/query',
    scope: 'events:read',
    params: () => ({ limit: 10, action: ['init_session'], target: ['acme.verifier'] }),
    strings: ['callId', 'sessionId', 'format', 'credentialType', 'signatureAlgorithm', 'cursor', 'action.0', 'target.0'],
    dates: [
      { name: 'fromTimestamp', format: 'ms' },
      { name: 'toTimestamp', format: 'ms' },
    ],
  },
  {
    app: 'gateway',
    name: 'GET /v1/events/stream',
    scope: 'events:read',
    params: () => ({}),
    strings: ['callId', 'sessionId', 'format', 'credentialType', 'signatureAlgorithm', 'action', 'target', 'lastEventId'],
    dates: [
      { name: 'fromTimestamp', format: 'ms' },
      { name: 'toTimestamp', format: 'ms' },
    ],
    stream: true,
  },
  {
    app: 'gateway',
    name: 'POST /v1/events/credential-reports',
    scope: 'reports:read',
    params: () => ({ timezoneOffset: '+00:00', startDate: '2026-01-01', endDate: '2026-01-31', profiles: ['mdoc'] }),
    strings: ['timezoneOffset', 'profiles.0', 'cursor'],
    dates: [
      { name: 'startDate', format: 'day' },
      { name: 'endDate', format: 'day' },
    ],
  },

  // issuer
  {
    app: 'issuer',
    name: 'POST /v1/credential-schemas',
    scope: W,
    params: () => ({ name: 'Hostile schema', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', claimNames: ['Family name'] }),
    strings: ['name', 'credentialType', 'claimNames.0'],
  },
  { app: 'issuer', name: 'POST /v1/credential-schemas/{id}/share', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'DELETE /v1/credential-schemas/{id}', scope: W, params: () => ({}), strings: [] },
  {
    app: 'issuer',
    name: 'POST /v1/credentials',
    scope: W,
    params: () => ({
      schemaId: randomUUID(),
      schemaName: 'Hostile schema',
      profile: 'mdoc',
      credentialType: 'org.iso.18013.5.1.mDL',
      claims: [{ name: 'Family name', value: 'Doe' }],
      issuerDid: did(),
      recipient: { type: 'email', identifier: 'hostile@example.com' },
      boostUri: 'urn:boost:hostile',
      integrationId: 'hostile-lms',
    }),
    strings: ['schemaName', 'credentialType', 'claims.0.name', 'claims.0.value', 'issuerDid.did', 'recipient.identifier', 'boostUri', 'integrationId'],
  },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/accept', scope: W, params: () => ({ holderDid: did(), credentialUri: 'urn:cred:1' }), strings: ['holderDid.did', 'credentialUri'] },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/reject', scope: W, params: () => ({ reason: 'no' }), strings: ['reason'] },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/revoke', scope: W, params: () => ({ reason: 'no' }), strings: ['reason'] },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/suspend', scope: W, params: () => ({ reason: 'no' }), strings: ['reason'] },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/reactivate', scope: W, params: () => ({ reason: 'no' }), strings: ['reason'] },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/share', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/credentials/{id}/delivery-failure', scope: W, params: () => ({ error: 'mailbox unavailable' }), strings: ['error'] },
  { app: 'issuer', name: 'DELETE /v1/credentials/{id}', scope: W, params: () => ({ reason: 'no' }), strings: ['reason'] },
  { app: 'issuer', name: 'POST /v1/keys', scope: W, params: () => ({ name: 'k', keyType: 'EDDSA', storageType: 'INTERNAL' }), strings: ['name', 'keyType', 'storageType'] },
  { app: 'issuer', name: 'POST /v1/keys/{id}/export', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/keys/{id}/rotate', scope: W, params: () => ({}), strings: [] },
  {
    app: 'issuer',
    name: 'POST /v1/dids',
    scope: W,
    params: () => ({ did: 'did:key:z6MkHostile', name: 'd', method: 'KEY', keyIds: [randomUUID()] }),
    strings: ['did', 'name', 'method', 'keyIds.0'],
  },
  { app: 'issuer', name: 'POST /v1/dids/{id}/update', scope: W, params: () => ({ keyIds: [randomUUID()] }), strings: ['keyIds.0'] },
  { app: 'issuer', name: 'POST /v1/dids/{id}/deactivate', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/dids/{id}/resolve', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/organisations', scope: W, params: () => ({ name: 'Hostile org' }), strings: ['name'] },
  { app: 'issuer', name: 'POST /v1/trust-anchors', scope: W, params: () => ({ name: 'ta', type: 'SIMPLE_TRUST_LIST', publisherReference: 'ref' }), strings: ['name', 'type', 'publisherReference'] },
  { app: 'issuer', name: 'DELETE /v1/trust-anchors/{id}', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/trust-entities', scope: W, params: () => ({ name: 'te', trustAnchorId: randomUUID() }), strings: ['name', 'trustAnchorId'] },
  { app: 'issuer', name: 'POST /v1/trust-entities/{id}/remove', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/trust-entities/{id}/withdraw', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/trust-entities/{id}/activate', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/bridge/providers', scope: W, params: () => ({ name: 'p', issuerUrl: 'https://idp.example' }), strings: ['name', 'issuerUrl'] },
  { app: 'issuer', name: 'PATCH /v1/bridge/providers/{id}', scope: W, params: () => ({ name: 'p2', issuerUrl: 'https://idp.example' }), strings: ['name', 'issuerUrl'] },
  { app: 'issuer', name: 'POST /v1/bridge/providers/{id}/client-secret', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'DELETE /v1/bridge/providers/{id}', scope: W, params: () => ({}), strings: [] },
  { app: 'issuer', name: 'POST /v1/bridge/providers/{id}/logins', scope: W, params: () => ({ subject: 'alice', error: 'denied' }), strings: ['subject', 'error'] },

  // verifier
  {
    app: 'verifier',
    name: 'POST /v1/proof-schemas',
    scope: W,
    params: () => ({ name: 'ps', credentialSchemaIds: [randomUUID()], claimNames: ['Family name'] }),
    strings: ['name', 'credentialSchemaIds.0', 'claimNames.0'],
  },
  { app: 'verifier', name: 'POST /v1/proof-schemas/{id}/share', scope: W, params: () => ({}), strings: [] },
  { app: 'verifier', name: 'DELETE /v1/proof-schemas/{id}', scope: W, params: () => ({}), strings: [] },
  {
    app: 'verifier',
    name: 'POST /v1/proofs',
    scope: W,
    params: () => ({ proofSchemaId: randomUUID(), verifierDid: did(), format: 'vc+sd-jwt', credentialType: 'identity_credential' }),
    strings: ['verifierDid.did', 'format', 'credentialType'],
  },
  { app: 'verifier', name: 'POST /v1/proofs/{id}/request', scope: W, params: () => ({}), strings: [] },
  {
    app: 'verifier',
    name: 'POST /v1/proofs/{id}/share',
    scope: W,
    params: () => ({ credentials: [{ credentialId: randomUUID(), credentialType: 'identity_credential' }], claims: [{ name: 'n', value: 'v' }] }),
    strings: ['credentials.0.credentialType', 'claims.0.name', 'claims.0.value'],
  },
  { app: 'verifier', name: 'POST /v1/proofs/{id}/accept', scope: W, params: () => ({ signatureAlgorithm: 'ES256', reason: 'ok' }), strings: ['signatureAlgorithm', 'reason'] },
  { app: 'verifier', name: 'POST /v1/proofs/{id}/reject', scope: W, params: () => ({ signatureAlgorithm: 'ES256', reason: 'no' }), strings: ['signatureAlgorithm', 'reason'] },
  { app: 'verifier', name: 'POST /v1/proofs/{id}/retract', scope: W, params: () => ({}), strings: [] },
  { app: 'verifier', name: 'POST /v1/proofs/{id}/error', scope: W, params: () => ({ error: 'boom' }), strings: ['error'] },
  { app: 'verifier', name: 'POST /v1/proofs/{id}/claims-removal', scope: W, params: () => ({}), strings: [] },

  // wallet
  {
    app: 'wallet',
    name: 'POST /v1/wallet/credentials',
    scope: W,
    params: () => ({
      credentialId: randomUUID(),
      name: 'c',
      schemaName: 's',
      credentialType: 'identity_credential',
      issuerOrganisationId: randomUUID(),
      actorProfileId: 'sender',
      preAuthorizedCode: 'A'.repeat(32),
    }),
    strings: ['name', 'schemaName', 'credentialType', 'issuerOrganisationId', 'actorProfileId', 'preAuthorizedCode'],
  },
  {
    app: 'wallet',
    name: 'POST /v1/wallet/credentials/{id}/claim',
    scope: W,
    params: () => ({ preAuthorizedCode: 'A'.repeat(32), txCode: '1234', holderDid: did() }),
    strings: ['preAuthorizedCode', 'txCode', 'holderDid.did'],
  },
  {
    app: 'wallet',
    name: 'POST /v1/wallet/credentials/{id}/reject',
    scope: W,
    params: () => ({ preAuthorizedCode: 'A'.repeat(32), reason: 'no' }),
    strings: ['preAuthorizedCode', 'reason'],
  },
  {
    app: 'wallet',
    name: 'POST /v1/wallet/proofs/{id}/share',
    scope: W,
    params: () => ({ name: 'p', verifierDid: did(), credentials: [{ credentialId: randomUUID() }], presentationRequestUrl: 'https://v.example/r' }),
    strings: ['name', 'verifierDid.did', 'presentationRequestUrl'],
  },
  { app: 'wallet', name: 'POST /v1/wallet/backups', scope: W, params: () => ({ name: 'b' }), strings: ['name'] },
  { app: 'wallet', name: 'POST /v1/wallet/backups/{id}/restore', scope: W, params: () => ({}), strings: [] },
  { app: 'wallet', name: 'POST /v1/wallet/keys', scope: W, params: () => ({ keyAlgorithm: 'Ed25519' }), strings: ['keyAlgorithm'] },
  { app: 'wallet', name: 'POST /v1/wallet/keys/{id}/export', scope: W, params: () => ({}), strings: [] },
  { app: 'wallet', name: 'POST /v1/wallet/keys/{id}/rotate', scope: W, params: () => ({}), strings: [] },
  { app: 'wallet', name: 'POST /v1/wallet/dids', scope: W, params: () => ({ did: 'did:key:z6MkWallet' }), strings: ['did'] },
  { app: 'wallet', name: 'POST /v1/wallet/dids/{id}/update', scope: W, params: () => ({}), strings: [] },
  { app: 'wallet', name: 'POST /v1/wallet/dids/{id}/resolve', scope: W, params: () => ({}), strings: [] },
];

/** The row's method and path with `{id}` replaced by `id`. */
export function routeRequest(row: HostileRoute, id: string): { method: string; path: string } {
  const [method, path] = row.name.split(' ');
  return { method, path: path.replace(/\{[^}]*\}/g, id) };
}
