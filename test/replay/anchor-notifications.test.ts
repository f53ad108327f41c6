import { describe, expect, it } from 'vitest';
import { anchorNotifications } from '../../src/replay/anchor-notifications.js';
import {
  callRow,
  exchangeRow,
  handshakeRow,
  messageRow,
  operationRow,
  subscribeRow,
} from '../helpers/replay-rows.js';

const anchorsOf = (plan: ReturnType<typeof anchorNotifications>) =>
  plan.notifications.map((n) => [n.rowId, n.anchor, n.reason, n.delayMs]);

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
});
