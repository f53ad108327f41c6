// The WebSocket transport as a raw socket sees it: immediate deliveries, held connects, bad frames, dropped sockets.
import { once } from 'node:events';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { BayeuxServerOptions } from '../../src/bayeux/index.js';
import { manualScheduler } from '../helpers/manual-scheduler.js';
import { handshakeMessage, RawSocket } from './raw-client.js';
import { startBayeuxServer } from './start-server.js';

const start = async (options: BayeuxServerOptions = {}) => {
  const scheduler = manualScheduler();
  const server = await startBayeuxServer({ scheduler, ...options });
  onTestFinished(() => server.close());
  return { ...server, scheduler };
};

const open = async (url: string) => {
  const socket = await RawSocket.open(url);
  onTestFinished(() => socket.close());
  return socket;
};

const handshake = async (socket: RawSocket): Promise<string> => {
  socket.send([handshakeMessage('websocket')]);
  const [reply] = await socket.next();
  expect(reply).toMatchObject({ channel: '/meta/handshake', successful: true });
  return reply?.clientId as string;
};

describe('websocket transport', () => {
  it('sends a delivery as soon as it is queued, without waiting for a /meta/connect', async () => {
    const server = await start();
    const socket = await open(server.url);
    const clientId = await handshake(socket);
    socket.send([{ channel: '/meta/subscribe', id: '2', clientId, subscription: '/v2/me/*' }]);
    expect(await socket.next()).toEqual([expect.objectContaining({ id: '2', successful: true })]);
    expect(server.bayeux.publish('/v2/me/calls', { n: 1 })).toBe(1);
    expect(await socket.next()).toEqual([{ channel: '/v2/me/calls', data: { n: 1 } }]);
  });

  it('sends what is queued during the handshake only after the handshake reply', async () => {
    const server = await start();
    server.bayeux.on('handshake', (session) => {
      server.bayeux.deliver(session.id, { channel: '/v2/me/welcome', data: 'hello' });
    });
    const socket = await open(server.url);
    await handshake(socket);
    expect(await socket.next()).toEqual([{ channel: '/v2/me/welcome', data: 'hello' }]);
  });

  it('holds the connect reply while deliveries go out, and answers it when advice.timeout passes', async () => {
    const server = await start();
    const socket = await open(server.url);
    const clientId = await handshake(socket);
    socket.send([{ channel: '/meta/subscribe', id: '2', clientId, subscription: '/a' }]);
    await socket.next();
    const connected = once(server.bayeux, 'connect');
    socket.send([{ channel: '/meta/connect', id: '3', clientId, connectionType: 'websocket' }]);
    await connected;
    server.bayeux.publish('/a', 'first');
    expect(await socket.next()).toEqual([{ channel: '/a', data: 'first' }]);
    expect(server.bayeux.session(clientId)?.isConnectHeld).toBe(true);
    server.scheduler.advance(30_000);
    expect(await socket.next()).toEqual([
      expect.objectContaining({ channel: '/meta/connect', id: '3', successful: true }),
    ]);
  });

  it('on /meta/disconnect answers the held connect with reconnect "none", then the disconnect', async () => {
    const server = await start();
    const socket = await open(server.url);
    const clientId = await handshake(socket);
    const connected = once(server.bayeux, 'connect');
    socket.send([{ channel: '/meta/connect', id: '3', clientId, connectionType: 'websocket' }]);
    await connected;
    socket.send([{ channel: '/meta/disconnect', id: '4', clientId }]);
    expect(await socket.until('/meta/disconnect')).toEqual([
      expect.objectContaining({ channel: '/meta/connect', id: '3', advice: { reconnect: 'none' } }),
      expect.objectContaining({ channel: '/meta/disconnect', id: '4', successful: true }),
    ]);
    expect(server.bayeux.sessions()).toHaveLength(0);
    expect(server.scheduler.pendingTimers).toBe(0);
  });

  it.each([
    ['a frame that is not JSON', 'hello'],
    ['a message without channel', '[{"id":"1"}]'],
    ['a non-object message', '[1, 2]'],
    ['an empty array', '[]'],
    ['a binary frame', Buffer.from([1, 2, 3])],
  ])('answers %s with a 400 Bayeux error and keeps the socket', async (_label, frame) => {
    const server = await start();
    const socket = await open(server.url);
    socket.send(frame);
    expect(await socket.next()).toEqual([
      { channel: '/meta/unsuccessful', successful: false, error: expect.stringMatching(/^400::/) },
    ]);
    expect(await handshake(socket)).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('closes a socket that sends a frame over maxBodyBytes (1009) and stays up', async () => {
    const server = await start({ maxBodyBytes: 1024 });
    const socket = await open(server.url);
    const closed = once(socket.ws, 'close');
    socket.send([{ channel: '/a', data: 'x'.repeat(5000) }]);
    const [code] = await closed;
    expect(code).toBe(1009);
    const other = await open(server.url);
    expect(await handshake(other)).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('expires and frees the session of a socket that went away', async () => {
    const server = await start();
    const socket = await open(server.url);
    const clientId = await handshake(socket);
    const connected = once(server.bayeux, 'connect');
    socket.send([{ channel: '/meta/connect', id: '3', clientId, connectionType: 'websocket' }]);
    await connected;
    const closed = once(socket.ws, 'close');
    socket.ws.terminate();
    await closed;
    // The server stops holding once it sees the socket gone (no event tells a test when).
    await vi.waitFor(() => expect(server.bayeux.session(clientId)?.isConnectHeld).toBe(false));
    const expired = once(server.bayeux, 'expired');
    server.scheduler.advance(10_000);
    expect((await expired)[0].id).toBe(clientId);
    expect(server.bayeux.sessions()).toHaveLength(0);
    expect(server.scheduler.pendingTimers).toBe(0);
  });
});
