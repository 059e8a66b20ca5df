/**
 * Prints a dev bearer token (HS256, AUTH_JWT_SECRET or the dev default):
 *   npm run token -- --org <organisation-id> --scope "history:read reports:read" [--ttl 3600] [--sub alice]
 */
import { signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const ALL = 'history:read activity:read reports:read events:read events:write';

signDevToken({
  secret: process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET,
  org: arg('org', '00000000-0000-4000-8000-000000000001')!,
  scope: arg('scope', ALL)!,
  expiresInSec: Number(arg('ttl', '86400')),
  subject: arg('sub', 'dev-user'),
  issuer: process.env.AUTH_ISSUER,
  audience: process.env.AUTH_AUDIENCE,
}).then((t) => process.stdout.write(t + '\n'));
