import { describe, expect, it } from 'vitest';
import { callIdFromUri, readResourcePath } from '../../src/analysis/resource-paths.js';

describe('callIdFromUri', () => {
  it.each([
    [
      'http://127.0.0.1:8080/api/v2/me/calls/011DJV5JI898NB2L04000VTAES000005',
      '011DJV5JI898NB2L04000VTAES000005',
    ],
    ['https://gws.example.com/api/v2/me/calls/ABC?x=1#frag', 'ABC'],
    ['/api/v2/me/calls/ABC', 'ABC'],
    ['api/v2/me/calls/ABC', 'ABC'],
    ['/calls/ABC', 'ABC'],
    ['calls/ABC/', 'ABC'],
    ['/api/v2/me/calls/A%20B', 'A B'],
    ['/api/v2/me/calls/%E0%A4%A', '%E0%A4%A'],
  ])('reads %s as %s', (uri, id) => {
    expect(callIdFromUri(uri)).toBe(id);
  });

  it.each(['', '/api/v2/me', 'http://h/api/v2/me/calls', 'http://h', 'nonsense'])(
    'finds no call in %j',
    (uri) => {
      expect(callIdFromUri(uri)).toBeNull();
    },
  );
});

describe('readResourcePath', () => {
  it.each([
    ['/api/v2/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['api/v2/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['http://127.0.0.1:8090/api/v2/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['/api/v2/me/devices/efe1ab32/calls', { resource: 'device-calls', callId: null }],
    ['/api/v2/me/devices/efe1ab32', { resource: 'device', callId: null }],
    ['/api/v2/me/channels/voice', { resource: 'channel', callId: null }],
    ['/api/v2/me', { resource: 'me', callId: null }],
    ['/api/v2/me/calls', { resource: 'other', callId: null }],
    ['/sim/calls', { resource: 'other', callId: null }],
    ['', { resource: 'other', callId: null }],
  ])('reads %s', (path, expected) => {
    expect(readResourcePath(path)).toEqual(expected);
  });
});
