import { describe, expect, it } from 'vitest';
import { splitTarget, underPath } from '../../src/common/under-path.js';

describe('splitTarget', () => {
  it('splits at the first ?, keeping the rest of the query whole', () => {
    expect(splitTarget('/api/v2/me')).toEqual({ path: '/api/v2/me', query: '' });
    expect(splitTarget('/a?x=1&y=?z')).toEqual({ path: '/a', query: 'x=1&y=?z' });
    expect(splitTarget('/a?')).toEqual({ path: '/a', query: '' });
    expect(splitTarget('?x=1')).toEqual({ path: '', query: 'x=1' });
  });

  it('takes an absolute-form target (RFC 9112 §3.2.2) in origin-form: scheme and authority dropped', () => {
    expect(splitTarget('http://127.0.0.1:8090/api/v2/notifications/connect?x=1')).toEqual({
      path: '/api/v2/notifications/connect',
      query: 'x=1',
    });
    expect(splitTarget('HTTPS://gws.example.com')).toEqual({ path: '/', query: '' });
    expect(splitTarget('http://gws.example.com?q')).toEqual({ path: '/', query: 'q' });
    // only an http(s) absolute-form target: anything else stays as sent
    expect(splitTarget('*')).toEqual({ path: '*', query: '' });
    expect(splitTarget('ftp://x/y')).toEqual({ path: 'ftp://x/y', query: '' });
  });

  it('keeps the path as sent: no escapes decoded, no dot segments resolved, // and \\ kept', () => {
    for (const path of ['/a/../b', '/a/%2e%2e/b', '//a', '/a\\b', '/a/./b', '/%6Eotifications']) {
      expect(splitTarget(`${path}?q`)).toEqual({ path, query: 'q' });
    }
  });
});

describe('underPath', () => {
  it('covers the base and what is under it after a /, whichever way the base ends', () => {
    for (const base of ['/sim', '/sim/']) {
      const isUnder = underPath(base);
      expect(['/sim', '/sim/', '/sim/calls', '/sim//x'].map(isUnder)).toEqual([true, true, true, true]);
      expect(['/simx', '/si', '/', '', '/x/sim', 'sim'].map(isUnder)).toEqual([
        false,
        false,
        false,
        false,
        false,
        false,
      ]);
    }
  });
});
