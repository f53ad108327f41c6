// Fault: the GWS server is killed (SIGKILL) under a held long-poll and an open WebSocket; the recorder stays up, says so, records it, and the clients come back with the server.
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnCliServer } from '../helpers/cli.js';
import { type ClientTransport, connectClient, type TestClient } from '../helpers/cometd-client.js';
import { send, startTestRecorder } from '../helpers/recorder.js';
import { ringCall, startTestSimulator } from '../helpers/simulator.js';

const TRANSPORTS: ClientTransport[] = ['long-polling', 'websocket'];
/** Retry at once after a failure, as a desktop tuned for failover would, so the test needs no long waits. */
const QUICK_RETRY = { backoffIncrement: 20, maxBackoff: 100 };

const stateOf = (data: unknown): string | undefined => (data as { call?: { state?: string } }).call?.state;

describe('the upstream killed mid-session', () => {
  it('mid-long-poll and mid-WebSocket: the proxy stays up, answers 502 saying so, records it flagged, and clients recover', async () => {
    const killed = await spawnCliServer(['simulate', '--port', '0', '--latency', '0']);
    const port = Number(new URL(killed.url).port);
    const { recorder, store } = await startTestRecorder(killed.url);

    const clients = new Map<ClientTransport, TestClient>();
    for (const transport of TRANSPORTS) {
      const client = await connectClient({
        url: `${recorder.url}/api/v2/notifications`,
        transport,
        configuration: QUICK_RETRY,
      });
      onTestFinished(() => client.disconnect());
      await client.subscribe('/v2/me/calls');
      clients.set(transport, client);
    }
    // Both clients now wait on the server: a /meta/connect held upstream, a WebSocket open.
    const comeBack = [...clients.values()].map((c) => c.reestablished(10_000));
    await killed.stop('SIGKILL');

    // The proxy is still there and says what is wrong, in its JSON error shape.
    const refused = await send(`${recorder.url}/api/v2/me`);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.text)).toMatchObject({
      error: 'VCR_UPSTREAM_UNREACHABLE',
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });

    // The server comes back on the same port: both clients re-handshake through the proxy and get calls.
    const simulator = await startTestSimulator({ port });
    await Promise.all(comeBack);
    const callId = await ringCall(simulator, '5005', '5000');
    for (const client of clients.values()) {
      const ringing = await client.next('/v2/me/calls', (m) => stateOf(m.data) === 'Ringing');
      expect((ringing.data as { call: { id: string } }).call.id).toBe(callId);
    }

    // The recording tells what happened: the cut poll and socket, flagged, and the refused request.
    await recorder.flush();
    const exchanges = store.exchanges(recorder.sessionId);
    const resetPolls = exchanges.filter(
      (e) => e.kind === 'bayeux' && e.flags.includes('upstream-reset') && e.status === 502,
    );
    expect(resetPolls.length).toBeGreaterThanOrEqual(1);
    const cutSockets = exchanges.filter((e) => e.kind === 'websocket' && e.flags.includes('upstream-reset'));
    expect(cutSockets).toHaveLength(1);
    expect(exchanges.find((e) => e.path === '/api/v2/me')).toMatchObject({
      status: 502,
      flags: expect.arrayContaining(['upstream-unreachable']),
    });
    // The connect that was held when the server died is a message of the session all the same.
    const heldConnects = store
      .messages(recorder.sessionId, { channel: '/meta/connect', direction: 'to-server' })
      .filter((m) => m.exchangeId === resetPolls[0]?.id);
    expect(heldConnects).toHaveLength(1);
    expect(
      store.messages(recorder.sessionId, { channel: '/v2/me/calls', direction: 'to-client' }),
    ).toHaveLength(TRANSPORTS.length);
  });
});
