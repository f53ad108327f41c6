import { performance } from 'node:perf_hooks';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import { jitterFor, type ReplayServerOptions, startReplayServer } from '../../src/replay/index.js';
import { postMessages, rawHandshake } from '../bayeux/raw-client.js';
import { type ClientTransport, connectClient, type TestClient } from '../helpers/cometd-client.js';
import { manualScheduler } from '../helpers/manual-scheduler.js';
import { h2cHead, sendRaw } from '../helpers/raw-http.js';
import {
  LISTEN_ORIGIN,
  storedTransferSource,
  TRANSFER_CALLS,
  TRANSFER_DELAYS,
} from '../helpers/replay-rows.js';

const { A, B } = TRANSFER_CALLS;
// Upper bound on how late a notification may come: generous, because both cores are shared with other
// test runs; the server's own error is a millisecond or two (see the benchmark).
const LATE_MS = 150;

const startReplay = async (over: Partial<ReplayServerOptions> = {}) => {
  const replay = await startReplayServer({ source: over.source ?? storedTransferSource(), port: 0, ...over });
  onTestFinished(() => replay.close());
  return replay;
};

const connect = async (url: string, transport: ClientTransport, user = 'agent5005'): Promise<TestClient> => {
  const client = await connectClient({
    url: `${url}/api/v2/notifications`,
    transport,
    headers: { Authorization: `Basic ${Buffer.from(`${user}:pw`).toString('base64')}` },
  });
  onTestFinished(() => client.disconnect());
  return client;
};

const post = (url: string, callId: string, body: unknown, user = 'agent5005') =>
  fetch(`${url}/api/v2/me/calls/${callId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${user}:pw`).toString('base64')}`,
    },
    body: JSON.stringify(body),
  });

const stateOf = (message: BayeuxMessage): string =>
  (message.data as { call: { id: string; state: string } }).call.state;
const callIs = (id: string, state: string) => (m: BayeuxMessage) => {
  const call = (m.data as { call?: { id: string; state: string } }).call;
  return call?.id === id && call.state === state;
};

/** ms from just before `action` to the arrival of the matching notification */
const timed = async (client: TestClient, action: () => Promise<unknown>, id: string, state: string) => {
  const started = performance.now();
  const arrival = client
    .next('/v2/me/calls', callIs(id, state))
    .then((m) => ({ m, ms: performance.now() - started }));
  await action();
  return arrival;
};

describe.each<ClientTransport>(['long-polling', 'websocket'])('replay server over %s', (transport) => {
  it('plays the recorded transfer: same calls, same order, recorded delays, URLs on the replay origin', async () => {
    const replay = await startReplay();
    // As a GWS client starts (and so fetch is warm before anything is timed).
    expect((await fetch(`${replay.url}/api/v2/me`)).status).toBe(200);
    const client = await connect(replay.url, transport);
    const ringing = await timed(client, () => client.subscribe('/v2/me/calls'), A, 'Ringing');
    expect(ringing.ms).toBeGreaterThanOrEqual(TRANSFER_DELAYS.ringingAfterSubscribe - 2);
    expect(ringing.ms).toBeLessThan(TRANSFER_DELAYS.ringingAfterSubscribe + LATE_MS);

    const established = await timed(
      client,
      () => post(replay.url, A, { operationName: 'Answer' }),
      A,
      'Established',
    );
    expect(established.ms).toBeGreaterThanOrEqual(TRANSFER_DELAYS.established - 2);
    expect(established.ms).toBeLessThan(TRANSFER_DELAYS.established + LATE_MS);

    const transfer = { destination: { phoneNumber: '5001' }, operationName: 'InitiateTransfer' };
    const dialing = await timed(client, () => post(replay.url, A, transfer), B, 'Dialing');
    expect(dialing.ms).toBeGreaterThanOrEqual(TRANSFER_DELAYS.dialing - 2);
    expect(dialing.ms).toBeLessThan(TRANSFER_DELAYS.dialing + LATE_MS);
    expect(dialing.m.data).toMatchObject({
      call: {
        uri: `${replay.url}/api/v2/me/calls/${B}`,
        parentCallUri: `${replay.url}/api/v2/me/calls/${A}`,
      },
    });

    // The client posts to the id it read from a notification, with an absolute URL of the replay server.
    const consultCallUri = (dialing.m.data as { call: { uri: string } }).call.uri;
    const releasedB = await timed(
      client,
      async () => {
        const response = await post(replay.url, B, { operationName: 'CompleteTransfer', consultCallUri });
        expect(await response.json()).toEqual({ statusCode: 0 });
      },
      B,
      'Released',
    );
    expect(releasedB.ms).toBeGreaterThanOrEqual(TRANSFER_DELAYS.releasedB - 2);
    expect(releasedB.ms).toBeLessThan(TRANSFER_DELAYS.releasedB + LATE_MS);

    expect(
      client.messages('/v2/me/calls').map((m) => [(m.data as { call: { id: string } }).call.id, stateOf(m)]),
    ).toEqual([
      [A, 'Ringing'],
      [A, 'Established'],
      [A, 'Held'],
      [B, 'Dialing'],
      [A, 'Released'],
      [B, 'Released'],
    ]);
    expect(JSON.stringify(client.received)).not.toContain(LISTEN_ORIGIN);
    expect(JSON.stringify(client.received)).not.toContain('127.0.0.1:8080');
  });
});

describe('replay server', () => {
  it('answers REST as recorded, with a fresh session cookie and CSRF token per client', async () => {
    const replay = await startReplay();
    const first = await fetch(`${replay.url}/api/v2/me`, { headers: { authorization: 'Basic YTpi' } });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      statusCode: 0,
      user: { userName: 'agent5005', uri: `${replay.url}/api/v2/me` },
    });
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^JSESSIONID=[0-9A-F]{32}; Path=\/; HttpOnly$/);
    expect(first.headers.get('x-csrf-header')).toBe('X-CSRF-TOKEN');
    expect(first.headers.get('x-csrf-token')).toMatch(/^[0-9a-f-]{36}$/);

    const other = await fetch(`${replay.url}/api/v2/me`, { headers: { authorization: 'Basic Yzpk' } });
    expect(other.headers.get('set-cookie')).not.toBe(cookie);
    expect(other.headers.get('x-csrf-token')).not.toBe(first.headers.get('x-csrf-token'));
  });

  it('answers an h2c upgrade (curl --http2) as the HTTP/1.1 request it also is', async () => {
    const replay = await startReplay();
    const received = await sendRaw(
      replay.url,
      h2cHead(
        'GET',
        '/api/v2/me',
        new URL(replay.url).host,
        'Authorization: Basic YTpi\r\nConnection: close\r\n',
      ),
    );
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toContain(
      `{"statusCode":0,"user":{"userName":"agent5005","uri":"${replay.url}/api/v2/me"}}`,
    );
  });

  it('repeats the last recorded answer once the recorded answers ran out', async () => {
    const replay = await startReplay();
    for (let i = 0; i < 3; i++) {
      const response = await post(replay.url, A, { operationName: 'Answer' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ statusCode: 0 });
    }
  });

  it('in strict mode answers an unknown request with a 404 naming the closest recorded ones', async () => {
    const replay = await startReplay();
    const response = await post(replay.url, A, { operationName: 'Hold' });
    expect(response.status).toBe(404);
    const body = (await response.json()) as {
      error: string;
      closest: Array<{ request: string; differences: string[] }>;
    };
    expect(body.error).toBe('VCR_REPLAY_NO_MATCH');
    expect(body.closest).toHaveLength(3);
    expect(body.closest[0]).toEqual({
      request: `POST /api/v2/me/calls/${A} {"operationName":"Answer"}`,
      exchangeIds: [2],
      differences: ['body.operationName: recorded "Answer", got "Hold"'],
      distance: 1,
    });
    const status = replay.status();
    expect(status.unmatched.map((u) => u.request)).toEqual([
      `POST /api/v2/me/calls/${A} {"operationName":"Hold"}`,
    ]);
  });

  it('in lenient mode answers an unknown request with statusCode 0', async () => {
    const replay = await startReplay({ mode: 'lenient' });
    const response = await post(replay.url, A, { operationName: 'Hold' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ statusCode: 0 });
  });

  it('gives two clients at once each the whole session, on their own timelines', async () => {
    const replay = await startReplay();
    const one = await connect(replay.url, 'websocket', 'one');
    const two = await connect(replay.url, 'long-polling', 'two');
    await Promise.all([one.subscribe('/v2/me/calls'), two.subscribe('/v2/me/calls')]);
    await Promise.all([
      one.next('/v2/me/calls', callIs(A, 'Ringing')),
      two.next('/v2/me/calls', callIs(A, 'Ringing')),
    ]);
    await post(replay.url, A, { operationName: 'Answer' }, 'one');
    await one.next('/v2/me/calls', callIs(A, 'Established'));
    await post(replay.url, A, { operationName: 'Answer' }, 'two');
    await two.next('/v2/me/calls', callIs(A, 'Established'));
    expect(one.messages('/v2/me/calls').map(stateOf)).toEqual(['Ringing', 'Established']);
    expect(two.messages('/v2/me/calls').map(stateOf)).toEqual(['Ringing', 'Established']);
    expect(replay.status().clients).toHaveLength(2);
  });

  it('divides the recorded delays by --speed', async () => {
    const replay = await startReplay({ speed: 10 });
    const client = await connect(replay.url, 'websocket');
    await client.subscribe('/v2/me/calls');
    const released = await timed(
      client,
      () =>
        post(replay.url, B, {
          operationName: 'CompleteTransfer',
          consultCallUri: `${replay.url}/api/v2/me/calls/${B}`,
        }),
      B,
      'Released',
    );
    expect(released.ms).toBeGreaterThanOrEqual(TRANSFER_DELAYS.releasedB / 10 - 2);
    expect(released.ms).toBeLessThan(TRANSFER_DELAYS.releasedB / 2);
  });

  it('shifts notifications the same way for the same seed, and differently for another', async () => {
    const planned = async (seed: number) => {
      const replay = await startReplay({ jitterMs: 25, seed, speed: 10 });
      const client = await connect(replay.url, 'websocket');
      await client.subscribe('/v2/me/calls');
      await post(replay.url, B, {
        operationName: 'CompleteTransfer',
        consultCallUri: `${replay.url}/api/v2/me/calls/${B}`,
      });
      await client.next('/v2/me/calls', callIs(B, 'Released'));
      const delivered = replay.status().clients.flatMap((c) => c.delivered);
      return delivered
        .filter((d) => d.anchor === 'request 4')
        .map((d) => d.plannedDelayMs - d.recordedDelayMs / 10);
    };
    const first = await planned(7);
    expect(first).toHaveLength(2);
    expect(first.some((shift) => Math.abs(shift) > 0.001)).toBe(true);
    expect(await planned(7)).toEqual(first);
    expect(await planned(8)).not.toEqual(first);
  });

  it('with --jitter can move a Released ahead of the CompleteTransfer response, reproducibly per seed', async () => {
    // A slow server: the CompleteTransfer response took 400 ms, A Released came at +300 and B Released at +450.
    const source = storedTransferSource();
    const complete = source.exchanges.find((e) => e.id === 4);
    if (complete === undefined) throw new Error('fixture lost its CompleteTransfer');
    complete.firstByteMs = complete.startMs + 400;
    // Row ids of A Released and B Released; B never goes out before A (recorded order is kept).
    const shifts = (seed: number) => ({ a: jitterFor(seed, 7, 200), b: jitterFor(seed, 8, 200) });
    const seedWhere = (test: (shift: { a: number; b: number }) => boolean) => {
      for (let seed = 1; seed < 10_000; seed++) if (test(shifts(seed))) return seed;
      throw new Error('no such seed');
    };
    const order = async (seed: number) => {
      const replay = await startReplay({ source, jitterMs: 200, seed });
      const client = await connect(replay.url, 'websocket');
      await client.subscribe('/v2/me/calls');
      const events: string[] = [];
      const released = client
        .next('/v2/me/calls', callIs(B, 'Released'), 2000)
        .then(() => events.push('B Released'));
      const body = {
        operationName: 'CompleteTransfer',
        consultCallUri: `${replay.url}/api/v2/me/calls/${B}`,
      };
      await post(replay.url, B, body).then(() => events.push('response'));
      await released;
      return events;
    };
    // Both Released at 300 ms or earlier, the response at 400 ms; then B at 550 ms or later.
    expect(await order(seedWhere(({ a, b }) => a < 0 && b < -150))).toEqual(['B Released', 'response']);
    expect(await order(seedWhere(({ b }) => b > 100))).toEqual(['response', 'B Released']);
  });

  it('reports pending and delivered notifications, and starts again on POST /__vcr/reset', async () => {
    const replay = await startReplay();
    const client = await connect(replay.url, 'websocket');
    await client.subscribe('/v2/me/calls');
    await client.next('/v2/me/calls', callIs(A, 'Ringing'));
    const status = (await (await fetch(`${replay.url}/__vcr/status`)).json()) as {
      session: { id: number };
      clients: Array<{
        delivered: Array<{ rowId: number; isDelivered: boolean }>;
        pending: unknown[];
        bayeuxSessions: string[];
      }>;
    };
    expect(status.clients[0]?.delivered).toMatchObject([{ rowId: 3, isDelivered: true }]);
    expect(status.clients[0]?.pending).toHaveLength(5);
    expect(status.clients[0]?.bayeuxSessions).toEqual([client.clientId]);

    const reset = await fetch(`${replay.url}/__vcr/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(replay.status().clients[0]?.delivered).toEqual([]);
    // After a reset the same subscribe is the first one again, and the ringing call comes again.
    await client.unsubscribe('/v2/me/calls');
    await client.subscribe('/v2/me/calls');
    await client.next('/v2/me/calls', callIs(A, 'Ringing'));
  });

  it('replays a recorded request body nested too deep to walk, matched as text, and refuses another one', async () => {
    // a hostile HAR import: the recording itself is untrusted
    const deep = (key: string) =>
      `{"operationName":"Answer","${key}":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const source = storedTransferSource();
    const answer = source.exchanges.find((e) => e.id === 2);
    if (answer === undefined) throw new Error('fixture lost its Answer');
    answer.requestBody = Buffer.from(deep('x'));
    const replay = await startReplay({ source });
    const send = (body: string) =>
      fetch(`${replay.url}/api/v2/me/calls/${A}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const same = await send(deep('x'));
    expect([same.status, await same.json()]).toEqual([200, { statusCode: 0 }]);
    const other = await send(deep('y'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: 'VCR_REPLAY_NO_MATCH' });
  });

  it('holds /meta/connect and expires an idle Bayeux session on its scheduler, as it times notifications', async () => {
    const scheduler = manualScheduler();
    const replay = await startReplay({ scheduler, bayeux: { timeoutMs: 30_000, maxIntervalMs: 10_000 } });
    const url = `${replay.url}/api/v2/notifications`;
    const sessions = () => replay.status().clients.flatMap((c) => c.bayeuxSessions);
    const clientId = await rawHandshake(url);
    expect(sessions()).toEqual([clientId]);
    const held = postMessages(url, [
      { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '2' },
    ]);
    // The hold is a timer on the scheduler, due advice.timeout after the handshake at scheduler time 0.
    await vi.waitFor(() => expect(scheduler.dueAtMs).toContain(30_000));
    scheduler.advance(30_000);
    expect(await held).toEqual([expect.objectContaining({ channel: '/meta/connect', successful: true })]);
    scheduler.advance(10_000);
    expect(sessions()).toEqual([]);
  });

  it('closes with a response held for its recorded latency, and twice without harm', async () => {
    const replay = await startReplay({ speed: 0.001 });
    const pending = fetch(`${replay.url}/api/v2/me`).then(
      (r) => r.status,
      () => 'failed',
    );
    await expect.poll(() => replay.status().clients.length).toBe(1);
    await Promise.all([replay.close(), replay.close()]);
    expect(await pending).toBe(200);
  });
});

describe('replay server listening', () => {
  it('refuses a port in use, naming the replay server and the port, with what to do', async () => {
    const replay = await startReplay();
    const port = Number(new URL(replay.url).port);
    await expect(startReplayServer({ source: storedTransferSource(), port })).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringContaining(`the replay server cannot listen on 127.0.0.1:${port}: `),
      hint: expect.stringContaining('--port'),
    });
  });
});
