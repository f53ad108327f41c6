// record --rewrite-origin in front of a simulator that names itself by another origin, as GWS does by its
// externalApiUrlV2: the official client stays on the proxy, the recording keeps what was sent, replay follows.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BayeuxMessage } from '../../src/bayeux/index.js';
import { startReplayServer } from '../../src/replay/index.js';
import { type ClientTransport, connectClient } from '../helpers/cometd-client.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { type PlayedSession, playTransfer, recordTransfer } from '../helpers/replay-agent.js';
import { request, startTestSimulator } from '../helpers/simulator.js';

// Where GWS's externalApiUrlV2 points, a load balancer, say: no test reaches it.
const BALANCER = 'https://gws-lb.example:8443';

interface CallData {
  call: { uri: string; parentCallUri?: string };
}
const urisOf = (message: BayeuxMessage): string[] => {
  const { call } = message.data as CallData;
  return call.parentCallUri === undefined ? [call.uri] : [call.uri, call.parentCallUri];
};
const notifiedUris = (played: PlayedSession): string[] =>
  played.notifications.flatMap((n) => urisOf(n.message));

describe.each<ClientTransport>(['long-polling', 'websocket'])(
  'an upstream that names itself by another origin, recorded with --rewrite-origin (%s)',
  (transport) => {
    it('keeps the official client on the proxy through the transfer, records what was sent, and replay rewrites it too', async () => {
      // playTransfer posts Answer, InitiateTransfer and CompleteTransfer to the URIs the notifications give it.
      const recording = await recordTransfer(transport, { externalOrigin: BALANCER });
      const seen = notifiedUris(recording.played);
      expect(recording.played.notifications).toHaveLength(6);
      for (const uri of seen) expect(uri.startsWith(`${recording.recorderUrl}/api/v2/`)).toBe(true);
      const me = recording.played.requests[0];
      expect(me?.what).toBe('GET me');
      expect(JSON.stringify(me?.body)).toContain(`"uri":"${recording.recorderUrl}/api/v2/users/`);

      // The recording keeps what the server sent, and which origins were rewritten.
      expect(recording.source.session.rewriteOrigins).toEqual([BALANCER]);
      const stored = recording.store
        .messages(recording.sessionId)
        .filter((m) => m.channel === '/v2/me/calls' && m.direction === 'to-client');
      const storedUris = stored.flatMap((m) => urisOf(m.message as unknown as BayeuxMessage));
      expect(storedUris).toHaveLength(seen.length);
      for (const uri of storedUris) expect(uri.startsWith(`${BALANCER}/api/v2/`)).toBe(true);

      const server = await startReplayServer({ source: recording.source, port: 0 });
      onTestFinished(() => server.close());
      const replayed = await playTransfer(server.url, transport);
      onTestFinished(() => replayed.client.disconnect());
      const replayedUris = notifiedUris(replayed);
      expect(replayedUris).toHaveLength(seen.length);
      for (const uri of replayedUris) expect(uri.startsWith(`${server.url}/api/v2/`)).toBe(true);
      expect(server.status().unmatched).toEqual([]);
    });
  },
);

describe('without --rewrite-origin', () => {
  it('gives the client the URIs of the other origin as the upstream wrote them', async () => {
    const simulator = await startTestSimulator({ externalOrigin: BALANCER });
    const { recorder } = await startTestRecorder(simulator.url);
    const client = await connectClient({
      url: `${recorder.url}/api/v2/notifications`,
      transport: 'long-polling',
    });
    onTestFinished(() => client.disconnect());
    await client.subscribe('/v2/me/calls');
    const ring = await request<{ id: string }>(`${recorder.url}/sim/calls`, {
      body: { to: '5005', from: '5000' },
    });
    const ringing = await client.next('/v2/me/calls');
    expect(urisOf(ringing)).toEqual([`${BALANCER}/api/v2/me/calls/${ring.body.id}`]);
  });
});
