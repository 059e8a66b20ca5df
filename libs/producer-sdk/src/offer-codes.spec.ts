import { hashPreAuthorizedCode, hashTxCode, newPreAuthorizedCode, newTxCode, sameHash } from './offer-codes';

describe('offer codes (OpenID4VCI pre-authorized code)', () => {
  it('given new codes, then pre-authorized codes are 256-bit base64url and unique, tx codes 6 digits', () => {
    const codes = new Set(Array.from({ length: 1000 }, newPreAuthorizedCode));
    expect(codes.size).toBe(1000);
    for (const c of codes) expect(Buffer.from(c, 'base64url')).toHaveLength(32);
    for (let i = 0; i < 200; i++) expect(newTxCode()).toMatch(/^[0-9]{6}$/);
  });

  it('given a code, then its hash is the hex SHA-256 and the tx code hash is bound to the code', () => {
    expect(hashPreAuthorizedCode('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashTxCode('code-1', '123456')).not.toBe(hashTxCode('code-2', '123456'));
    expect(hashTxCode('code-1', '123456')).not.toBe(hashTxCode('code-1', '123457'));
  });

  it('sameHash: equal hashes only, as hex or bytes; missing or malformed is never equal', () => {
    const h = hashPreAuthorizedCode('x');
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(Buffer.from(h, 'hex'), h)).toBe(true);
    expect(sameHash(h, hashPreAuthorizedCode('y'))).toBe(false);
    expect(sameHash(h, undefined)).toBe(false);
    expect(sameHash(null, h)).toBe(false);
    expect(sameHash(h, h.slice(0, 62))).toBe(false);
    expect(sameHash('zz', 'zz')).toBe(false);
  });
});
