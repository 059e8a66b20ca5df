import { codeChallenge, randomToken } from './lib/pkce';

/** `/console/config.json`, served by the gateway from its environment. */
export interface RuntimeConfig {
  devSignIn: boolean;
  oidc: { issuer: string; clientId: string; scope: string; resource?: string } | null;
}

/**
 * The bearer token lives in this module's memory only: never in localStorage/sessionStorage, the URL or a log.
 * A reload signs in again (with OIDC the IdP's own session makes that a redirect round trip).
 */
let accessToken: string | null = null;
let expiresAt = 0;
const listeners = new Set<() => void>();

export function token(): string | null {
  return accessToken && Date.now() < expiresAt ? accessToken : null;
}

export function setToken(t: string | null, expiresInSec?: number): void {
  accessToken = t;
  expiresAt = t ? Date.now() + (expiresInSec ?? jwtLifetimeSec(t)) * 1000 : 0;
  listeners.forEach((l) => l());
}

export function onTokenChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Seconds until the JWT's `exp` (only read to know when to sign in again; the gateway verifies the token). */
function jwtLifetimeSec(t: string): number {
  try {
    const payload = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return payload.exp ? Math.max(0, payload.exp - Date.now() / 1000) : 3600;
  } catch {
    return 3600;
  }
}

/**
 * Development sign-in: the `npm start` banner's link carries the dev token in the fragment (`#token=…`), which
 * browsers never send to a server. It is taken into memory and removed from the address bar at once.
 */
export function takeTokenFromFragment(cfg: RuntimeConfig): boolean {
  const m = /(?:^#|&)token=([A-Za-z0-9\-_.]+)/.exec(location.hash);
  if (!m) return false;
  history.replaceState(history.state, '', location.pathname + location.search);
  if (!cfg.devSignIn) return false;
  setToken(m[1]);
  return true;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  issuer: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const r = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!r.ok) throw new Error(`OIDC discovery failed: ${r.status}`);
  return (await r.json()) as Discovery;
}

const PENDING = 'cep.console.oidc';
const CALLBACK = '/console/callback';

/**
 * OIDC authorization code flow with PKCE (public client, no secret): the verifier, state and nonce wait in
 * sessionStorage across the redirect (they are single-use and useless without the code); the return path is
 * the view the analyst asked for, so a shared link opens the same view after sign-in.
 */
export async function startOidcSignIn(cfg: RuntimeConfig, returnTo: string): Promise<void> {
  const oidc = cfg.oidc!;
  const d = await discover(oidc.issuer);
  const verifier = randomToken(48);
  const state = randomToken();
  const nonce = randomToken();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const u = new URL(d.authorization_endpoint);
  const q = u.searchParams;
  q.set('response_type', 'code');
  q.set('client_id', oidc.clientId);
  q.set('redirect_uri', location.origin + CALLBACK);
  q.set('scope', oidc.scope);
  q.set('state', state);
  q.set('nonce', nonce);
  q.set('code_challenge', await codeChallenge(verifier));
  q.set('code_challenge_method', 'S256');
  if (oidc.resource) q.set('resource', oidc.resource);
  location.assign(u.toString());
}

/** On `/console/callback?code=…&state=…`: exchanges the code (with the PKCE verifier) and returns the path to show. */
export async function completeOidcSignIn(cfg: RuntimeConfig): Promise<string | null> {
  if (location.pathname !== CALLBACK || !cfg.oidc) return null;
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING);
  // The code must not stay in the address bar or the history.
  history.replaceState(null, '', '/console/');
  if (params.get('error')) throw new Error(`sign-in refused: ${params.get('error')}`);
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state) throw new Error('sign-in response does not match the request (state)');
  const d = await discover(cfg.oidc.issuer);
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: location.origin + CALLBACK,
    client_id: cfg.oidc.clientId,
    code_verifier: pending.verifier,
  });
  if (cfg.oidc.resource) body.set('resource', cfg.oidc.resource);
  const r = await fetch(d.token_endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  if (!r.ok) throw new Error(`token request failed: ${r.status}`);
  const t = (await r.json()) as { access_token: string; expires_in?: number };
  setToken(t.access_token, t.expires_in);
  return pending.returnTo.startsWith('/console') ? pending.returnTo : '/console/';
}
