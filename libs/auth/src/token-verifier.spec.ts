import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { signDevToken } from './dev-token';
import { AuthError, TokenVerifier } from './token-verifier';

const SECRET = 'unit-test-secret-0123456789abcdef-0123456789';
const ORG_A = '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d';
const ORG_B = '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8e';
const ORG_JWKS = '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8f';
const now = () => Math.floor(Date.now() / 1000);
type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
type SigningKey = KeyPair['privateKey'];

async function expect401(p: Promise<unknown>, code?: string): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  expect((err as AuthError).status).toBe(401);
  if (code) expect((err as AuthError).message).toContain(code);
}

describe('TokenVerifier (HS256 shared secret)', () => {
  const v = new TokenVerifier({ jwtSecret: SECRET, issuer: 'https://issuer.test/', audience: 'cep-api' });
  const sign = (o: Partial<Parameters<typeof signDevToken>[0]> = {}) =>
    signDevToken({ secret: SECRET, org: ORG_A, scope: 'history:read events:read', issuer: 'https://issuer.test/', audience: 'cep-api', ...o });

  it('accepts a valid token and returns the org and scopes from the claims', async () => {
    const p = await v.verify(`Bearer ${await sign({ subject: 'alice' })}`);
    expect(p.organisationId).toBe(ORG_A);
    expect([...p.scopes]).toEqual(['history:read', 'events:read']);
    expect(p.subject).toBe('alice');
  });

  it('rejects a missing or malformed Authorization header', async () => {
    await expect401(v.verify(undefined), 'missing');
    await expect401(v.verify('Basic dXNlcjpwYXNz'), 'malformed');
    await expect401(v.verify('Bearer not-a-jwt'), 'malformed');
  });

  it('rejects an expired token', async () => {
    await expect401(v.verify(`Bearer ${await sign({ expiresInSec: -60 })}`), 'ERR_JWT_EXPIRED');
  });

  it('rejects a token that is not valid yet (nbf)', async () => {
    await expect401(v.verify(`Bearer ${await sign({ notBefore: now() + 600 })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('rejects a wrong signature, issuer or audience', async () => {
    await expect401(v.verify(`Bearer ${await sign({ secret: SECRET + 'x' })}`), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await expect401(v.verify(`Bearer ${await sign({ issuer: 'https://evil.test/' })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    await expect401(v.verify(`Bearer ${await sign({ audience: 'other-api' })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    await expect401(v.verify(`Bearer ${await sign({ audience: undefined })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('rejects a token without exp, without org, or with alg none', async () => {
    const key = new TextEncoder().encode(SECRET);
    const noExp = await new SignJWT({ org: ORG_A, scope: 'history:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test/')
      .setAudience('cep-api')
      .sign(key);
    await expect401(v.verify(`Bearer ${noExp}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    const noOrg = await new SignJWT({ scope: 'history:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test/')
      .setAudience('cep-api')
      .setExpirationTime('1h')
      .sign(key);
    await expect401(v.verify(`Bearer ${noOrg}`), 'org');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ org: ORG_A, scope: 'history:read', exp: now() + 60, iss: 'https://issuer.test/', aud: 'cep-api' })}.`;
    await expect401(v.verify(`Bearer ${none}`));
  });

  it('rejects a token whose org is not a UUID (401), and lowercases a UUID org', async () => {
    for (const org of ['org-a', 'acme', `${ORG_A}x`, ' ' + ORG_A, '00000000-0000-0000-0000-00000000000g', "' OR 1=1 --"]) {
      await expect401(v.verify(`Bearer ${await sign({ org })}`), 'not a UUID');
    }
    const key = new TextEncoder().encode(SECRET);
    const numeric = await new SignJWT({ org: 42, scope: 'history:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.test/')
      .setAudience('cep-api')
      .setExpirationTime('1h')
      .sign(key);
    await expect401(v.verify(`Bearer ${numeric}`), 'org');
    expect((await v.verify(`Bearer ${await sign({ org: ORG_A.toUpperCase() })}`)).organisationId).toBe(ORG_A);
  });

  it('rejects a token issued in the future beyond the clock tolerance (iat), accepts one within it', async () => {
    const key = new TextEncoder().encode(SECRET);
    const issuedAt = (iat: number) =>
      new SignJWT({ org: ORG_A, scope: 'history:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('https://issuer.test/')
        .setAudience('cep-api')
        .setIssuedAt(iat)
        .setExpirationTime(now() + 3600)
        .sign(key);
    await expect401(v.verify(`Bearer ${await issuedAt(now() + 600)}`), 'iat');
    await expect401(v.verify(`Bearer ${await issuedAt(now() + 30)}`), 'iat');
    await expect(v.verify(`Bearer ${await issuedAt(now() + 2)}`)).resolves.toMatchObject({ organisationId: ORG_A });
    const fixed = new TokenVerifier({ jwtSecret: SECRET, issuer: 'https://issuer.test/', audience: 'cep-api', now: () => (now() + 600) * 1000 });
    await expect(fixed.verify(`Bearer ${await issuedAt(now() + 600)}`)).resolves.toMatchObject({ organisationId: ORG_A });
  });

  it('does not check iss/aud when they are not configured', async () => {
    const plain = new TokenVerifier({ jwtSecret: SECRET });
    const p = await plain.verify(`Bearer ${await signDevToken({ secret: SECRET, org: ORG_B, scope: '' })}`);
    expect(p.organisationId).toBe(ORG_B);
    expect(p.scopes.size).toBe(0);
  });
});

describe('TokenVerifier (JWKS, RS256/ES256): a local JWKS served over HTTP', () => {
  let server: Server;
  let jwksUrl: string;
  let rsa: KeyPair;
  let ec: KeyPair;
  let other: KeyPair;
  let jwksRequests = 0;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    other = await generateKeyPair('RS256');
    const keys: JWK[] = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((req, res) => {
      jwksRequests++;
      if (req.url !== '/.well-known/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const token = (alg: 'RS256' | 'ES256', key: SigningKey, kid: string, claims: { exp?: number; nbf?: number; iss?: string; aud?: string } = {}) => {
    let jwt = new SignJWT({ org: ORG_JWKS, scope: 'activity:read' })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setIssuedAt()
      .setSubject('svc')
      .setIssuer(claims.iss ?? 'https://idp.test/')
      .setAudience(claims.aud ?? 'cep-api')
      .setExpirationTime(claims.exp ?? now() + 300);
    if (claims.nbf) jwt = jwt.setNotBefore(claims.nbf);
    return jwt.sign(key);
  };

  it('accepts RS256 and ES256 tokens signed by keys in the JWKS', async () => {
    const v = new TokenVerifier({ jwksUrl, issuer: 'https://idp.test/', audience: 'cep-api' });
    expect((await v.verify(`Bearer ${await token('RS256', rsa.privateKey, 'rsa-1')}`)).organisationId).toBe(ORG_JWKS);
    const p = await v.verify(`Bearer ${await token('ES256', ec.privateKey, 'ec-1')}`);
    expect(p.organisationId).toBe(ORG_JWKS);
    expect(p.scopes.has('activity:read')).toBe(true);
    expect(jwksRequests).toBeGreaterThanOrEqual(1);
  });

  it('rejects a key that is not in the JWKS, a kid pointing at another key, and exp/nbf/iss/aud violations', async () => {
    const v = new TokenVerifier({ jwksUrl, issuer: 'https://idp.test/', audience: 'cep-api' });
    await expect401(v.verify(`Bearer ${await token('RS256', other.privateKey, 'rsa-1')}`), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    await expect401(v.verify(`Bearer ${await token('RS256', other.privateKey, 'unknown-kid')}`), 'ERR_JWKS_NO_MATCHING_KEY');
    await expect401(v.verify(`Bearer ${await token('RS256', rsa.privateKey, 'rsa-1', { exp: now() - 60 })}`), 'ERR_JWT_EXPIRED');
    await expect401(v.verify(`Bearer ${await token('ES256', ec.privateKey, 'ec-1', { nbf: now() + 600 })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    await expect401(v.verify(`Bearer ${await token('RS256', rsa.privateKey, 'rsa-1', { iss: 'https://evil.test/' })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    await expect401(v.verify(`Bearer ${await token('RS256', rsa.privateKey, 'rsa-1', { aud: 'another-api' })}`), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('refuses HS256 tokens when a JWKS is configured (no algorithm confusion), even signed with the public key bytes', async () => {
    const v = new TokenVerifier({ jwksUrl, jwtSecret: SECRET });
    await expect401(v.verify(`Bearer ${await signDevToken({ secret: SECRET, org: ORG_JWKS, scope: 'activity:read' })}`));
    const pubJwk = JSON.stringify(await exportJWK(rsa.publicKey));
    const confused = await new SignJWT({ org: ORG_JWKS, scope: 'activity:read' })
      .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(pubJwk));
    await expect401(v.verify(`Bearer ${confused}`));
  });

  it('answers 401 (not a crash) when the JWKS endpoint is unreachable', async () => {
    const v = new TokenVerifier({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' });
    await expect401(v.verify(`Bearer ${await token('RS256', rsa.privateKey, 'rsa-1')}`));
  });
});
