import { describe, expect, it } from 'vitest';
import { CallFamilies, callsOfRequest, notifiedCall } from '../../src/replay/call-family.js';
import { exchangeRow, messageRow } from '../helpers/store-rows.js';

const post = (path: string, body: unknown, response: unknown = { statusCode: 0 }) =>
  exchangeRow({
    id: 1,
    method: 'POST',
    path,
    requestBody: Buffer.from(JSON.stringify(body)),
    responseBody: Buffer.from(JSON.stringify(response)),
  });

const callMessage = (call: Record<string, unknown>) => ({ channel: '/v2/me/calls', data: { call } });

describe('call family', () => {
  it('names the calls a request acts on: its path, URIs in its body, ids in its response', () => {
    expect([...callsOfRequest(post('/api/v2/me/calls/B', { operationName: 'CompleteTransfer' }))]).toEqual([
      'B',
    ]);
    const swap = post('/api/v2/me/calls/A', {
      operationName: 'SwapCalls',
      otherCallUri: 'http://gws/api/v2/me/calls/B',
    });
    expect([...callsOfRequest(swap)]).toEqual(['A', 'B']);
    expect([...callsOfRequest(post('/sim/calls', { to: '5005', from: '5000' }, { id: 'R1' }))]).toEqual([
      'R1',
    ]);
    const dial = post(
      '/api/v2/me/devices/D1/calls',
      { operationName: 'Dial' },
      { statusCode: 0, call: { id: 'D9', uri: 'http://gws/api/v2/me/calls/D9' } },
    );
    expect([...callsOfRequest(dial)]).toEqual(['D9']);
  });

  it('counts no read as acting on a call, and takes a body that is not JSON as naming none', () => {
    expect(callsOfRequest(exchangeRow({ id: 1, method: 'GET', path: '/api/v2/me/calls/A' })).size).toBe(0);
    const garbled = exchangeRow({
      id: 1,
      method: 'POST',
      path: '/api/v2/me/channels/voice',
      requestBody: Buffer.from('{not json'),
      responseBody: Buffer.from([0x1f, 0x8b, 0x08]),
    });
    expect(callsOfRequest(garbled).size).toBe(0);
  });

  it('reads the call of a notification, its parent from parentCallUri or parentCallPath, and ErrorMessage callUri', () => {
    expect(
      notifiedCall(callMessage({ id: 'B', state: 'Dialing', parentCallUri: 'http://gws/api/v2/me/calls/A' })),
    ).toEqual({ id: 'B', parentId: 'A', state: 'Dialing' });
    expect(notifiedCall(callMessage({ id: 'B', state: 'Released', parentCallPath: '/calls/A' }))).toEqual({
      id: 'B',
      parentId: 'A',
      state: 'Released',
    });
    expect(
      notifiedCall({ data: { messageType: 'ErrorMessage', callUri: 'http://gws/api/v2/me/calls/C' } }),
    ).toEqual({ id: 'C', parentId: null, state: null });
    expect(notifiedCall({ data: { messageType: 'DeviceStateChangeMessage', devices: [] } })).toBeNull();
    expect(notifiedCall({ data: 'text' })).toBeNull();
    expect(notifiedCall(callMessage({ id: 7 }))).toBeNull();
  });

  it('links a call to its parent and its consults, from notifications in any order', () => {
    const families = new CallFamilies([
      messageRow({ id: 1, message: callMessage({ id: 'A', state: 'Released' }) }),
      messageRow({
        id: 2,
        message: callMessage({ id: 'B', state: 'Dialing', parentCallUri: 'http://gws/api/v2/me/calls/A' }),
      }),
      messageRow({ id: 3, message: callMessage({ id: 'C', state: 'Ringing' }) }),
      messageRow({
        id: 4,
        direction: 'to-server',
        message: callMessage({ id: 'X', parentCallUri: 'http://gws/api/v2/me/calls/C' }),
      }),
    ]);
    expect([...families.familyOf('A')].sort()).toEqual(['A', 'B']);
    expect([...families.familyOf('B')].sort()).toEqual(['A', 'B']);
    expect([...families.familyOf('C')]).toEqual(['C']);
  });
});
