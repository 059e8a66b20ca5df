import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api/gateway-api.generated';
import { setToken, token } from './auth';
import { joinCsvPages } from './lib/csv';

export type Schemas = components['schemas'];

/**
 * The typed client of the public gateway API (openapi-fetch over the types openapi-typescript generated from the
 * gateway's OpenAPI document, `npm run contracts:generate`). Same origin: the console is served by the gateway.
 */
const auth: Middleware = {
  onRequest({ request }) {
    const t = token();
    if (t) request.headers.set('authorization', `Bearer ${t}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) setToken(null);
    return response;
  },
};

export const api = createClient<paths, 'application/json'>({ baseUrl: location.origin });
api.use(auth);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The data of a response that must succeed; the API's error message otherwise. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || r.data === undefined) {
    const e = r.error as { message?: string } | undefined;
    throw new ApiError(r.response.status, e?.message ?? `HTTP ${r.response.status}`);
  }
  return r.data;
}

export type ReportRequest = Schemas['CredentialReportRequestDto'];

/** Every page of a report (limit 10000: a year of a busy tenant is one page). */
export async function fetchReport(req: ReportRequest): Promise<Schemas['CredentialReportEntryDto'][]> {
  const out: Schemas['CredentialReportEntryDto'][] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n++) {
    const page = ok(await api.POST('/v1/events/credential-reports', { body: { ...req, limit: 10000, ...(cursor ? { cursor } : {}) } }));
    out.push(...page.data);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return out;
}

/** The server's CSV of a report, every page joined (next page cursor in `X-Next-Cursor`). */
export async function fetchReportCsv(req: ReportRequest): Promise<string> {
  const pages: string[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 100; n++) {
    const r = await api.POST('/v1/events/credential-reports', { body: { ...req, format: 'csv', limit: 10000, ...(cursor ? { cursor } : {}) }, parseAs: 'text' });
    pages.push(ok(r as { data?: string; error?: unknown; response: Response }));
    cursor = r.response.headers.get('x-next-cursor') ?? undefined;
    if (!cursor) break;
  }
  return joinCsvPages(pages);
}

/** The freshness watermark: the history read model's newest applied event of the caller's organisation. */
export async function fetchFreshness(): Promise<{ newest: string | null; lagMs: number | null }> {
  const r = await api.GET('/api/history/v1', { params: { query: { page: 0, pageSize: 1 } } });
  ok(r);
  const newest = r.response.headers.get('x-history-newest-event-time');
  const lag = r.response.headers.get('x-history-lag-ms');
  return { newest, lagMs: lag === null ? null : Number(lag) };
}

export function download(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
