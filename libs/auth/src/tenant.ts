import type { Principal } from './token-verifier';

/**
 * Names under which a request could name an organisation. The tenant comes from the token only: a request
 * naming another organisation under one of these keys is refused with 403, never silently filtered.
 */
const ORG_KEY = /^(organi[sz]ation(_?id)?|org(_?id)?)$/i;

export function isOrganisationKey(key: string): boolean {
  return ORG_KEY.test(key);
}

/**
 * Returns the first top-level field of `source` (query, body or path params) that names an organisation other
 * than the caller's, or undefined. A value that is not a string (or an array of strings) naming the caller's
 * organisation counts as naming another one: it cannot be the caller's.
 */
export function foreignOrganisationField(p: Pick<Principal, 'organisationId'>, source: unknown): string | undefined {
  if (!source || typeof source !== 'object' || Array.isArray(source)) return undefined;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (!isOrganisationKey(key)) continue;
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => v !== p.organisationId)) return key;
  }
  return undefined;
}
