import { describe, expect, it } from 'vitest';
import { type AnchoredNotification, anchorNotifications } from '../../src/replay/anchor-notifications.js';
import { ClientTimeline } from '../../src/replay/client-timeline.js';
import { jitterFor } from '../../src/replay/seeded-jitter.js';
import { manualScheduler } from '../helpers/manual-scheduler.js';
import { callRow, handshakeRow, operationRow, subscribeRow } from '../helpers/replay-rows.js';

// Answer at 1000 -> Established +30; InitiateTransfer at 2000 -> Held +40, Dialing +55; Ringing 500 after subscribe.
const plan = anchorNotifications(
  [operationRow(1, 1000, 'A', 'Answer'), operationRow(2, 2000, 'A', 'InitiateTransfer')],
  [
    handshakeRow(1, 0),
    subscribeRow(2, '/v2/me/calls', 10),
    callRow(3, 510, 'A', 'Ringing'),
    callRow(4, 1030, 'A', 'Established'),
    callRow(5, 2040, 'A', 'Held'),
    callRow(6, 2055, 'B', 'Dialing'),
  ],
  { causeWindowMs: 200 },
);

const start = (over: { speed?: number; jitterMs?: number; seed?: number; accept?: boolean } = {}) => {
  const scheduler = manualScheduler(100);
  const sent: Array<{ atMs: number; rowId: number }> = [];
  const timeline = new ClientTimeline({
    id: 't1',
    plan,
    speed: over.speed ?? 1,
    jitterMs: over.jitterMs ?? 0,
    seed: over.seed ?? 1,
    scheduler,
    deliver: (n: AnchoredNotification) => {
      sent.push({ atMs: scheduler.nowMs(), rowId: n.rowId });
      return over.accept ?? true;
    },
  });
  return { scheduler, sent, timeline };
};

describe('client timeline', () => {
  it('sends what follows a repeated action at the recorded delays, in recorded order', () => {
    const { scheduler, sent, timeline } = start();
    timeline.requested(2);
    scheduler.advance(39);
    expect(sent).toEqual([]);
    scheduler.advance(100);
    expect(sent).toEqual([
      { atMs: 140, rowId: 5 },
      { atMs: 155, rowId: 6 },
    ]);
    expect(scheduler.pendingTimers).toBe(0);
  });

  it('sends an unsolicited notification at its offset after the subscribe of its channel', () => {
    const { scheduler, sent, timeline } = start();
    timeline.subscribed('/v2/me/devices');
    timeline.subscribed('/v2/me/calls');
    scheduler.advance(1000);
    expect(sent).toEqual([{ atMs: 600, rowId: 3 }]);
  });

  it('divides delays by the speed', () => {
    const { scheduler, sent, timeline } = start({ speed: 10 });
    timeline.requested(2);
    scheduler.advance(100);
    expect(sent.map((s) => s.atMs)).toEqual([104, 105.5]);
  });

  it('counts an action once, and a second subscribe to a channel as the next recorded one', () => {
    const { scheduler, sent, timeline } = start();
    timeline.requested(1);
    timeline.requested(1);
    timeline.subscribed('/v2/me/calls');
    timeline.subscribed('/v2/me/calls');
    scheduler.advance(1000);
    expect(sent.map((s) => s.rowId)).toEqual([4, 3]);
  });

  it('shifts times by the seeded jitter but never ahead of the notification recorded before', () => {
    const { scheduler, sent, timeline } = start({ jitterMs: 30, seed: 9 });
    timeline.requested(2);
    scheduler.advance(1000);
    const held = 100 + Math.max(0, 40 + jitterFor(9, 5, 30));
    const dialing = Math.max(held, 100 + Math.max(0, 55 + jitterFor(9, 6, 30)));
    expect(sent).toEqual([
      { atMs: held, rowId: 5 },
      { atMs: dialing, rowId: 6 },
    ]);
  });

  it('reports what is waiting, due and delivered, and starts over on reset', () => {
    const { scheduler, timeline } = start({ accept: false });
    timeline.requested(1);
    let status = timeline.status();
    expect(status.pending.find((p) => p.rowId === 4)).toEqual({
      rowId: 4,
      channel: '/v2/me/calls',
      anchor: 'request 1',
      dueInMs: 30,
    });
    expect(status.pending.find((p) => p.rowId === 5)?.dueInMs).toBeNull();
    scheduler.advance(30);
    status = timeline.status();
    expect(status.delivered).toEqual([
      {
        rowId: 4,
        channel: '/v2/me/calls',
        anchor: 'request 1',
        recordedDelayMs: 30,
        plannedDelayMs: 30,
        actualDelayMs: 30,
        isDelivered: false,
      },
    ]);
    timeline.requested(2);
    timeline.reset();
    expect(scheduler.pendingTimers).toBe(0);
    expect(timeline.status()).toMatchObject({ delivered: [] });
    expect(timeline.status().pending).toHaveLength(4);
    timeline.requested(1);
    scheduler.advance(30);
    expect(timeline.status().delivered).toHaveLength(1);
  });
});
