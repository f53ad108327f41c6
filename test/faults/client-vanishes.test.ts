// Fault: a client vanishes under a held long-poll or an open WebSocket; the recorder flags it, frees the upstream side, and the server keeps what was meant for the client.
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { nextEvent, startTestRecorder } from '../helpers/recorder.js';
import { request, ringCall, startTestSimulator } from '../helpers/simulator.js';

const CALLS = '/v2/me/calls';

/** Posts a Bayeux batch through `base` and returns the replies. */
const bayeux = async (base: string, messages: object[]): Promise<BayeuxMessage[]> => {
  const reply = await request<BayeuxMessage[]>(`${base}/api/v2/notifications`, { body: messages });
  expect(reply.status).toBe(200);
  return reply.body;
};

/** Handshakes and subscribes over long-polling through `base`; returns the clientId. */
const longPollingSession = async (base: string): Promise<string> => {
  const [hello] = await bayeux(base, [
    { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' },
  ]);
  const clientId = String(hello?.clientId);
  await bayeux(base, [
    { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '2', advice: { timeout: 0 } },
  ]);
  const [ack] = await bayeux(base, [{ channel: '/meta/subscribe', clientId, subscription: CALLS, id: '3' }]);
  expect(ack?.successful).toBe(true);
  return clientId;
};

/** Rings a call once the server no longer holds a connect for `clientId`; the notification must wait for it. */
const ringWhileAway = async (simulator: Simulator, clientId: string): Promise<string> => {
  await vi.waitFor(() => expect(simulator.bayeux.session(clientId)?.isConnectHeld).toBe(false));
  const callId = await ringCall(simulator, '5005', '5000');
  // The simulator publishes after its latency; the session keeps the notification queued.
  await vi.waitFor(() => expect(simulator.bayeux.session(clientId)?.queuedCount).toBe(1));
  return callId;
};

/** The client comes back with a new /meta/connect through the proxy: the queued notification is there. */
const comeBack = async (base: string, clientId: string): Promise<BayeuxMessage | undefined> => {
  const replies = await bayeux(base, [
    { channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '9', advice: { timeout: 0 } },
  ]);
  return replies.find((m) => m.channel === CALLS);
};

const callIdOf = (message: BayeuxMessage | undefined): unknown =>
  (message?.data as { call?: { id?: unknown } } | undefined)?.call?.id;

describe('a client that vanishes', () => {
  it('under a held long-poll: flagged, the upstream poll ended, and the notification waits for its next connect', async () => {
    const simulator = await startTestSimulator();
    const { recorder, store } = await startTestRecorder(simulator.url);
    const clientId = await longPollingSession(recorder.url);

    const held = httpRequest(`${recorder.url}/api/v2/notifications/connect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      agent: false,
    });
    held.on('error', () => {});
    held.end(
      JSON.stringify([{ channel: '/meta/connect', clientId, connectionType: 'long-polling', id: '4' }]),
    );
    await vi.waitFor(() => expect(simulator.bayeux.session(clientId)?.isConnectHeld).toBe(true));
    const aborted = nextEvent(recorder, 'exchange', (e) => e.flags.includes('client-aborted'));
    held.destroy();
    const row = await aborted;
    expect(row).toMatchObject({ kind: 'bayeux', status: null, path: '/api/v2/notifications/connect' });

    const callId = await ringWhileAway(simulator, clientId);
    expect(callIdOf(await comeBack(recorder.url, clientId))).toBe(callId);

    await recorder.flush();
    const messages = store.messages(recorder.sessionId, { exchangeId: row.id });
    expect(messages.map((m) => [m.direction, m.channel, m.messageId])).toEqual([
      ['to-server', '/meta/connect', '4'],
    ]);
    expect(store.messages(recorder.sessionId, { channel: CALLS })).toHaveLength(1);
  });

  it('with an open WebSocket: flagged, the upstream socket closed, and the notification waits for its next connect', async () => {
    const simulator = await startTestSimulator();
    const { recorder, store } = await startTestRecorder(simulator.url);
    const socket = new WebSocket(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`, 'cometd');
    await once(socket, 'open');
    const replies: BayeuxMessage[] = [];
    socket.on('message', (data: Buffer) => replies.push(...(JSON.parse(data.toString()) as BayeuxMessage[])));
    const reply = async (id: string): Promise<BayeuxMessage> => {
      await vi.waitFor(() => expect(replies.some((m) => m.id === id)).toBe(true));
      return replies.find((m) => m.id === id) as BayeuxMessage;
    };
    socket.send(
      JSON.stringify([
        { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['websocket'], id: '1' },
      ]),
    );
    const clientId = String((await reply('1')).clientId);
    socket.send(
      JSON.stringify([{ channel: '/meta/connect', clientId, connectionType: 'websocket', id: '2' }]),
    );
    socket.send(JSON.stringify([{ channel: '/meta/subscribe', clientId, subscription: CALLS, id: '3' }]));
    expect((await reply('3')).successful).toBe(true);
    await vi.waitFor(() => expect(simulator.bayeux.session(clientId)?.isConnectHeld).toBe(true));

    const aborted = nextEvent(recorder, 'exchange', (e) => e.kind === 'websocket' && e.endMs !== null);
    socket.terminate();
    expect((await aborted).flags).toContain('client-aborted');

    const callId = await ringWhileAway(simulator, clientId);
    expect(callIdOf(await comeBack(recorder.url, clientId))).toBe(callId);
    await recorder.flush();
    expect(store.messages(recorder.sessionId, { channel: CALLS })).toHaveLength(1);
  });
});
