// Long-polling as a raw HTTP client sees it: batching, holding, releasing, bad input, JSONP, vanishing clients.
import { once } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { BayeuxServerOptions } from '../../src/bayeux/index.js';
import { manualScheduler } from '../helpers/manual-scheduler.js';
import { handshakeMessage, postMessages, rawHandshake, rawRequest } from './raw-client.js';
import { startBayeuxServer } from './start-server.js';

const start = async (options: BayeuxServerOptions = {}) => {
  const scheduler = manualScheduler();
  const server = await startBayeuxServer({ scheduler, ...options });
  onTestFinished(() => server.close());
  return { ...server, scheduler };
};

/** handshake, subscribe and a first (immediate) connect, as a client does before long-polling */
const session = async (url: string, subscription = '/v2/me/calls') => {
  const clientId = await rawHandshake(url);
  const [subscribed] = await postMessages(url, [
    { channel: '/meta/subscribe', id: '2', clientId, subscription },
  ]);
  expect(subscribed).toMatchObject({ successful: true, subscription, id: '2' });
  const [first] = await postMessages(url, [
    { channel: '/meta/connect', id: '3', clientId, connectionType: 'long-polling', advice: { timeout: 0 } },
  ]);
  expect(first).toMatchObject({ channel: '/meta/connect', id: '3', successful: true });
  return clientId;
};

const connect = (url: string, clientId: string, id: string, signal?: AbortSignal) =>
  rawRequest(`${url}/connect`, {
    body: JSON.stringify([{ channel: '/meta/connect', id, clientId, connectionType: 'long-polling' }]),
    signal,
  });

describe('long-polling transport', () => {
  it('answers a handshake with a 30-character clientId, the transports and the advice', async () => {
    const server = await start({ timeoutMs: 25_000, intervalMs: 5 });
    const [reply] = await postMessages(`${server.url}/handshake`, [handshakeMessage()]);
    expect(reply).toEqual({
      channel: '/meta/handshake',
      id: '1',
      clientId: expect.stringMatching(/^[A-Za-z0-9]{30}$/),
      successful: true,
      version: '1.0',
      supportedConnectionTypes: ['long-polling', 'callback-polling', 'websocket'],
      advice: { reconnect: 'retry', interval: 5, timeout: 25_000, maxInterval: 10_000 },
    });
  });

  it('answers a held /meta/connect with every message queued in one go, connect reply last', async () => {
    const server = await start();
    const clientId = await session(server.url);
    const connected = once(server.bayeux, 'connect');
    const held = connect(server.url, clientId, '4');
    await connected;
    server.bayeux.publish('/v2/me/calls', 1);
    server.bayeux.publish('/v2/me/calls', 2);
    server.bayeux.publish('/v2/me/calls', 3);
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/application\/json/);
    expect(res.json).toEqual([
      { channel: '/v2/me/calls', data: 1 },
      { channel: '/v2/me/calls', data: 2 },
      { channel: '/v2/me/calls', data: 3 },
      { channel: '/meta/connect', id: '4', clientId, successful: true, advice: expect.any(Object) },
    ]);
  });

  it('holds /meta/connect until advice.timeout passes, then answers it empty', async () => {
    const server = await start();
    const clientId = await session(server.url);
    const connected = once(server.bayeux, 'connect');
    const held = connect(server.url, clientId, '4');
    await connected;
    expect(server.bayeux.session(clientId)?.isConnectHeld).toBe(true);
    server.scheduler.advance(30_000);
    expect((await held).json).toEqual([expect.objectContaining({ channel: '/meta/connect', id: '4' })]);
  });

  it('releases a held connect when the same client sends a new one, and holds the new one', async () => {
    const server = await start();
    const clientId = await session(server.url);
    let connected = once(server.bayeux, 'connect');
    const older = connect(server.url, clientId, '4');
    await connected;
    connected = once(server.bayeux, 'connect');
    const newer = connect(server.url, clientId, '5');
    expect((await older).json).toEqual([expect.objectContaining({ id: '4', successful: true })]);
    await connected;
    server.bayeux.publish('/v2/me/calls', 'for the newer');
    expect((await newer).json).toEqual([
      { channel: '/v2/me/calls', data: 'for the newer' },
      expect.objectContaining({ id: '5', successful: true }),
    ]);
  });

  it('keeps messages for the next connect when a client vanishes mid-poll', async () => {
    const server = await start();
    const clientId = await session(server.url);
    const abort = new AbortController();
    const connected = once(server.bayeux, 'connect');
    const vanished = connect(server.url, clientId, '4', abort.signal).catch((err: Error) => err);
    await connected;
    abort.abort();
    expect(await vanished).toBeInstanceOf(Error);
    await vi.waitFor(() => expect(server.bayeux.session(clientId)?.isConnectHeld).toBe(false));
    expect(server.bayeux.publish('/v2/me/calls', 'waiting')).toBe(1);
    const res = await connect(server.url, clientId, '5');
    expect(res.json).toEqual([
      { channel: '/v2/me/calls', data: 'waiting' },
      expect.objectContaining({ id: '5', successful: true }),
    ]);
  });

  it('expires a session that stops polling and frees it', async () => {
    const server = await start({ maxIntervalMs: 10_000 });
    const clientId = await session(server.url);
    expect(server.bayeux.sessions()).toHaveLength(1);
    const expired = once(server.bayeux, 'expired');
    server.scheduler.advance(10_000);
    const [info] = await expired;
    expect(info.id).toBe(clientId);
    expect(server.bayeux.sessions()).toHaveLength(0);
    expect(server.scheduler.pendingTimers).toBe(0);
    const [reply] = await postMessages(server.url, [{ channel: '/meta/connect', id: '9', clientId }]);
    expect(reply).toMatchObject({ successful: false, error: '402::Unknown client' });
  });

  it.each([
    ['/meta/connect', { connectionType: 'long-polling' }],
    ['/meta/subscribe', { subscription: '/a' }],
    ['/meta/unsubscribe', { subscription: '/a' }],
    ['/meta/disconnect', {}],
    ['/chat', { data: 'x' }],
  ])('answers %s from an unknown clientId with 402 and advice to handshake', async (channel, fields) => {
    const server = await start();
    const [reply] = await postMessages(server.url, [{ channel, id: '7', clientId: 'nobody', ...fields }]);
    expect(reply).toMatchObject({
      channel,
      id: '7',
      successful: false,
      error: '402::Unknown client',
      advice: { reconnect: 'handshake' },
    });
  });

  it('refuses meta misuse with a Bayeux error and goes on', async () => {
    const server = await start();
    const clientId = await rawHandshake(server.url);
    const replies = await postMessages(server.url, [
      { channel: '/meta/nonsense', id: 'a', clientId },
      { channel: '/meta/subscribe', id: 'b', clientId },
      { channel: '/meta/subscribe', id: 'c', clientId, subscription: '/meta/connect' },
      { channel: '/meta/subscribe', id: 'd', clientId, subscription: 'no-slash' },
      { channel: '/chat/*', id: 'e', clientId, data: 1 },
      { channel: '/chat', id: 'f', clientId },
      { channel: '/meta/subscribe', id: 'g', clientId, subscription: ['/x', '/y/**'] },
    ]);
    expect(replies.map((r) => [r.id, r.successful, r.error])).toEqual([
      ['a', false, expect.stringMatching(/^400::unknown meta channel/)],
      ['b', false, '400::subscription missing'],
      ['c', false, '403::Subscription denied'],
      ['d', false, '400::invalid channel no-slash'],
      ['e', false, expect.stringMatching(/^400::cannot publish/)],
      ['f', false, '400::publish without data'],
      ['g', true, undefined],
    ]);
    expect(server.bayeux.session(clientId)?.subscriptions).toEqual(['/x', '/y/**']);
  });

  it('refuses a publish nested too deep to re-encode with 400, and goes on serving its subscribers', async () => {
    const server = await start();
    const clientId = await session(server.url, '/chat/room');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const refused = await rawRequest(server.url, {
      body: `[{"channel":"/chat/room","id":"p","clientId":"${clientId}","data":${deep}}]`,
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'VCR_BAYEUX_BAD_REQUEST' });
    // nothing was queued for the subscriber; a shallow publish still reaches it
    const [published] = await postMessages(server.url, [
      { channel: '/chat/room', id: 'q', clientId, data: [[1]] },
    ]);
    expect(published).toMatchObject({ id: 'q', successful: true });
    const [delivered] = (await connect(server.url, clientId, '4')).json as unknown[];
    expect(delivered).toEqual({ channel: '/chat/room', data: [[1]] });
  });

  it('refuses a handshake offering no connection type it supports', async () => {
    const server = await start();
    const [reply] = await postMessages(server.url, [
      { ...handshakeMessage(), supportedConnectionTypes: ['iframe'] },
    ]);
    expect(reply).toMatchObject({
      successful: false,
      error: expect.stringMatching(/^400::no common connection type/),
    });
    expect(server.bayeux.sessions()).toHaveLength(0);
  });

  it.each([
    ['malformed JSON', 'POST', '[{"channel":', 400],
    ['a number', 'POST', '42', 400],
    ['an empty array', 'POST', '[]', 400],
    ['a message without channel', 'POST', '[{"id":"1"}]', 400],
    ['a non-object message', 'POST', '[{"channel":"/a"}, 3]', 400],
    ['an empty body', 'POST', '', 400],
    ['a GET without message=', 'GET', undefined, 400],
    ['a PUT', 'PUT', '[]', 405],
  ])('answers %s with HTTP %s and a JSON error, and stays up', async (_label, method, body, status) => {
    const server = await start();
    const res = await rawRequest(server.url, { method, body });
    expect(res.status).toBe(status);
    expect(res.json).toEqual({ error: 'VCR_BAYEUX_BAD_REQUEST', message: expect.any(String) });
    expect(await rawHandshake(server.url)).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('answers a body over maxBodyBytes with 413', async () => {
    const server = await start({ maxBodyBytes: 1024 });
    const res = await rawRequest(server.url, {
      body: JSON.stringify([{ channel: '/a', data: 'x'.repeat(5000) }]),
    });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: 'VCR_BAYEUX_BAD_REQUEST' });
    expect(await rawHandshake(server.url)).toMatch(/^[A-Za-z0-9]{30}$/);
  });

  it('takes a single message object instead of an array, and a form-encoded message=', async () => {
    const server = await start();
    const single = await rawRequest(server.url, { body: JSON.stringify(handshakeMessage()) });
    expect(single.json).toEqual([expect.objectContaining({ channel: '/meta/handshake', successful: true })]);
    const form = await rawRequest(server.url, {
      body: new URLSearchParams({ message: JSON.stringify([handshakeMessage()]) }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.json).toEqual([expect.objectContaining({ channel: '/meta/handshake', successful: true })]);
  });

  it('serves callback-polling: GET with message= and jsonp= answers JavaScript calling the callback', async () => {
    const server = await start();
    const message = encodeURIComponent(JSON.stringify([handshakeMessage('callback-polling')]));
    const res = await rawRequest(`${server.url}/handshake?jsonp=cb_1&message=${message}`, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/text\/javascript/);
    const match = /^cb_1\((.*)\);$/s.exec(res.text);
    expect(JSON.parse(match?.[1] ?? 'null')).toEqual([expect.objectContaining({ successful: true })]);
    const evil = await rawRequest(`${server.url}?jsonp=alert(1)&message=${message}`, { method: 'GET' });
    expect(evil.status).toBe(400);
  });

  it('answers any batch of odd messages with 200 or 400, one reply per message, and stays up', async () => {
    const server = await start();
    const clientId = await rawHandshake(server.url);
    const message = fc.record(
      {
        channel: fc.constantFrom(
          '/meta/handshake',
          '/meta/subscribe',
          '/meta/unsubscribe',
          '/meta/disconnect',
          '/meta/x',
          '/chat',
          '/service/x',
          '/a/*',
          '',
          'x',
        ),
        id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        clientId: fc.constantFrom(clientId, 'bogus', 42, null),
        subscription: fc.oneof(fc.string(), fc.array(fc.anything()), fc.anything()),
        data: fc.anything(),
        advice: fc.anything(),
        supportedConnectionTypes: fc.anything(),
        ext: fc.anything(),
      },
      { requiredKeys: ['channel'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 5 }), async (messages) => {
        const res = await rawRequest(server.url, { body: JSON.stringify(messages) });
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) expect(res.json).toHaveLength(messages.length);
      }),
      { numRuns: 60 },
    );
    expect(await rawHandshake(server.url)).toMatch(/^[A-Za-z0-9]{30}$/);
  });
});
