import { describe, expect, it, onTestFinished } from 'vitest';
import { startForeignServer } from '../bayeux/foreign-server.js';
import { connectClient } from '../helpers/cometd-client.js';
import { startTestRecorder } from '../helpers/recorder.js';

describe('recorder in front of cometd-nodejs-server (a Bayeux server nobody here wrote)', () => {
  it('lets the official client work through it over long-polling and records every message in order', async () => {
    const upstream = await startForeignServer({ timeoutMs: 2000 });
    onTestFinished(() => upstream.close());
    const { recorder, store } = await startTestRecorder(new URL(upstream.url).origin);
    const client = await connectClient({
      url: `${recorder.url}/api/v2/notifications`,
      transport: 'long-polling',
    });
    onTestFinished(() => client.disconnect());
    await client.subscribe('/v2/me/calls');
    for (let i = 1; i <= 5; i++) {
      upstream.publish('/v2/me/calls', {
        seq: i,
        uri: `${new URL(upstream.url).origin}/api/v2/me/calls/${i}`,
      });
      await client.next('/v2/me/calls', (m) => (m.data as { seq: number }).seq === i);
    }
    const clientId = client.clientId;
    await client.disconnect();
    await recorder.close();

    // the client saw the server's content, URLs pointed at the proxy
    expect(client.received.map((m) => m.data)).toEqual(
      [1, 2, 3, 4, 5].map((seq) => ({ seq, uri: `${recorder.url}/api/v2/me/calls/${seq}` })),
    );
    const messages = store.messages(recorder.sessionId);
    const delivered = messages.filter((m) => m.direction === 'to-client' && m.channel === '/v2/me/calls');
    // every notification is in the database, in the order received, with what the server really sent
    expect(delivered.map((m) => m.message.data)).toEqual(
      [1, 2, 3, 4, 5].map((seq) => ({ seq, uri: `${new URL(upstream.url).origin}/api/v2/me/calls/${seq}` })),
    );
    const times = delivered.map((m) => m.atMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(delivered.every((m) => m.transport === 'long-polling' && m.clientId === null)).toBe(true);
    // the meta conversation is there too: handshake, subscribe, connects, disconnect, both directions
    const channels = new Set(messages.map((m) => `${m.direction} ${m.channel}`));
    for (const expected of [
      'to-server /meta/handshake',
      'to-client /meta/handshake',
      'to-server /meta/subscribe',
      'to-client /meta/subscribe',
      'to-server /meta/connect',
      'to-client /meta/connect',
      'to-server /meta/disconnect',
    ]) {
      expect(channels).toContain(expected);
    }
    const handshakeReply = messages.find(
      (m) => m.direction === 'to-client' && m.channel === '/meta/handshake',
    );
    expect(handshakeReply?.successful).toBe(true);
    expect(messages.filter((m) => m.clientId === clientId).length).toBeGreaterThan(3);
    expect(store.exchanges(recorder.sessionId).every((e) => e.kind === 'bayeux')).toBe(true);
  });
});
