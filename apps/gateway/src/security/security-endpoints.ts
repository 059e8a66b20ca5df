import type { OrgFixture } from './security-fixtures';

/** A parameter whose value the suite replaces with hostile strings (SQL injection, LIKE wildcards). */
export interface TextParam {
  name: string;
  /** Sent as a one-element array (`k=v` repeated in a query string, a JSON array in a body). */
  array?: boolean;
  /** Free text: hostile strings must give a normal 200 answer. Format-checked parameters may answer 400 instead. */
  freeText: boolean;
}

/**
 * One row per gateway endpoint. The security suite (gateway-security.e2e-spec.ts) runs every case against
 * every row: authentication, scope, tenant isolation (parameter, body, path id of another organisation's
 * entity, cursor minted for another organisation), hostile strings in every text parameter, body size.
 * A new endpoint is one more row.
 */
export interface SecurityEndpoint {
  name: string;
  method: 'GET' | 'POST';
  /** The path naming the given organisation's entity where the path has an id, else constant. */
  path: (f: OrgFixture) => string;
  scope: 'history:read' | 'activity:read' | 'reports:read' | 'events:read';
  /** A valid request of the given organisation (query string for GET, JSON body for POST). */
  params: (f: OrgFixture) => Record<string, unknown>;
  /** Where a request can carry an organisation field. */
  paramsIn: 'query' | 'body';
  /** Server-Sent Events: only the status and headers are read, then the stream is closed. */
  stream?: boolean;
  /** The path holds an entity id: the caller's token with another organisation's id must get 404 (or 403). */
  entityInPath?: boolean;
  textParams: TextParam[];
  /** Number of results in a 200 answer (hostile strings match nothing, so this must be 0). */
  count?: (json: any) => number;
  /** Pagination: how to ask for a first page of one item and where its cursor is. */
  cursor?: { name: string; firstPage: Record<string, unknown>; next: (json: any) => string | null | undefined };
}

export const SECURITY_ENDPOINTS: SecurityEndpoint[] = [
  {
    name: 'GET /api/history/v1',
    method: 'GET',
    path: () => '/api/history/v1',
    scope: 'history:read',
    params: () => ({ page: 0, pageSize: 50 }),
    paramsIn: 'query',
    textParams: [{ name: 'searchText', freeText: true }],
    count: (j) => j.totalItems,
    cursor: { name: 'cursor', firstPage: { pageSize: 1 }, next: (j) => j.nextCursor },
  },
  {
    name: 'GET /api/history/v1/integrity',
    method: 'GET',
    path: () => '/api/history/v1/integrity',
    scope: 'history:read',
    params: () => ({ limit: 1000 }),
    paramsIn: 'query',
    textParams: [],
    // the organisation's own links only (its chain holds its fixture's entries); B's canary never appears
    count: (j) => j.checkedLinks,
  },
  {
    name: 'GET /api/history/v1/{id}',
    method: 'GET',
    path: (f) => `/api/history/v1/${f.historyIds[0]}`,
    scope: 'history:read',
    params: () => ({}),
    paramsIn: 'query',
    entityInPath: true,
    textParams: [],
  },
  {
    name: 'GET /v1/activity/credentials',
    method: 'GET',
    path: () => '/v1/activity/credentials',
    scope: 'activity:read',
    params: () => ({ limit: 100 }),
    paramsIn: 'query',
    textParams: [
      { name: 'boostUri', freeText: true },
      { name: 'integrationId', freeText: true },
    ],
    count: (j) => j.records.length,
    cursor: { name: 'cursor', firstPage: { limit: 1 }, next: (j) => j.cursor },
  },
  {
    name: 'GET /v1/activity/credentials/stats',
    method: 'GET',
    path: () => '/v1/activity/credentials/stats',
    scope: 'activity:read',
    params: () => ({}),
    paramsIn: 'query',
    textParams: [
      { name: 'boostUris', array: true, freeText: true },
      { name: 'integrationId', freeText: true },
    ],
    count: (j) => j.total,
  },
  {
    name: 'GET /v1/activity/credentials/{id}',
    method: 'GET',
    path: (f) => `/v1/activity/credentials/${f.activityIds[0]}`,
    scope: 'activity:read',
    params: () => ({}),
    paramsIn: 'query',
    entityInPath: true,
    textParams: [],
  },
  {
    name: 'GET /v1/activity/credentials/{id}/chain',
    method: 'GET',
    path: (f) => `/v1/activity/credentials/${f.activityIds[0]}/chain`,
    scope: 'activity:read',
    params: () => ({}),
    paramsIn: 'query',
    entityInPath: true,
    textParams: [],
  },
  {
    name: 'POST /v1/events/query',
    method: 'POST',
    path: () => '/v1/events/query',
    scope: 'events:read',
    params: () => ({ limit: 100 }),
    paramsIn: 'body',
    textParams: [
      { name: 'callId', freeText: true },
      { name: 'sessionId', freeText: true },
      { name: 'format', freeText: true },
      { name: 'credentialType', freeText: true },
      { name: 'signatureAlgorithm', freeText: true },
      { name: 'action', array: true, freeText: true },
      { name: 'target', array: true, freeText: true },
    ],
    count: (j) => j.items.length,
    cursor: { name: 'cursor', firstPage: { limit: 1 }, next: (j) => j.nextCursor },
  },
  {
    name: 'GET /v1/events/stream',
    method: 'GET',
    path: () => '/v1/events/stream',
    scope: 'events:read',
    params: () => ({}),
    paramsIn: 'query',
    stream: true,
    textParams: [
      { name: 'callId', freeText: true },
      { name: 'sessionId', freeText: true },
      { name: 'credentialType', freeText: true },
      { name: 'target', array: true, freeText: true },
    ],
  },
  {
    name: 'POST /v1/events/credential-reports',
    method: 'POST',
    path: () => '/v1/events/credential-reports',
    scope: 'reports:read',
    params: (f) => ({ timezoneOffset: '+00:00', startDate: f.day, endDate: f.day, profiles: ['mdoc'] }),
    paramsIn: 'body',
    textParams: [
      { name: 'profiles', array: true, freeText: false },
      { name: 'timeZone', freeText: false },
    ],
    count: (j) => j.data.length,
    cursor: { name: 'cursor', firstPage: { limit: 1 }, next: (j) => j.nextCursor },
  },
];
