// The Bayeux server contract, driven by the official client: run for each transport and against a foreign server.
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ClientTransport, connectClient, type TestClient } from '../helpers/cometd-client.js';
import type { RunningBayeux } from './foreign-server.js';

export type StartServer = (options?: { port?: number }) => Promise<RunningBayeux>;

// Quick retries so a client finds a restarted server within milliseconds, not seconds.
const CONFIGURATION = { backoffIncrement: 10, maxBackoff: 100 };

export const bayeuxServerContract = (label: string, start: StartServer, transport: ClientTransport): void => {
  describe(`Bayeux contract: ${label} over ${transport}`, () => {
    const startServer = async (port?: number): Promise<RunningBayeux> => {
      const server = await start({ port });
      onTestFinished(() => server.close());
      return server;
    };
    const connect = async (server: RunningBayeux): Promise<TestClient> => {
      const client = await connectClient({ url: server.url, transport, configuration: CONFIGURATION });
      onTestFinished(() => client.disconnect());
      return client;
    };

    it('handshakes on the transport asked for and gives a clientId', async () => {
      const server = await startServer();
      const client = await connect(server);
      expect(client.transport).toBe(transport);
      expect(client.clientId).toMatch(/^[A-Za-z0-9]+$/);
      expect(client.cometd.isDisconnected()).toBe(false);
    });

    it('delivers what the server publishes to a subscribed client, in order', async () => {
      const server = await startServer();
      const client = await connect(server);
      await client.subscribe('/v2/me/calls');
      server.publish('/v2/me/calls', { n: 1 });
      server.publish('/v2/me/calls', { n: 2 });
      expect((await client.next('/v2/me/calls')).data).toEqual({ n: 1 });
      expect((await client.next('/v2/me/calls')).data).toEqual({ n: 2 });
    });

    it('honours * (one segment) and ** (any depth) subscriptions', async () => {
      const server = await startServer();
      const one = await connect(server);
      const deep = await connect(server);
      await one.subscribe('/v2/*');
      await deep.subscribe('/v2/**');
      server.publish('/v2/me/calls', 'deep');
      server.publish('/v2/me', 'shallow');
      expect((await deep.next('/v2/me/calls')).data).toBe('deep');
      expect((await deep.next('/v2/me')).data).toBe('shallow');
      expect((await one.next('/v2/me')).data).toBe('shallow');
      // Both went to `one` in this order, so had the deep one reached it, it would be here already.
      expect(one.messages('/v2/**').map((m) => m.data)).toEqual(['shallow']);
    });

    it('stops delivering a channel once unsubscribed', async () => {
      const server = await startServer();
      const client = await connect(server);
      await client.subscribe('/a');
      await client.subscribe('/b');
      await client.unsubscribe('/a');
      server.publish('/a', 'dropped');
      server.publish('/b', 'kept');
      expect((await client.next('/b')).data).toBe('kept');
      expect(client.messages('/a')).toEqual([]);
    });

    it('broadcasts what one client publishes to the others, and acknowledges it', async () => {
      const server = await startServer();
      const sender = await connect(server);
      const receiver = await connect(server);
      await receiver.subscribe('/chat/room');
      const ack = await sender.publish('/chat/room', { text: 'hi' });
      expect(ack.successful).toBe(true);
      expect((await receiver.next('/chat/room')).data).toEqual({ text: 'hi' });
    });

    it('does not broadcast what is published to a service channel', async () => {
      const server = await startServer();
      const sender = await connect(server);
      const receiver = await connect(server);
      await receiver.subscribe('/service/echo');
      await receiver.subscribe('/chat');
      expect((await sender.publish('/service/echo', 'private')).successful).toBe(true);
      expect((await sender.publish('/chat', 'public')).successful).toBe(true);
      expect((await receiver.next('/chat')).data).toBe('public');
      expect(receiver.messages('/service/echo')).toEqual([]);
    });

    it('disconnects: the client ends up disconnected and no longer receives', async () => {
      const server = await startServer();
      const leaving = await connect(server);
      const staying = await connect(server);
      await leaving.subscribe('/news');
      await staying.subscribe('/news');
      await leaving.disconnect();
      expect(leaving.cometd.isDisconnected()).toBe(true);
      server.publish('/news', 'after');
      expect((await staying.next('/news')).data).toBe('after');
      expect(leaving.messages('/news')).toEqual([]);
    });

    it('lets a client handshake again by itself after a server restart forgot its session', async () => {
      const first = await startServer();
      const client = await connect(first);
      await client.subscribe('/v2/me/calls');
      const oldClientId = client.clientId;
      await first.close();
      const second = await startServer(first.port);
      await client.reestablished();
      expect(client.clientId).not.toBe(oldClientId);
      second.publish('/v2/me/calls', 'again');
      expect((await client.next('/v2/me/calls')).data).toBe('again');
    });
  });
};
