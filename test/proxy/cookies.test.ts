import { describe, expect, it } from 'vitest';
import { rewriteSetCookie } from '../../src/proxy/cookies.js';

describe('rewriteSetCookie', () => {
  it('drops the upstream Domain so the cookie belongs to the proxy host', () => {
    expect(
      rewriteSetCookie('JSESSIONID=abc; Domain=gws.example.com; Path=/; HttpOnly', { isDowngrade: false }),
    ).toBe('JSESSIONID=abc; Path=/; HttpOnly');
  });

  it('drops Secure, Partitioned and SameSite=None when the upstream is https and the proxy http', () => {
    expect(
      rewriteSetCookie('JSESSIONID=abc; Path=/; Secure; HttpOnly; SameSite=None; Partitioned', {
        isDowngrade: true,
      }),
    ).toBe('JSESSIONID=abc; Path=/; HttpOnly');
    expect(rewriteSetCookie('a=b; SameSite=Strict; Secure', { isDowngrade: true })).toBe(
      'a=b; SameSite=Strict',
    );
  });

  it('keeps Secure when there is no downgrade, and the name and value byte for byte', () => {
    const cookie = 'JSESSIONID="a=b;"; Path=/; Secure';
    expect(rewriteSetCookie('JSESSIONID=a%3Db; Path=/; Secure', { isDowngrade: false })).toBe(
      'JSESSIONID=a%3Db; Path=/; Secure',
    );
    expect(rewriteSetCookie('plain=1', { isDowngrade: true })).toBe('plain=1');
    expect(rewriteSetCookie(cookie, { isDowngrade: false }).startsWith('JSESSIONID="a=b')).toBe(true);
  });
});
