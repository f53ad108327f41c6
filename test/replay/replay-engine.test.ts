import { describe, expect, it } from 'vitest';
import type { ClientIdentity } from '../../src/replay/client-registry.js';
import { type LiveRequest, ReplayEngine, type ReplayEngineOptions } from '../../src/replay/replay-engine.js';
import { manualScheduler } from '../helpers/manual-scheduler.js';
import { TRANSFER_CALLS, transferSessionRows } from '../helpers/replay-rows.js';
import { exchangeRow, makeSession, messageRow } from '../helpers/store-rows.js';

const { A } = TRANSFER_CALLS;
const ORIGIN = 'http://127.0.0.1:9999';

const engine = (over: Partial<ReplayEngineOptions> = {}) => {
  const scheduler = manualScheduler();
  const sent: Array<{ sessionId: string; channel: string; atMs: number }> = [];
  const { exchanges, messages } = transferSessionRows();
  const replay = new ReplayEngine({
    source: { session: { id: 1, startedAt: '', endedAt: null, ...makeSession() }, exchanges, messages },
    publicOrigin: ORIGIN,
    speed: 1,
    mode: 'strict',
    jitterMs: 0,
    seed: 1,
    ignoreFields: [],
    causeWindowMs: 2000,
    sessionCookieName: 'JSESSIONID',
    scheduler,
    deliver: (sessionId, message) => {
      sent.push({ sessionId, channel: message.channel, atMs: scheduler.nowMs() });
      return true;
    },
    ...over,
  });
  return { replay, scheduler, sent };
};

const who = (authorization: string | null): ClientIdentity => ({ authorization, sessionCookie: null });

const answer = (authorization: string | null = 'Basic a'): LiveRequest => ({
  method: 'POST',
  path: `/api/v2/me/calls/${A}`,
  query: '',
  body: Buffer.from('{"operationName":"Answer"}'),
  origin: ORIGIN,
  identity: who(authorization),
});

describe('replay engine', () => {
  it('holds a response for the recorded response time divided by the speed', () => {
    expect(engine().replay.handleRequest(answer()).delayMs).toBe(2);
    expect(engine({ speed: 4 }).replay.handleRequest(answer()).delayMs).toBe(0.5);
  });

  it("hands a request's notifications to the live Bayeux sessions of that client only", () => {
    const { replay, scheduler, sent } = engine();
    const a = replay.clientForHandshake(who('Basic a'), null);
    const b = replay.clientForHandshake(who('Basic b'), null);
    replay.sessionStarted('session-a', a);
    replay.sessionStarted('session-b', b);
    replay.handleRequest(answer('Basic a'));
    scheduler.advance(100);
    expect(sent).toEqual([{ sessionId: 'session-a', channel: '/v2/me/calls', atMs: 30 }]);
    replay.sessionEnded('session-a');
    replay.handleRequest(answer('Basic b'));
    scheduler.advance(100);
    expect(sent.map((s) => s.sessionId)).toEqual(['session-a', 'session-b']);
  });

  it('answers an exchange the recorded client never got a response to with a 502 saying so', () => {
    const { exchanges, messages } = transferSessionRows();
    const lost = exchangeRow({ id: 9, path: '/api/v2/me/devices', status: null, error: 'client went away' });
    const { replay } = engine({
      source: {
        session: { id: 1, startedAt: '', endedAt: null, ...makeSession() },
        exchanges: [...exchanges, lost],
        messages,
      },
    });
    const reply = replay.handleRequest({
      ...answer(),
      method: 'GET',
      path: '/api/v2/me/devices',
      body: null,
    });
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.body.toString())).toMatchObject({
      error: 'VCR_REPLAY_NO_RESPONSE',
      recordedError: 'client went away',
    });
  });

  it('in lenient mode answers a miss with statusCode 0 and still lists it as unmatched', () => {
    const { replay } = engine({ mode: 'lenient' });
    const reply = replay.handleRequest({ ...answer(), path: '/api/v2/nowhere' });
    expect([reply.status, JSON.parse(reply.body.toString())]).toEqual([200, { statusCode: 0 }]);
    expect(replay.status().unmatched).toMatchObject([{ client: 'client-1' }]);
  });
});

/**
 * Two agents recorded at once, Bayeux clients x and y: each read its device (identical GETs, different
 * answers), then each got a call rung at it; the Ringing of 15000's call came first.
 */
const twoAgentRows = () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const devices = (id: number, startMs: number, phoneNumber: string) =>
    exchangeRow({
      id,
      path: '/api/v2/me/devices',
      startMs,
      firstByteMs: startMs + 1,
      responseBody: json({ statusCode: 0, devices: [{ phoneNumber }] }),
    });
  const ring = (id: number, startMs: number, to: string, callId: string) =>
    exchangeRow({
      id,
      method: 'POST',
      path: '/sim/calls',
      startMs,
      firstByteMs: startMs + 1,
      requestBody: json({ to, from: '5000' }),
      responseBody: json({ id: callId }),
    });
  const connect = (id: number, atMs: number, clientId: string) =>
    messageRow({
      id,
      atMs,
      direction: 'to-server',
      channel: '/meta/connect',
      clientId,
      message: { channel: '/meta/connect', clientId },
    });
  const ringing = (id: number, atMs: number, callId: string) =>
    messageRow({
      id,
      atMs,
      clientId: null,
      message: { channel: '/v2/me/calls', data: { call: { id: callId, state: 'Ringing' } } },
    });
  return {
    exchanges: [
      devices(1, 5, '5005'),
      devices(2, 6, '15000'),
      ring(3, 100, '5005', 'A'),
      ring(4, 101, '15000', 'C'),
    ],
    messages: [
      connect(1, 10, 'x'),
      connect(2, 11, 'y'),
      ringing(3, 150, 'C'),
      ringing(4, 160, 'A'),
      connect(5, 500, 'x'),
      connect(6, 501, 'y'),
    ],
  };
};

describe('replay engine with two agents recorded at once', () => {
  const start = (sharing?: 'auto' | 'each-client') => {
    const { exchanges, messages } = twoAgentRows();
    const made = engine({
      source: { session: { id: 1, startedAt: '', endedAt: null, ...makeSession() }, exchanges, messages },
      ...(sharing === undefined ? {} : { sharing }),
    });
    for (const agent of ['a', 'b']) {
      const id = made.replay.clientForHandshake(who(`Basic ${agent}`), null);
      made.replay.sessionStarted(`session-${agent}`, id);
    }
    return made;
  };
  const phoneOf = (replay: ReplayEngine, agent: string): unknown =>
    JSON.parse(
      replay
        .handleRequest({ ...answer(`Basic ${agent}`), method: 'GET', path: '/api/v2/me/devices', body: null })
        .body.toString(),
    ).devices[0].phoneNumber;
  const ring = (replay: ReplayEngine, agent: string, to: string) =>
    replay.handleRequest({
      ...answer(`Basic ${agent}`),
      path: '/sim/calls',
      body: Buffer.from(JSON.stringify({ to, from: '5000' })),
    });

  it('shares the recording: identical requests get the recorded answers in turn, one device per agent', () => {
    const { replay } = start();
    expect(replay.sharing).toBe('shared');
    expect(phoneOf(replay, 'b')).toBe('5005');
    expect(phoneOf(replay, 'a')).toBe('15000');
    expect(replay.status().recorded.clientsAtOnce).toBe(2);
  });

  it("sends each agent its own calls' notifications, and counts one still waiting once", () => {
    const { replay, scheduler, sent } = start();
    ring(replay, 'a', '15000');
    scheduler.advance(100);
    expect(sent).toEqual([{ sessionId: 'session-a', channel: '/v2/me/calls', atMs: 49 }]);
    const waiting = replay.status();
    expect(waiting.clients.map((c) => c.pending.map((p) => [p.rowId, p.dueInMs]))).toEqual([
      [[4, null]],
      [[4, null]],
    ]);
    expect(waiting.pending).toBe(1);
    ring(replay, 'b', '5005');
    scheduler.advance(100);
    expect(sent.map((s) => s.sessionId)).toEqual(['session-a', 'session-b']);
    expect(replay.status().pending).toBe(0);
    expect(replay.status().clients.map((c) => c.delivered.map((d) => d.rowId))).toEqual([[3], [4]]);
  });

  it('with sharing each-client gives every agent the whole recording', () => {
    const { replay } = start('each-client');
    expect(phoneOf(replay, 'b')).toBe('5005');
    expect(phoneOf(replay, 'a')).toBe('5005');
    expect(replay.status().sharing).toBe('each-client');
  });

  it('replays a recording of one client at a time for each client on its own', () => {
    expect(engine().replay.sharing).toBe('each-client');
  });
});
