import { describe, expect, it } from 'vitest';
import { anchorNotifications } from '../../src/replay/anchor-notifications.js';
import { callRow, handshakeRow, operationRow, subscribeRow } from '../helpers/replay-rows.js';
import { exchangeRow, messageRow } from '../helpers/store-rows.js';

const anchorsOf = (plan: ReturnType<typeof anchorNotifications>) =>
  plan.notifications.map((n) => [n.rowId, n.anchor, n.reason, n.delayMs]);

const GWS = 'http://127.0.0.1:8080';

/** A REST request of one agent: `POST path body`, answered `response`. */
const request = (
  id: number,
  startMs: number,
  path: string,
  body: unknown,
  response: unknown = { statusCode: 0 },
) =>
  exchangeRow({
    id,
    method: 'POST',
    path,
    startMs,
    firstByteMs: startMs + 1,
    requestBody: Buffer.from(JSON.stringify(body)),
    responseBody: Buffer.from(JSON.stringify(response)),
  });
const ring = (id: number, startMs: number, to: string, callId: string) =>
  request(id, startMs, '/sim/calls', { to, from: '5000' }, { id: callId });
const operation = (id: number, startMs: number, callId: string, operationName: string) =>
  request(id, startMs, `/api/v2/me/calls/${callId}`, { operationName });

/** A call notification as GWS sends it; `parent` makes it a consult call. */
const notice = (id: number, atMs: number, callId: string, state: string, parent?: string) =>
  messageRow({
    id,
    atMs,
    clientId: null,
    message: {
      channel: '/v2/me/calls',
      data: {
        messageType: 'CallStateChangeMessage',
        notificationType: 'StatusChange',
        call: {
          id: callId,
          state,
          uri: `${GWS}/api/v2/me/calls/${callId}`,
          ...(parent === undefined ? {} : { parentCallUri: `${GWS}/api/v2/me/calls/${parent}` }),
        },
      },
    },
  });

const deviceNotice = (id: number, atMs: number, state: string) =>
  messageRow({
    id,
    atMs,
    channel: '/v2/me/devices',
    clientId: null,
    message: {
      channel: '/v2/me/devices',
      data: { messageType: 'DeviceStateChangeMessage', devices: [{ id: 'D1', userState: { state } }] },
    },
  });

describe('anchoring recorded notifications', () => {
  it('anchors a notification to the request before it, with the recorded delay', () => {
    const plan = anchorNotifications(
      [operationRow(1, 1000, 'A', 'Answer'), operationRow(2, 2000, 'A', 'InitiateTransfer')],
      [
        handshakeRow(1, 10),
        subscribeRow(2, '/v2/me/calls', 20),
        callRow(3, 1030, 'A', 'Established'),
        callRow(4, 2040, 'A', 'Held'),
        callRow(5, 2055, 'B', 'Dialing'),
      ],
    );
    expect(anchorsOf(plan)).toEqual([
      [3, 'request 1', 'caused-by', 30],
      [4, 'request 2', 'caused-by', 40],
      [5, 'request 2', 'caused-by', 55],
    ]);
    expect(plan.byAnchor.get('request 2')?.map((n) => n.rowId)).toEqual([4, 5]);
  });

  it('anchors a notification nobody asked for to the subscribe of its channel, at its offset', () => {
    const plan = anchorNotifications(
      [operationRow(1, 100, 'X', 'Ready')],
      [
        handshakeRow(1, 10),
        subscribeRow(2, '/v2/me/*', 20),
        subscribeRow(3, '/v2/me/devices', 25),
        callRow(4, 9100, 'A', 'Ringing'),
      ],
      { causeWindowMs: 2000 },
    );
    expect(anchorsOf(plan)).toEqual([[4, 'subscribe /v2/me/* #0', 'after-subscribe', 9080]]);
  });

  it('anchors to the subscribe itself when it is the last action, and skips subscribes of other channels', () => {
    const plan = anchorNotifications(
      [],
      [
        subscribeRow(1, '/v2/me/calls', 20),
        subscribeRow(2, '/v2/me/devices', 30),
        callRow(3, 50, 'A', 'Ringing'),
      ],
    );
    expect(anchorsOf(plan)).toEqual([[3, 'subscribe /v2/me/calls #0', 'after-subscribe', 30]]);
  });

  it('counts subscribes per channel, so a re-subscribe after a re-handshake is its own anchor', () => {
    const plan = anchorNotifications(
      [],
      [
        subscribeRow(1, '/v2/me/calls', 20),
        callRow(2, 50, 'A', 'Ringing'),
        handshakeRow(3, 5000),
        subscribeRow(4, '/v2/me/calls', 5010),
        callRow(5, 5050, 'B', 'Ringing'),
      ],
    );
    expect(anchorsOf(plan).map((a) => a[1])).toEqual([
      'subscribe /v2/me/calls #0',
      'subscribe /v2/me/calls #1',
    ]);
  });

  it('falls back to the handshake when no subscribe covers the channel, and reports what has no anchor', () => {
    const plan = anchorNotifications(
      [],
      [callRow(1, 5, 'A', 'Ringing'), handshakeRow(2, 10), callRow(3, 40, 'A', 'Ringing')],
    );
    expect(anchorsOf(plan)).toEqual([[3, 'handshake #0', 'after-handshake', 30]]);
    expect(plan.unanchoredRowIds).toEqual([1]);
  });

  it('anchors to a publish and ignores meta replies, acks and REST traffic on the notifications path', () => {
    const plan = anchorNotifications(
      [exchangeRow({ id: 1, kind: 'bayeux', method: 'POST', path: '/api/v2/notifications', startMs: 100 })],
      [
        subscribeRow(1, '/service/echo', 10),
        messageRow({
          id: 2,
          atMs: 100,
          direction: 'to-server',
          channel: '/service/echo',
          message: { channel: '/service/echo', data: 1 },
        }),
        messageRow({
          id: 3,
          atMs: 101,
          channel: '/service/echo',
          successful: true,
          message: { channel: '/service/echo', successful: true },
        }),
        messageRow({
          id: 4,
          atMs: 102,
          channel: '/meta/connect',
          message: { channel: '/meta/connect', successful: true },
        }),
        messageRow({
          id: 5,
          atMs: 105,
          channel: '/service/echo',
          message: { channel: '/service/echo', data: 1 },
        }),
      ],
    );
    expect(anchorsOf(plan)).toEqual([[5, 'publish /service/echo #0', 'caused-by', 5]]);
  });

  it('keeps one copy of a message several recorded clients got at once, and drops the recorded clientId', () => {
    const plan = anchorNotifications(
      [operationRow(1, 100, 'A', 'Answer')],
      [
        callRow(2, 120, 'A', 'Established', 'one'),
        callRow(3, 121, 'A', 'Established', 'two'),
        callRow(4, 130, 'A', 'Established', 'one'),
      ],
    );
    expect(plan.duplicateRowIds).toEqual([3]);
    expect(plan.notifications.map((n) => n.rowId)).toEqual([2, 4]);
    expect(plan.notifications[0]?.message).not.toHaveProperty('clientId');
  });

  describe('with two agents recorded at once', () => {
    // Agent 5005 transfers call A through consult B while agent 15000 transfers C through consult D, each
    // step of one agent a millisecond before the same step of the other, as the demo records them.
    const exchanges = [
      ring(1, 100, '5005', 'A'),
      ring(2, 101, '15000', 'C'),
      operation(3, 200, 'A', 'Answer'),
      operation(4, 201, 'C', 'Answer'),
      operation(5, 300, 'A', 'InitiateTransfer'),
      operation(6, 301, 'C', 'InitiateTransfer'),
      operation(7, 400, 'B', 'CompleteTransfer'),
      operation(8, 401, 'D', 'CompleteTransfer'),
    ];
    const messages = [
      handshakeRow(1, 10),
      subscribeRow(2, '/v2/me/calls', 20),
      handshakeRow(3, 11),
      subscribeRow(4, '/v2/me/calls', 21),
      notice(5, 160, 'A', 'Ringing'),
      notice(6, 161, 'C', 'Ringing'),
      notice(7, 230, 'A', 'Established'),
      notice(8, 231, 'C', 'Established'),
      notice(9, 325, 'A', 'Held'),
      notice(10, 325, 'B', 'Dialing', 'A'),
      notice(11, 326, 'C', 'Held'),
      notice(12, 326, 'D', 'Dialing', 'C'),
      notice(13, 422, 'A', 'Released'),
      notice(14, 422, 'B', 'Released', 'A'),
      notice(15, 423, 'C', 'Released'),
      // the consult's Released may come without its parentCallUri: its Dialing told the family already
      notice(16, 423, 'D', 'Released'),
    ];

    it("anchors each call's notifications to its own agent's request, not the other agent's in between", () => {
      const anchors = anchorsOf(anchorNotifications(exchanges, messages));
      expect(anchors.map(([row, anchor, reason]) => `${row} ${anchor} ${reason}`)).toEqual([
        // a Ringing follows the ring whose response named its call
        '5 request 1 caused-by',
        '6 request 2 caused-by',
        '7 request 3 caused-by',
        '8 request 4 caused-by',
        // the consult's Dialing follows the InitiateTransfer on its parent
        '9 request 5 caused-by',
        '10 request 5 caused-by',
        '11 request 6 caused-by',
        '12 request 6 caused-by',
        // CompleteTransfer posted on the consult releases the parent too
        '13 request 7 caused-by',
        '14 request 7 caused-by',
        '15 request 8 caused-by',
        '16 request 8 caused-by',
      ]);
      expect(anchors[0]?.[3]).toBe(60);
    });

    it('anchors a call named in the body (otherCallUri) to that request', () => {
      const plan = anchorNotifications(
        [
          request(1, 100, '/api/v2/me/calls/A', {
            operationName: 'SwapCalls',
            otherCallUri: `${GWS}/api/v2/me/calls/E`,
          }),
          operation(2, 101, 'C', 'Hold'),
        ],
        [
          subscribeRow(1, '/v2/me/calls', 10),
          notice(2, 120, 'E', 'Established'),
          notice(3, 121, 'C', 'Held'),
        ],
      );
      expect(anchorsOf(plan).map((a) => a[1])).toEqual(['request 1', 'request 2']);
    });

    it('lets a call that rings with nobody acting on it follow the subscribe, whatever request came just before', () => {
      const plan = anchorNotifications(
        [operation(1, 490, 'C', 'Hold')],
        [subscribeRow(1, '/v2/me/calls', 20), notice(2, 500, 'E', 'Ringing'), notice(3, 510, 'C', 'Held')],
      );
      expect(anchorsOf(plan)).toEqual([
        [2, 'subscribe /v2/me/calls #0', 'after-subscribe', 480],
        [3, 'request 1', 'caused-by', 20],
      ]);
    });

    it('lets a call acted on long ago follow that action, not a request of the other agent just before', () => {
      const plan = anchorNotifications(
        [operation(1, 1000, 'A', 'Answer'), operation(2, 5900, 'C', 'Hold')],
        [
          subscribeRow(1, '/v2/me/calls', 20),
          notice(2, 1030, 'A', 'Established'),
          // the caller hangs up five seconds later: no request of this recording caused it
          notice(3, 6000, 'A', 'Released'),
        ],
      );
      expect(anchorsOf(plan)).toEqual([
        [2, 'request 1', 'caused-by', 30],
        [3, 'request 1', 'after-call-action', 5000],
      ]);
    });

    it('anchors a device notification to the request on the agent state, not a call request after it', () => {
      const plan = anchorNotifications(
        [
          request(1, 100, '/api/v2/me/channels/voice', { operationName: 'Ready' }),
          operation(2, 110, 'C', 'Answer'),
          exchangeRow({ id: 3, method: 'GET', path: '/api/v2/me/devices', startMs: 120 }),
        ],
        [subscribeRow(1, '/v2/me/devices', 20), deviceNotice(2, 130, 'Ready')],
      );
      expect(anchorsOf(plan)).toEqual([[2, 'request 1', 'caused-by', 30]]);
    });

    it('takes a request as about a resource only under its path, not on a path that merely begins the same', () => {
      const plan = anchorNotifications(
        [
          request(1, 100, '/api/v2/me/channels/voice', { operationName: 'Ready' }),
          request(2, 110, '/api/v2/me/channelsx', { operationName: 'Ready' }),
        ],
        [subscribeRow(1, '/v2/me/devices', 20), deviceNotice(2, 130, 'Ready')],
      );
      expect(anchorsOf(plan)).toEqual([[2, 'request 1', 'caused-by', 30]]);
    });

    it('falls back to the last request for a new call no request names (a Dial answered without its id)', () => {
      const plan = anchorNotifications(
        [request(1, 100, '/api/v2/me/devices/D1/calls', { operationName: 'Dial' })],
        [subscribeRow(1, '/v2/me/calls', 20), notice(2, 150, 'E', 'Dialing')],
      );
      expect(anchorsOf(plan)).toEqual([[2, 'request 1', 'caused-by', 50]]);
    });
  });
});
