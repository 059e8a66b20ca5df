import { TokenVerifier } from '@cep/auth';
import { DEV_JWT_SECRET } from '@cep/platform';
import { signDevToken } from '@cep/auth';
import { parseTokenArgs } from './token';

const ORG = '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d';

describe('npm run token: argument parsing', () => {
  it('takes org and scope, defaults the rest', () => {
    const a = parseTokenArgs(['--org', ORG, '--scope', 'history:read  reports:read'], {});
    expect(a).toMatchObject({ org: ORG, scope: 'history:read reports:read', expiresInSec: 86400, subject: 'dev-user', secret: DEV_JWT_SECRET });
  });

  it('uses AUTH_JWT_SECRET, AUTH_ISSUER and AUTH_AUDIENCE, overridable by flags', () => {
    const env = { AUTH_JWT_SECRET: 's'.repeat(40), AUTH_ISSUER: 'https://iss/', AUTH_AUDIENCE: 'cep-api' };
    expect(parseTokenArgs(['--org', ORG], env)).toMatchObject({ secret: 's'.repeat(40), issuer: 'https://iss/', audience: 'cep-api' });
    expect(parseTokenArgs(['--org', ORG, '--aud', 'other', '--ttl', '-60', '--nbf', '1700000000'], env)).toMatchObject({
      audience: 'other',
      expiresInSec: -60,
      notBefore: 1700000000,
    });
  });

  it('rejects unknown scopes and flags, missing values, and the dev secret in production', () => {
    expect(() => parseTokenArgs(['--scope', 'history:write'], {})).toThrow(/unknown scope/);
    expect(() => parseTokenArgs(['--organisation', 'x'], {})).toThrow(/unknown argument/);
    expect(() => parseTokenArgs(['--org'], {})).toThrow(/needs a value/);
    expect(() => parseTokenArgs(['--org', 'acme'], {})).toThrow(/UUID/);
    expect(() => parseTokenArgs(['--org', ORG], { NODE_ENV: 'production' })).toThrow(/dev secret/);
  });

  it('signs a token the apps accept', async () => {
    const a = parseTokenArgs(['--org', ORG, '--scope', 'events:write', '--aud', 'cep-api'], {});
    const p = await new TokenVerifier({ jwtSecret: DEV_JWT_SECRET, audience: 'cep-api' }).verify(`Bearer ${await signDevToken(a)}`);
    expect(p.organisationId).toBe(ORG);
    expect([...p.scopes]).toEqual(['events:write']);
  });
});
