import { describe, expect, it } from 'vitest';
import type { ClientIdentity } from '../../src/replay/client-registry.js';
import { type LiveRequest, ReplayEngine, type ReplayEngineOptions } from '../../src/replay/replay-engine.js';
import { manualScheduler } from '../helpers/manual-scheduler.js';
import { exchangeRow, TRANSFER_CALLS, transferSessionRows } from '../helpers/replay-rows.js';
import { makeSession } from '../helpers/store-rows.js';

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
