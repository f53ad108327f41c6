// The test client wrapper: handshake, transport forcing, next(), headers, and a disconnect that leaves nothing behind.
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunningBayeux } from '../bayeux/foreign-server.js';
import { startForeignServer } from '../bayeux/foreign-server.js';
import { startBayeuxServer } from '../bayeux/start-server.js';
import { type ClientTransport, connectClient } from './cometd-client.js';

const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

const servers: [string, ClientTransport, () => Promise<RunningBayeux>][] = [
  ['cometd-nodejs-server', 'long-polling', () => startForeignServer()],
  ['BayeuxServer', 'long-polling', () => startBayeuxServer()],
  ['BayeuxServer', 'websocket', () => startBayeuxServer()],
];

describe.each(servers)('cometd test client against %s over %s', (_name, transport, start) => {
  it('uses the transport asked for, receives what another client publishes, and disconnects cleanly', async () => {
    const server = await start();
    onTestFinished(() => server.close());
    const timersBefore = activeTimers();

    const alice = await connectClient({ url: server.url, transport });
    const bob = await connectClient({ url: server.url, transport });
    expect(alice.transport).toBe(transport);
    expect(alice.clientId).toMatch(/\w+/);

    await alice.subscribe('/chat/*');
    const ack = await bob.publish('/chat/room', { text: 'hello' });
    expect(ack.successful).toBe(true);
    const message = await alice.next('/chat/room');
    expect(message.data).toEqual({ text: 'hello' });
    expect(alice.messages('/chat/**')).toHaveLength(1);
    expect(alice.received).toEqual([message]);

    await alice.disconnect();
    await bob.disconnect();
    expect(alice.cometd.isDisconnected()).toBe(true);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it('rejects next() with what did arrive when nothing matching comes in time', async () => {
    const server = await start();
    onTestFinished(() => server.close());
    const client = await connectClient({ url: server.url, transport });
    onTestFinished(() => client.disconnect());
    await client.subscribe('/a');
    await expect(client.next('/a', undefined, 50)).rejects.toThrow(/no message on \/a within 50 ms/);
  });

  it('takes a message that arrived before next() was called, and honours the predicate', async () => {
    const server = await start();
    onTestFinished(() => server.close());
    const client = await connectClient({ url: server.url, transport });
    onTestFinished(() => client.disconnect());
    await client.subscribe('/n');
    server.publish('/n', 1);
    server.publish('/n', 2);
    expect((await client.next('/n', (m) => m.data === 2)).data).toBe(2);
    expect((await client.next('/n')).data).toBe(1);
  });
});

describe('cometd test client headers', () => {
  it('sends Authorization on every long-poll and on the websocket upgrade', async () => {
    const seen: (string | undefined)[] = [];
    const server = await startBayeuxServer({
      authenticate: (req) => {
        seen.push(req.headers.authorization);
        return 'agent';
      },
    });
    onTestFinished(() => server.close());
    const authorization = `Basic ${Buffer.from('agent:p@ss:word').toString('base64')}`;
    for (const transport of ['long-polling', 'websocket'] as const) {
      const client = await connectClient({ url: server.url, transport, headers: { authorization } });
      await client.disconnect();
    }
    expect(seen).toEqual([authorization, authorization]);
  });

  it('refuses headers the official websocket transport cannot send', async () => {
    await expect(
      connectClient({ url: 'http://127.0.0.1:1/x', transport: 'websocket', headers: { 'x-api-key': 'k' } }),
    ).rejects.toThrow(/cannot send header x-api-key/);
  });
});
