// BayeuxServer's own API: principals, targeted publish, deliver, events, close, and many subscribers at once.
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BayeuxServer, type BayeuxServerOptions } from '../../src/bayeux/index.js';
import { type ClientTransport, connectClient } from '../helpers/cometd-client.js';
import { handshakeMessage, postMessages, RawSocket, rawHandshake, rawRequest } from './raw-client.js';
import { startBayeuxServer } from './start-server.js';

const basic = (user: string): string => `Basic ${Buffer.from(`${user}:secret`).toString('base64')}`;

/** The principal is the Basic-auth user; no credentials, no session. */
const authenticate = (req: IncomingMessage): string | null => {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  return match?.[1] === undefined
    ? null
    : (Buffer.from(match[1], 'base64').toString('utf8').split(':')[0] ?? null);
};

const start = async (options: BayeuxServerOptions = {}) => {
  const server = await startBayeuxServer(options);
  onTestFinished(() => server.close());
  return server;
};

const activeTimeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe.each(['long-polling', 'websocket'] as const)(
  'BayeuxServer over %s',
  (transport: ClientTransport) => {
    /** A client on this transport, disconnected when the test ends; signed in as `user` when one is given. */
    const connect = async (url: string, user?: string) => {
      const headers: Record<string, string> = user === undefined ? {} : { authorization: basic(user) };
      const client = await connectClient({ url, transport, headers });
      onTestFinished(() => client.disconnect());
      return client;
    };

    it("publishes to one principal's sessions only", async () => {
      const server = await start({ authenticate });
      const alice = await connect(server.url, 'alice');
      const bob = await connect(server.url, 'bob');
      await alice.subscribe('/v2/me/calls');
      await bob.subscribe('/v2/me/calls');
      expect(server.bayeux.session(alice.clientId)).toMatchObject({ principal: 'alice', transport });
      expect(server.bayeux.publish('/v2/me/calls', 'for alice', { principal: 'alice' })).toBe(1);
      expect(server.bayeux.publish('/v2/me/calls', 'for all')).toBe(2);
      expect((await alice.next('/v2/me/calls')).data).toBe('for alice');
      expect((await alice.next('/v2/me/calls')).data).toBe('for all');
      // bob's queue is ordered too: had the targeted message reached him, it would come first.
      expect((await bob.next('/v2/me/calls')).data).toBe('for all');
      expect(bob.messages('/v2/me/calls')).toHaveLength(1);
    });

    it('refuses a handshake authenticate says no to, with 403', async () => {
      const server = await start({ authenticate });
      await expect(connectClient({ url: server.url, transport })).rejects.toThrow(/403::Handshake denied/);
      expect(server.bayeux.sessions()).toHaveLength(0);
    });

    it('delivers a whole message to one session, subscribed or not', async () => {
      const server = await start();
      const client = await connect(server.url);
      const other = await connect(server.url);
      const message = {
        channel: '/v2/me/devices',
        data: { messageType: 'DeviceStateChangeMessage' },
        ext: { seq: 7 },
      };
      expect(server.bayeux.deliver(client.clientId, message)).toBe(true);
      expect(await client.next('/v2/me/devices')).toEqual(message);
      // A session's queue is ordered: had the message reached `other` too, it would come before this one.
      expect(server.bayeux.deliver(other.clientId, { channel: '/v2/me/marker', data: 'after' })).toBe(true);
      await other.next('/v2/me/marker');
      expect(other.messages('/v2/me/devices')).toEqual([]);
      expect(server.bayeux.deliver('no-such-session', message)).toBe(false);
    });

    it('publishes a whole message to one session, only while it is subscribed', async () => {
      const server = await start();
      const client = await connect(server.url);
      const other = await connect(server.url);
      await client.subscribe('/v2/me/*');
      await other.subscribe('/v2/me/*');
      const message = { channel: '/v2/me/calls', data: { n: 1 }, ext: { seq: 7 } };
      expect(server.bayeux.publishMessage(message, { sessionId: client.clientId })).toBe(1);
      expect(await client.next('/v2/me/calls')).toEqual(message);
      expect(server.bayeux.publishMessage(message, { sessionId: 'no-such-session' })).toBe(0);
      await client.unsubscribe('/v2/me/*');
      expect(server.bayeux.publishMessage(message, { sessionId: client.clientId })).toBe(0);
      expect(server.bayeux.publish('/v2/me/calls', 'to all')).toBe(1);
      // Ordered queues again: `other` gets only the message published to everyone.
      expect((await other.next('/v2/me/calls')).data).toBe('to all');
      expect(other.messages('/v2/me/calls').map((m) => m.data)).toEqual(['to all']);
    });

    it('reports handshake, subscribe, publish, unsubscribe and disconnect as events, in order', async () => {
      const server = await start();
      const events: string[] = [];
      server.bayeux.on('handshake', (s) => events.push(`handshake ${s.transport}`));
      server.bayeux.on('subscribe', (_s, channel) => events.push(`subscribe ${channel}`));
      server.bayeux.on('publish', (_s, m) => events.push(`publish ${m.channel} ${JSON.stringify(m.data)}`));
      server.bayeux.on('unsubscribe', (_s, channel) => events.push(`unsubscribe ${channel}`));
      server.bayeux.on('disconnect', (s) => events.push(`disconnect ${s.subscriptions.length}`));
      const client = await connectClient({ url: server.url, transport });
      await client.subscribe('/a/*');
      await client.publish('/service/calls', { op: 'answer' });
      await client.unsubscribe('/a/*');
      await client.disconnect();
      expect(events).toEqual([
        `handshake ${transport}`,
        'subscribe /a/*',
        'publish /service/calls {"op":"answer"}',
        'unsubscribe /a/*',
        'disconnect 0',
      ]);
    });
  },
);

describe('BayeuxServer', () => {
  it('tells its URLs: the path and everything under it', () => {
    const bayeux = new BayeuxServer({ path: '/cometd/' });
    expect(bayeux.matches('/cometd')).toBe(true);
    expect(bayeux.matches('/cometd/connect')).toBe(true);
    expect(bayeux.matches('/cometdx')).toBe(false);
    expect(bayeux.matches('/api/v2/me')).toBe(false);
    expect(new BayeuxServer().matches('/api/v2/notifications/handshake')).toBe(true);
  });

  it('reads a path as sent, as the recorder does: escapes not decoded, dot segments not resolved', () => {
    const bayeux = new BayeuxServer();
    const target = (url: string) => ({ url, headers: {} }) as IncomingMessage;
    expect(bayeux.matchesRequest(target('/api/v2/notifications/../me'))).toBe(true);
    expect(bayeux.matchesRequest(target('/api/v2/notifications/%2e%2e/me?x=1'))).toBe(true);
    expect(bayeux.matchesRequest(target('/api/v2/me/../notifications'))).toBe(false);
    expect(bayeux.matchesRequest(target('//api/v2/notifications'))).toBe(false);
    expect(bayeux.matchesRequest(target('/api/v2/notifications\\handshake'))).toBe(false);
    expect(bayeux.matchesRequest(target('/api/v2/%6Eotifications'))).toBe(false);
  });

  it('refuses options that cannot work', () => {
    expect(() => new BayeuxServer({ timeoutMs: -1 })).toThrow(/timeoutMs is -1/);
    expect(() => new BayeuxServer({ maxIntervalMs: Number.NaN })).toThrow(/maxIntervalMs/);
  });

  it('answers a request or upgrade outside its path with 404 rather than serving it', async () => {
    const server = await start({ path: '/cometd' });
    const outside = `http://127.0.0.1:${server.port}/api/v2/notifications`;
    const res = await rawRequest(outside, { body: JSON.stringify([handshakeMessage()]) });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: 'VCR_BAYEUX_BAD_REQUEST' });
    await expect(RawSocket.open(outside)).rejects.toThrow(/404/);
  });

  it('survives an upgrade socket reset while it is answered, outside its path and once closed', async () => {
    // Node passes an upgrade's socket on with no 'error' listener; a write to a reset one fails like this.
    const resetSocket = (): Duplex =>
      new Duplex({
        read() {},
        write(_chunk, _encoding, done) {
          done(Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET' }));
        },
      });
    const bayeux = new BayeuxServer({ path: '/cometd' });
    const upgrade = (url: string): Promise<unknown> => {
      const socket = resetSocket();
      // (not events.once, which would take the error for itself)
      const closed = new Promise((resolve) => socket.once('close', resolve));
      bayeux.handleUpgrade({ url, headers: {} } as IncomingMessage, socket, Buffer.alloc(0));
      return closed;
    };
    await upgrade('/elsewhere');
    await bayeux.close();
    await upgrade('/cometd');
    expect(bayeux.sessions()).toEqual([]);
  });

  it('close() answers held polls, closes sockets, forgets sessions and leaves no timers; twice is fine', async () => {
    const timersBefore = activeTimeouts();
    const server = await start();
    const clientId = await rawHandshake(server.url);
    const connected = once(server.bayeux, 'connect');
    const held = rawRequest(server.url, {
      body: JSON.stringify([{ channel: '/meta/connect', id: '2', clientId }]),
    });
    await connected;
    const socket = await RawSocket.open(server.url);
    socket.send([handshakeMessage('websocket')]);
    await socket.next();
    expect(server.bayeux.sessions()).toHaveLength(2);
    const socketClosed = once(socket.ws, 'close');

    await Promise.all([server.bayeux.close(), server.bayeux.close()]);
    expect((await held).json).toEqual([expect.objectContaining({ channel: '/meta/connect', id: '2' })]);
    expect((await socketClosed)[0]).toBe(1001);
    expect(server.bayeux.sessions()).toEqual([]);
    expect(activeTimeouts()).toBeLessThanOrEqual(timersBefore);
    const after = await rawRequest(server.url, { body: JSON.stringify([handshakeMessage()]) });
    expect(after.status).toBe(503);
    expect(after.json).toMatchObject({ error: 'VCR_BAYEUX_CLOSED' });
  });

  it('gives every one of 1,000 concurrent subscribers a published message, official clients included', async () => {
    const server = await start();
    const official = await Promise.all(
      (['long-polling', 'websocket'] as const).map(async (transport) => {
        const client = await connectClient({ url: server.url, transport });
        onTestFinished(() => client.disconnect());
        await client.subscribe('/v2/me/calls');
        return client;
      }),
    );
    // Raw sessions, half held long-polls and half WebSockets, are light enough to have a thousand.
    const raw = 998;
    const received: Promise<unknown>[] = [];
    const sockets: RawSocket[] = [];
    onTestFinished(() => Promise.all(sockets.map((s) => s.close())).then(() => undefined));
    const officialIds = new Set(official.map((c) => c.clientId));
    const allConnected = new Promise<void>((resolve) => {
      let held = 0;
      server.bayeux.on('connect', (session) => {
        if (officialIds.has(session.id)) return;
        held += 1;
        if (held === raw) resolve();
      });
    });
    await Promise.all(
      Array.from({ length: raw }, async (_, i) => {
        if (i % 2 === 0) {
          const clientId = await rawHandshake(server.url);
          await postMessages(server.url, [
            { channel: '/meta/subscribe', clientId, subscription: '/v2/me/*' },
          ]);
          const poll = rawRequest(server.url, {
            body: JSON.stringify([{ channel: '/meta/connect', clientId }]),
          });
          received.push(poll.then((res) => (res.json as { data?: unknown }[])[0]?.data));
        } else {
          const socket = await RawSocket.open(server.url);
          sockets.push(socket);
          socket.send([handshakeMessage('websocket')]);
          const clientId = (await socket.next())[0]?.clientId;
          socket.send([
            { channel: '/meta/subscribe', clientId, subscription: '/v2/me/**' },
            { channel: '/meta/connect', clientId, connectionType: 'websocket' },
          ]);
          await socket.next();
          received.push(socket.next().then((frame) => frame[0]?.data));
        }
      }),
    );
    await allConnected;
    expect(server.bayeux.sessions()).toHaveLength(1000);
    expect(server.bayeux.publish('/v2/me/calls', 'to everyone')).toBe(1000);
    const data = await Promise.all([
      ...received,
      ...official.map((c) => c.next('/v2/me/calls').then((m) => m.data)),
    ]);
    expect(data).toHaveLength(1000);
    expect(new Set(data)).toEqual(new Set(['to everyone']));
  });
});
