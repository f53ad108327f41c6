import { describe, expect, it } from 'vitest';
import { underPath } from '../../src/common/under-path.js';
import {
  callbackPollingMessages,
  readBayeux,
  toMessageRows,
  unwrapJsonp,
} from '../../src/proxy/bayeux-tap.js';

describe('readBayeux', () => {
  it('reads an array of messages', () => {
    const result = readBayeux('[{"channel":"/meta/connect","clientId":"c1","id":"5","successful":true}]');
    expect(result.flag).toBeNull();
    expect(result.messages).toHaveLength(1);
  });

  it('flags text that is not JSON as malformed-json, JSON that is not Bayeux as not-bayeux', () => {
    expect(readBayeux('[{"channel":').flag).toBe('malformed-json');
    expect(readBayeux('{"statusCode":0}').flag).toBe('not-bayeux');
    expect(readBayeux('[1,2]').flag).toBe('not-bayeux');
  });
});

describe('toMessageRows', () => {
  it('makes one row per message with its fields, ids in order and the context time', () => {
    let id = 10;
    const rows = toMessageRows(
      [
        { channel: '/meta/handshake', id: 1 as unknown as string, successful: false },
        { channel: '/v2/me/calls', data: { x: 1 } },
      ],
      { direction: 'to-client', transport: 'websocket', exchangeId: 3, atMs: 12.5 },
      () => ++id,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        id: 11,
        channel: '/meta/handshake',
        messageId: '1',
        successful: false,
        atMs: 12.5,
        exchangeId: 3,
      }),
      expect.objectContaining({
        id: 12,
        channel: '/v2/me/calls',
        messageId: null,
        successful: null,
        clientId: null,
      }),
    ]);
  });
});

describe('underPath', () => {
  it('covers the path and every suffix under it, nothing else', () => {
    const isUnder = underPath('/api/v2/notifications');
    expect(isUnder('/api/v2/notifications')).toBe(true);
    expect(isUnder('/api/v2/notifications/connect')).toBe(true);
    expect(isUnder('/api/v2/notificationsX')).toBe(false);
    expect(isUnder('/api/v2/me')).toBe(false);
    // a base given with a trailing slash means the same
    const isUnderSlashed = underPath('/api/v2/notifications/');
    expect(isUnderSlashed('/api/v2/notifications')).toBe(true);
    expect(isUnderSlashed('/api/v2/notifications/connect')).toBe(true);
    expect(isUnderSlashed('/api/v2/notificationsX')).toBe(false);
  });
});

describe('callback-polling', () => {
  it('reads the message parameter and unwraps a JSONP answer', () => {
    expect(
      callbackPollingMessages('jsonp=cb&message=%5B%7B%22channel%22%3A%22%2Fmeta%2Fconnect%22%7D%5D'),
    ).toBe('[{"channel":"/meta/connect"}]');
    expect(callbackPollingMessages('')).toBeNull();
    expect(unwrapJsonp('cb([{"channel":"/a"}]);')).toBe('[{"channel":"/a"}]');
    expect(unwrapJsonp('[1]')).toBe('[1]');
  });
});
