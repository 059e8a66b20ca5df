/**
 * Prints a dev bearer token (HS256 with AUTH_JWT_SECRET, or the dev default outside production):
 *
 *   npm run -s token -- --org <organisation-id> --scope "history:read reports:read" [--ttl 3600] [--sub alice]
 *                       [--aud cep-api] [--iss https://issuer/] [--nbf <unix seconds>]
 *
 * --scope defaults to every scope; --ttl to 86400 s; --iss/--aud to AUTH_ISSUER/AUTH_AUDIENCE (so the token
 * passes the running apps' checks). Production tokens come from the OIDC provider (AUTH_JWKS_URL), never from here.
 */
import { SCOPES, signDevToken } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';

export interface TokenArgs {
  secret: string;
  org: string;
  scope: string;
  expiresInSec: number;
  subject: string;
  issuer?: string;
  audience?: string;
  notBefore?: number;
}

export const USAGE =
  'usage: npm run -s token -- --org <organisation-id> [--scope "history:read activity:read"] [--ttl <seconds>] [--sub <subject>] [--aud <audience>] [--iss <issuer>] [--nbf <unix seconds>]\n' +
  `scopes: ${SCOPES.join(' ')}`;

const FLAGS = new Set(['org', 'scope', 'ttl', 'sub', 'aud', 'iss', 'nbf']);

/** Parses the command line and environment; throws with a message for the user on bad input. */
export function parseTokenArgs(argv: string[], env: NodeJS.ProcessEnv): TokenArgs {
  const args: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z]+)$/.exec(argv[i]);
    if (!m || !FLAGS.has(m[1])) throw new Error(`unknown argument: ${argv[i]}`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`--${m[1]} needs a value`);
    args[m[1]] = v;
    i++;
  }
  const org = args.org ?? '00000000-0000-4000-8000-000000000001';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(org)) throw new Error('--org must be the organisation id, a UUID (the apps refuse any other org with 401)');
  const scope = (args.scope ?? SCOPES.join(' ')).split(/\s+/).filter(Boolean);
  const unknown = scope.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown scope(s): ${unknown.join(' ')}`);
  const ttl = Number(args.ttl ?? 86400);
  if (!Number.isInteger(ttl)) throw new Error('--ttl must be an integer number of seconds (negative for an expired token)');
  const nbf = args.nbf === undefined ? undefined : Number(args.nbf);
  if (nbf !== undefined && !Number.isInteger(nbf)) throw new Error('--nbf must be unix seconds');
  const secret = env.AUTH_JWT_SECRET || DEV_JWT_SECRET;
  if (env.NODE_ENV === 'production' && secret === DEV_JWT_SECRET) throw new Error('refusing to sign with the dev secret when NODE_ENV=production');
  return {
    secret,
    org,
    scope: scope.join(' '),
    expiresInSec: ttl,
    subject: args.sub ?? 'dev-user',
    issuer: args.iss ?? (env.AUTH_ISSUER || undefined),
    audience: args.aud ?? (env.AUTH_AUDIENCE || undefined),
    notBefore: nbf,
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  let parsed: TokenArgs;
  try {
    parsed = parseTokenArgs(argv, process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  signDevToken(parsed).then((t) => process.stdout.write(t + '\n'));
}
