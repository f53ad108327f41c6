import { describe, expect, it } from 'vitest';
import { callIdFromUri, decodePathSegment } from '../../src/gws/index.js';

describe('callIdFromUri', () => {
  it.each([
    [
      'http://127.0.0.1:8080/api/v2/me/calls/011DJV5JI898NB2L04000VTAES000005',
      '011DJV5JI898NB2L04000VTAES000005',
    ],
    ['http://gws:8080/api/v2/me/calls/0A1?fields=*', '0A1'],
    ['https://gws.example.com/api/v2/me/calls/ABC?x=1#frag', 'ABC'],
    ['/api/v2/me/calls/ABC', 'ABC'],
    ['api/v2/me/calls/ABC', 'ABC'],
    ['/calls/ABC', 'ABC'],
    ['calls/ABC/', 'ABC'],
    ['  /calls/ABC  ', 'ABC'],
    ['/sim/calls/0A1/hangup', '0A1'],
    ['/api/v2/me/calls/ABC?next=/calls/XYZ', 'ABC'],
    ['/api/v2/me/recalls/X/calls/ABC', 'ABC'],
    ['/api/v2/me/calls/A%20B', 'A B'],
    ['/api/v2/me/calls/%E0%A4%A', '%E0%A4%A'],
  ])('reads %s as %s', (uri, id) => {
    expect(callIdFromUri(uri)).toBe(id);
  });

  it.each([
    '',
    '/api/v2/me',
    'http://h/api/v2/me/calls',
    '/sim/calls',
    '/api/v2/me/devices/D1/calls',
    '/api/v2/me/recalls/X',
    'http://h',
    'http://calls/x',
    'http://h/api/v2/me?to=/calls/X',
    'nonsense',
  ])('finds no call in %j', (uri) => {
    expect(callIdFromUri(uri)).toBeNull();
  });
});

describe('decodePathSegment', () => {
  it('decodes a percent-encoded segment and keeps one that does not decode as it stands', () => {
    expect(decodePathSegment('a%2Fb%20c')).toBe('a/b c');
    expect(decodePathSegment('%E0%A4%A')).toBe('%E0%A4%A');
    expect(decodePathSegment('plain')).toBe('plain');
  });
});
