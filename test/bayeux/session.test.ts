// A session's queue, held /meta/connect and expiry, with time driven by the test.
import { describe, expect, it } from 'vitest';
import { BayeuxSession, type HeldConnect, type Outlet } from '../../src/bayeux/session.js';
import type { BayeuxMessage } from '../../src/bayeux/types.js';
import { type ManualScheduler, manualScheduler } from '../helpers/manual-scheduler.js';

const makeSession = (scheduler: ManualScheduler, expired: BayeuxSession[] = []) =>
  new BayeuxSession({
    id: 's1',
    principal: 'agent',
    transport: 'long-polling',
    nowMs: 0,
    scheduler,
    maxIntervalMs: 10_000,
    onExpire: (s) => expired.push(s),
  });

const recordingConnect = (id: string) => {
  const sent: BayeuxMessage[][] = [];
  const connect: HeldConnect = {
    reply: { channel: '/meta/connect', id, successful: true },
    complete: (deliveries, reply) => sent.push([...deliveries, reply]),
  };
  return { connect, sent };
};

const tick = () => new Promise<void>((resolve) => queueMicrotask(resolve));

describe('BayeuxSession', () => {
  it('answers a held connect with everything queued in the same tick, connect reply last', async () => {
    const scheduler = manualScheduler();
    const session = makeSession(scheduler);
    const { connect, sent } = recordingConnect('5');
    session.hold(connect, 30_000);
    expect(session.isConnectHeld).toBe(true);
    session.enqueue({ channel: '/a', data: 1 });
    session.enqueue({ channel: '/a', data: 2 });
    expect(sent).toEqual([]);
    await tick();
    expect(sent).toEqual([[{ channel: '/a', data: 1 }, { channel: '/a', data: 2 }, connect.reply]]);
    expect(session.isConnectHeld).toBe(false);
  });

  it('answers a held connect empty when its timeout passes', () => {
    const scheduler = manualScheduler();
    const session = makeSession(scheduler);
    const { connect, sent } = recordingConnect('5');
    session.hold(connect, 30_000);
    scheduler.advance(29_999);
    expect(sent).toEqual([]);
    scheduler.advance(1);
    expect(sent).toEqual([[connect.reply]]);
  });

  it('answers at once when messages wait or the hold asked for is 0 ms', () => {
    const scheduler = manualScheduler();
    const session = makeSession(scheduler);
    const first = recordingConnect('1');
    session.hold(first.connect, 0);
    expect(first.sent).toEqual([[first.connect.reply]]);
    session.enqueue({ channel: '/a', data: 1 });
    const second = recordingConnect('2');
    session.hold(second.connect, 30_000);
    expect(second.sent).toEqual([[{ channel: '/a', data: 1 }, second.connect.reply]]);
  });

  it('releases a held connect, empty, when a newer one arrives', () => {
    const scheduler = manualScheduler();
    const session = makeSession(scheduler);
    const older = recordingConnect('1');
    const newer = recordingConnect('2');
    session.hold(older.connect, 30_000);
    session.hold(newer.connect, 30_000);
    expect(older.sent).toEqual([[older.connect.reply]]);
    expect(newer.sent).toEqual([]);
    expect(session.isConnectHeld).toBe(true);
  });

  it('expires after maxInterval without a connect, but never while one is held', () => {
    const scheduler = manualScheduler();
    const expired: BayeuxSession[] = [];
    const session = makeSession(scheduler, expired);
    const { connect } = recordingConnect('1');
    scheduler.advance(5_000);
    session.hold(connect, 30_000);
    scheduler.advance(20_000);
    expect(expired).toEqual([]);
    scheduler.advance(10_000 + 10_000); // hold ends at 30 s, then 10 s without a connect
    expect(expired).toEqual([session]);
  });

  it('starts expiring when the peer drops its held connect, and keeps the queue for the next one', async () => {
    const scheduler = manualScheduler();
    const expired: BayeuxSession[] = [];
    const session = makeSession(scheduler, expired);
    const dropped = recordingConnect('1');
    session.hold(dropped.connect, 30_000);
    session.dropHeld(dropped.connect);
    session.enqueue({ channel: '/a', data: 'kept' });
    await tick();
    expect(dropped.sent).toEqual([]);
    expect(session.info().queuedCount).toBe(1);
    const next = recordingConnect('2');
    session.hold(next.connect, 30_000);
    expect(next.sent).toEqual([[{ channel: '/a', data: 'kept' }, next.connect.reply]]);
  });

  it('sends through an outlet at once, without waiting for a connect', async () => {
    const scheduler = manualScheduler();
    const session = makeSession(scheduler);
    const frames: BayeuxMessage[][] = [];
    const outlet: Outlet = { send: (m) => frames.push(m), sessions: new Set() };
    session.attachOutlet(outlet);
    session.enqueue({ channel: '/a', data: 1 });
    await tick();
    expect(frames).toEqual([[{ channel: '/a', data: 1 }]]);
    session.detachOutlet(outlet);
    expect(outlet.sessions.size).toBe(0);
  });

  it('ends: answers the held connect with the advice given, clears every timer, accepts nothing more', async () => {
    const scheduler = manualScheduler();
    const session = makeSession(scheduler);
    const { connect, sent } = recordingConnect('1');
    session.hold(connect, 30_000);
    session.end({ reconnect: 'none' });
    expect(sent).toEqual([[{ ...connect.reply, advice: { reconnect: 'none' } }]]);
    expect(scheduler.pendingTimers).toBe(0);
    session.enqueue({ channel: '/a', data: 1 });
    await tick();
    expect(session.info().queuedCount).toBe(0);
  });
});
