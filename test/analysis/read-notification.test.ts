import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readNotification } from '../../src/analysis/read-notification.js';
import { seedNotifications } from '../helpers/seed.js';
import { messageRow } from '../helpers/store-rows.js';

const row = (data: unknown, over = {}) =>
  messageRow({ id: 1, atMs: 0, message: { channel: '/v2/me/calls', data }, ...over });

describe('readNotification', () => {
  it('reads every call of the seed page, consult parents included', () => {
    const read = seedNotifications().map((n) => {
      const r = readNotification(row(n.data));
      return r?.kind === 'call' ? [r.call.id.slice(-1), r.call.state, r.call.parentId?.slice(-1) ?? null] : r;
    });
    expect(read).toEqual([
      ['M', 'Released', null],
      ['N', 'Released', null],
      ['5', 'Ringing', null],
      ['5', 'Established', null],
      ['5', 'Held', null],
      ['6', 'Dialing', '5'],
      ['5', 'Released', null],
      ['6', 'Released', '5'],
    ]);
  });

  it('reads the seed fields the model keeps', () => {
    const dialing = seedNotifications().find((n) => n.data.call.state === 'Dialing');
    const r = readNotification(row(dialing?.data));
    expect(r).toMatchObject({
      kind: 'call',
      notificationType: 'StatusChange',
      phoneNumber: '5005',
      call: {
        id: '011DJV5JI898NB2L04000VTAES000006',
        connId: '007102385535e006',
        callType: 'Consult',
        participants: ['5001'],
        dnis: '5001',
        durationS: 0,
        parentId: '011DJV5JI898NB2L04000VTAES000005',
        userData: null,
      },
    });
    expect(r?.kind === 'call' && r.call.capabilities).toContain('CompleteTransfer');
  });

  it('reads the older format: participants as strings, participantsInfo, id = connId', () => {
    const r = readNotification(
      row({
        messageType: 'CallStateChangeMessage',
        notificationType: 'StatusChange',
        call: {
          id: '007102385535e008',
          connId: '007102385535e008',
          callUuid: '011DJV5JI898NB2L04000VTAES000008',
          state: 'Established',
          participants: ['5000'],
          participantsInfo: [{ digits: '5000', e164Number: '', formattedPhoneNumber: '5000' }],
          userData: { AccountNumber: '12345' },
        },
      }),
    );
    expect(r).toMatchObject({
      kind: 'call',
      call: { id: '007102385535e008', participants: ['5000'], userData: { AccountNumber: '12345' } },
    });
    const infoOnly = readNotification(
      row({ messageType: 'CallStateChangeMessage', call: { id: 'X', participantsInfo: [{ digits: '77' }] } }),
    );
    expect(infoOnly?.kind === 'call' && infoOnly.call.participants).toEqual(['77']);
  });

  it('reads a parent URI on any origin, or a parentCallPath', () => {
    const parentOf = (call: Record<string, unknown>) => {
      const r = readNotification(row({ messageType: 'CallStateChangeMessage', call: { id: 'B', ...call } }));
      return r?.kind === 'call' ? r.call.parentId : 'not a call';
    };
    expect(parentOf({ parentCallUri: 'https://gws.example.com:8443/api/v2/me/calls/A1' })).toBe('A1');
    expect(parentOf({ parentCallUri: 'http://127.0.0.1:8090/api/v2/me/calls/A2?x=1' })).toBe('A2');
    expect(parentOf({ parentCallPath: '/calls/A3' })).toBe('A3');
    expect(parentOf({})).toBeNull();
  });

  it('falls back to callUuid, connId or uri when the call has no id', () => {
    const idOf = (call: Record<string, unknown>) => {
      const r = readNotification(row({ messageType: 'CallStateChangeMessage', call }));
      return r?.kind === 'call' ? r.call.id : r?.kind;
    };
    expect(idOf({ uri: 'http://h/api/v2/me/calls/U1' })).toBe('U1');
    expect(idOf({ callUuid: 'C1', connId: 'K1' })).toBe('C1');
    expect(idOf({ connId: 'K1' })).toBe('K1');
    expect(idOf({ state: 'Ringing' })).toBe('malformed');
  });

  it('tells device and error messages apart and ignores everything else', () => {
    expect(readNotification(row({ messageType: 'DeviceStateChangeMessage', devices: [] }))?.kind).toBe(
      'device',
    );
    expect(
      readNotification(
        row({
          messageType: 'ErrorMessage',
          errorCode: 51,
          errorMessage: 'no',
          callUri: 'http://h/api/v2/me/calls/E1',
        }),
      ),
    ).toMatchObject({ kind: 'error', errorCode: 51, errorMessage: 'no', callId: 'E1' });
    expect(readNotification(row({ messageType: 'CallStateChangeMessage', call: 'nope' }))?.kind).toBe(
      'malformed',
    );
    expect(readNotification(row({ messageType: 'ChannelStateChangeMessageV2' }))).toBeNull();
    expect(readNotification(row(null))).toBeNull();
    expect(
      readNotification(
        row({ messageType: 'CallStateChangeMessage', call: { id: 'A' } }, { direction: 'to-server' }),
      ),
    ).toBeNull();
    expect(
      readNotification(
        messageRow({ id: 1, atMs: 0, message: { channel: '/meta/connect', successful: true } }),
      ),
    ).toBeNull();
  });

  it('never throws, whatever the message holds', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (data, call) => {
        readNotification(row(data));
        readNotification(row({ messageType: 'CallStateChangeMessage', call }));
        readNotification(row({ messageType: 'ErrorMessage', callUri: call, errorCode: data }));
        readNotification(messageRow({ id: 1, atMs: 0, message: data as Record<string, unknown> }));
      }),
    );
  });
});
