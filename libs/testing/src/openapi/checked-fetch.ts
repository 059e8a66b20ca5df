import { OpenApiContract, OpenApiContractError } from './openapi-contract';

/** Paths of the apps that serve no OpenAPI document (the projectors: health and metrics only). */
const NO_DOCUMENT_OK = [/^\/health\//, /^\/metrics$/];

export interface ContractCheckStats {
  /** Responses validated against a served document. */
  checked: number;
  /** Route templates seen per origin, `METHOD template status` (what the e2e suite exercised). */
  seen: Set<string>;
}

const stats: ContractCheckStats = { checked: 0, seen: new Set() };

/** What the checked fetch has validated so far in this test file. */
export function contractCheckStats(): ContractCheckStats {
  return stats;
}

function requestOf(input: Parameters<typeof fetch>[0], init?: RequestInit): { method: string; url: URL } {
  if (input instanceof Request) return { method: init?.method ?? input.method, url: new URL(input.url) };
  return { method: init?.method ?? 'GET', url: new URL(String(input)) };
}

/**
 * A `fetch` that validates every response against the OpenAPI document its app serves (`GET /openapi.json`,
 * fetched once per origin) and throws {@link OpenApiContractError} when a response departs from it: the status,
 * media type and body of every success and error response the e2e suite receives. An origin that serves no
 * document (a projector) may only be asked for `/health/*` and `/metrics`.
 */
export function contractCheckedFetch(base: typeof fetch = globalThis.fetch): typeof fetch {
  const documents = new Map<string, Promise<OpenApiContract | null>>();
  const documentOf = (origin: string) => {
    let d = documents.get(origin);
    if (!d) {
      d = (async () => {
        const r = await base(`${origin}/openapi.json`);
        if (r.status === 404) return null;
        if (r.status !== 200) throw new Error(`GET ${origin}/openapi.json answered ${r.status}`);
        return new OpenApiContract((await r.json()) as ConstructorParameters<typeof OpenApiContract>[0]);
      })();
      d.catch(() => documents.delete(origin)); // retried on the next request (the app may not be up yet)
      documents.set(origin, d);
    }
    return d;
  };

  const checked = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    const { method, url } = requestOf(input, init);
    const res = await base(input, init);
    if (url.pathname === '/openapi.json') return res;
    if (!/^https?:$/.test(url.protocol) || !['127.0.0.1', 'localhost'].includes(url.hostname)) return res;
    const contract = await documentOf(url.origin).catch(() => null);
    if (!contract) {
      if (NO_DOCUMENT_OK.some((re) => re.test(url.pathname))) return res;
      throw new OpenApiContractError([`${method} ${url.pathname} → ${res.status}: ${url.origin} serves no OpenAPI document at /openapi.json`]);
    }
    const contentType = res.headers.get('content-type');
    const streaming = /^text\/event-stream/i.test(contentType ?? '');
    const body = streaming ? undefined : await res.clone().text();
    const problems = contract.problems({ method, path: url.pathname, status: res.status, contentType, body });
    if (problems.length) throw new OpenApiContractError(problems);
    stats.checked += 1;
    stats.seen.add(`${url.origin} ${method.toUpperCase()} ${contract.route(url.pathname)?.template ?? url.pathname} ${res.status}`);
    return res;
  };
  return checked as typeof fetch;
}

/**
 * Replaces the global `fetch` of the test file with {@link contractCheckedFetch}: every HTTP call of the e2e tier
 * (raw `fetch` or the typed clients) is checked against the document of the app it calls. Installed by
 * `jest.e2e.config.js` (`setupFilesAfterEnv`).
 */
export function installOpenApiContractCheck(): void {
  const g = globalThis as typeof globalThis & { __cepContractCheck?: boolean };
  if (g.__cepContractCheck) return;
  g.fetch = contractCheckedFetch(g.fetch.bind(g));
  g.__cepContractCheck = true;
}
