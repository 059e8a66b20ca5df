import { Reflector } from '@nestjs/core';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { signDevToken } from '../dev-token';
import { TokenVerifier } from '../token-verifier';
import { TokenThrottlerGuard } from './token-throttler.guard';

const SECRET = 'unit-test-secret-0123456789abcdef-0123456789';
const ORG_A = '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8d';
const ORG_B = '0193a4f2-7b00-7c11-8d22-3e4f5a6b7c8e';

describe('TokenThrottlerGuard: the rate-limit key', () => {
  const guard = new TokenThrottlerGuard({ throttlers: [{ ttl: 60000, limit: 10 }] }, {} as ThrottlerStorage, new Reflector(), new TokenVerifier({ jwtSecret: SECRET }));
  const tracker = (authorization?: string, ip = '10.0.0.1') =>
    (guard as unknown as { getTracker(req: object): Promise<string> }).getTracker({ headers: authorization ? { authorization } : {}, ip });
  const bearer = async (org: string, subject: string, expiresInSec = 3600) =>
    `Bearer ${await signDevToken({ secret: SECRET, org, scope: 'history:read', subject, expiresInSec })}`;

  it('is organisation + subject: a freshly minted token of the same caller shares the budget', async () => {
    const first = await tracker(await bearer(ORG_A, 'alice', 3600));
    const fresh = await tracker(await bearer(ORG_A, 'alice', 7200));
    expect(fresh).toBe(first);
    expect(first).not.toContain('eyJ'); // never the token itself
  });

  it('differs per subject and per organisation', async () => {
    const alice = await tracker(await bearer(ORG_A, 'alice'));
    expect(await tracker(await bearer(ORG_A, 'bob'))).not.toBe(alice);
    expect(await tracker(await bearer(ORG_B, 'alice'))).not.toBe(alice);
  });

  it('falls back to the client IP without a valid token', async () => {
    expect(await tracker(undefined, '10.0.0.9')).toBe('ip:10.0.0.9');
    expect(await tracker('Bearer x.y.z', '10.0.0.9')).toBe('ip:10.0.0.9');
    expect(await tracker(await bearer('not-a-uuid', 'alice'), '10.0.0.9')).toBe('ip:10.0.0.9');
  });
});
