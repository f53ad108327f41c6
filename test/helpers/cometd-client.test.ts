// The test client wrapper against a foreign server: handshake, transport forcing, next(), clean disconnect.
import { describe, expect, it, onTestFinished } from 'vitest';
import { startForeignServer } from '../bayeux/foreign-server.js';
import { connectClient } from './cometd-client.js';

const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('cometd test client', () => {
  it('handshakes over long-polling, receives what another client publishes, and disconnects cleanly', async () => {
    const server = await startForeignServer();
    onTestFinished(() => server.close());
    const timersBefore = activeTimers();

    const alice = await connectClient({ url: server.url, transport: 'long-polling' });
    const bob = await connectClient({ url: server.url, transport: 'long-polling' });
    expect(alice.transport).toBe('long-polling');
    expect(alice.clientId).toMatch(/\w+/);

    await alice.subscribe('/chat/*');
    const ack = await bob.publish('/chat/room', { text: 'hello' });
    expect(ack.successful).toBe(true);
    const message = await alice.next('/chat/room');
    expect(message.data).toEqual({ text: 'hello' });
    expect(alice.messages('/chat/**')).toHaveLength(1);

    await alice.disconnect();
    await bob.disconnect();
    expect(alice.cometd.isDisconnected()).toBe(true);
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  });

  it('rejects next() with what did arrive when nothing matching comes in time', async () => {
    const server = await startForeignServer();
    onTestFinished(() => server.close());
    const client = await connectClient({ url: server.url, transport: 'long-polling' });
    onTestFinished(() => client.disconnect());
    await client.subscribe('/a');
    await expect(client.next('/a', undefined, 50)).rejects.toThrow(/no message on \/a within 50 ms/);
  });
});
