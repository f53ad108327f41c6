import { describe, expect, it } from 'vitest';
import { readResourcePath } from '../../src/analysis/resource-paths.js';

describe('readResourcePath', () => {
  it.each([
    ['/api/v2/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['api/v2/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['http://127.0.0.1:8090/api/v2/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['/me/calls/ID', { resource: 'call', callId: 'ID' }],
    ['/api/v2/me/calls/A%20B?x=1', { resource: 'call', callId: 'A B' }],
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
