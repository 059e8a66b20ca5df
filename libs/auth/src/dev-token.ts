import { SignJWT } from 'jose';

/** Signs an HS256 token for local use and tests (`npm run token`). */
export async function signDevToken(opts: {
  secret: string;
  org: string;
  scope: string;
  expiresInSec?: number;
  subject?: string;
  issuer?: string;
  audience?: string;
  notBefore?: number;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ org: opts.org, scope: opts.scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresInSec ?? 3600))
    .setSubject(opts.subject ?? 'dev-user');
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  if (opts.notBefore !== undefined) jwt = jwt.setNotBefore(opts.notBefore);
  return jwt.sign(new TextEncoder().encode(opts.secret));
}
