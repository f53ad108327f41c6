import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { sendRaw } from '../helpers/raw-http.js';
import { databaseBytes, nextEvent, startTestRecorder } from '../helpers/recorder.js';

interface WsUpstream {
  url: string;
  wss: WebSocketServer;
  /** the next connection the upstream accepts */
  nextConnection(): Promise<WebSocket>;
}

/** A ws upstream on 127.0.0.1:0 that accepts the subprotocol "bayeux" if offered; closed when the test ends. */
const startWsUpstream = async (options: { refuse?: number } = {}): Promise<WsUpstream> => {
  const server = createServer((_req, res) => res.end('plain http'));
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('bayeux') ? 'bayeux' : false),
  });
  server.on('upgrade', (req, socket, head) => {
    if (options.refuse) {
      socket.end(
        `HTTP/1.1 ${options.refuse} Nope\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nrefused`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    wss,
    nextConnection: async () => (await once(wss, 'connection'))[0] as WebSocket,
  };
};

const open = async (url: string, protocols: string[] = []): Promise<WebSocket> => {
  const ws = new WebSocket(url, protocols);
  onTestFinished(() => ws.terminate());
  await once(ws, 'open');
  return ws;
};

const nextMessage = async (ws: WebSocket): Promise<string> => {
  const [data] = (await once(ws, 'message')) as [RawData, boolean];
  return data.toString();
};

/** The head of a WebSocket upgrade request for `target` to 127.0.0.1:`port`, with `headers` added. */
const upgradeRequest = (port: string, target: string, headers: string[]): string =>
  [
    `GET ${target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    ...headers,
    '',
    '',
  ].join('\r\n');

/** Sends an upgrade request by hand; resolves with all the server sent once it closed the connection. */
const rawUpgrade = (url: string, target: string, headers: string[]): Promise<string> =>
  sendRaw(url, upgradeRequest(new URL(url).port, target, headers));

const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

/** A recorder in front of a ws upstream, a client connected through it, and the upstream's side of that connection. */
const relayedPair = async () => {
  const upstream = await startWsUpstream();
  const { recorder, store } = await startTestRecorder(upstream.url);
  const accepted = upstream.nextConnection();
  const client = await open(`${recorder.url.replace('http', 'ws')}/x`);
  return { recorder, store, client, server: await accepted };
};

/** An upstream that takes upgrade requests and never answers them; `nextUpgrade` gives the socket of the next. */
const startSilentUpstream = async (): Promise<{ url: string; nextUpgrade(): Promise<Duplex> }> => {
  const server = createServer();
  const sockets = new Set<Duplex>();
  server.on('upgrade', (_req, socket: Duplex) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.resume(); // to see the proxy leave ('end')
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    nextUpgrade: async () => (await once(server, 'upgrade'))[1] as Duplex,
  };
};

/** Writes an upgrade request on a fresh connection to `url` and returns the connection, left open. */
const upgradeSocket = async (url: string, target: string): Promise<Socket> => {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  onTestFinished(() => {
    socket.destroy();
  });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(upgradeRequest(port, target, [KEY]));
  return socket;
};

describe('WebSocket relay', () => {
  it('relays frames both ways with the negotiated subprotocol, and records every frame and Bayeux message', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`, [
      'bayeux',
      'other',
    ]);
    const server = await accepted;
    expect(client.protocol).toBe('bayeux');
    expect(server.protocol).toBe('bayeux');

    const handshake = JSON.stringify([
      { channel: '/meta/handshake', id: '1', supportedConnectionTypes: ['websocket'] },
    ]);
    client.send(handshake);
    expect(await nextMessage(server)).toBe(handshake);
    const notification = JSON.stringify([
      { channel: '/meta/handshake', id: '1', successful: true, clientId: 'c9' },
      { channel: '/v2/me/calls', data: { call: { uri: `${upstream.url}/api/v2/me/calls/A` } } },
    ]);
    server.send(notification);
    expect(JSON.parse(await nextMessage(client))[1].data.call.uri).toBe(`${recorder.url}/api/v2/me/calls/A`);
    client.send(Buffer.from([1, 2, 3]));
    const [binary, isBinary] = (await once(server, 'message')) as [Buffer, boolean];
    expect([...binary]).toEqual([1, 2, 3]);
    expect(isBinary).toBe(true);

    const clientClosed = once(client, 'close');
    client.close(4001, 'bye');
    const [code, reason] = (await once(server, 'close')) as [number, Buffer];
    expect([code, reason.toString()]).toEqual([4001, 'bye']);
    await clientClosed;
    await recorder.close();

    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({
      kind: 'websocket',
      status: 101,
      path: '/api/v2/notifications',
      flags: [],
    });
    expect(exchange?.endMs).toBeGreaterThan(exchange?.firstByteMs ?? Number.POSITIVE_INFINITY);
    const frames = store.frames(recorder.sessionId);
    expect(frames.map((f) => [f.direction, f.opcode])).toEqual([
      ['to-server', 'text'],
      ['to-client', 'text'],
      ['to-server', 'binary'],
      ['to-server', 'close'],
      ['to-client', 'close'],
    ]);
    expect(frames[1]?.payload.toString()).toBe(notification);
    expect(frames[3]?.payload.readUInt16BE(0)).toBe(4001);
    expect(frames[3]?.payload.subarray(2).toString()).toBe('bye');
    const messages = store.messages(recorder.sessionId);
    expect(messages.map((m) => [m.direction, m.transport, m.channel, m.clientId, m.exchangeId])).toEqual([
      ['to-server', 'websocket', '/meta/handshake', null, exchange?.id],
      ['to-client', 'websocket', '/meta/handshake', 'c9', exchange?.id],
      ['to-client', 'websocket', '/v2/me/calls', null, exchange?.id],
    ]);
    expect(messages[2]?.atMs).toBe(frames[1]?.atMs);
  });

  it('sends secrets in frames through untouched but stores them redacted', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store, dbPath } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
    const server = await accepted;
    const secret = 'Basic c2VjcmV0LXdzLXRva2Vu';
    const handshake = JSON.stringify([
      { channel: '/meta/handshake', id: '1', ext: { Authorization: secret } },
    ]);
    client.send(handshake);
    expect(await nextMessage(server)).toBe(handshake);
    await recorder.close();
    const [frame] = store.frames(recorder.sessionId);
    expect(frame?.flags).toEqual(['redacted']);
    expect(frame?.payload.toString()).not.toContain('c2VjcmV0LXdzLXRva2Vu');
    expect(store.messages(recorder.sessionId)[0]?.message).toEqual({
      channel: '/meta/handshake',
      id: '1',
      ext: { Authorization: '[REDACTED]' },
    });
    expect(databaseBytes(dbPath)).not.toContain('c2VjcmV0LXdzLXRva2Vu');
  });

  it('passes the upstream close code on to the client', async () => {
    const upstream = await startWsUpstream();
    const { recorder } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/x`);
    (await accepted).close(4002, 'server says bye');
    const [code, reason] = (await once(client, 'close')) as [number, Buffer];
    expect([code, reason.toString()]).toEqual([4002, 'server says bye']);
  });

  it('passes pings and pongs on instead of answering them itself', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/x`);
    const server = await accepted;
    const pinged = once(server, 'ping');
    client.ping(Buffer.from('are you there'));
    expect(((await pinged)[0] as Buffer).toString()).toBe('are you there');
    // the upstream's ws answers the ping itself; the pong must come back through the proxy
    const [pong] = (await once(client, 'pong')) as [Buffer];
    expect(pong.toString()).toBe('are you there');
    // and the other way round: the upstream pings, the client's ws answers
    const clientPinged = once(client, 'ping');
    const serverPonged = once(server, 'pong');
    server.ping(Buffer.from('still here?'));
    expect(((await clientPinged)[0] as Buffer).toString()).toBe('still here?');
    expect(((await serverPonged)[0] as Buffer).toString()).toBe('still here?');
    await recorder.close();
    expect(
      store
        .frames(recorder.sessionId)
        .map((f) => [f.direction, f.opcode, f.payload.toString()])
        .slice(0, 4),
    ).toEqual([
      ['to-server', 'ping', 'are you there'],
      ['to-client', 'pong', 'are you there'],
      ['to-client', 'ping', 'still here?'],
      ['to-server', 'pong', 'still here?'],
    ]);
  });

  it('relays a non-JSON frame on the notifications path unchanged, stores it raw and flags it', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
    const server = await accepted;
    client.send('hello {not json');
    expect(await nextMessage(server)).toBe('hello {not json');
    server.send('{"statusCode":0}');
    expect(await nextMessage(client)).toBe('{"statusCode":0}');
    await recorder.close();
    const frames = store.frames(recorder.sessionId);
    expect(frames[0]).toMatchObject({ opcode: 'text', flags: ['malformed-json'] });
    expect(frames[0]?.payload.toString()).toBe('hello {not json');
    expect(frames[1]).toMatchObject({ flags: ['not-bayeux'] });
    expect(store.messages(recorder.sessionId)).toEqual([]);
  });

  it('cuts the client off abnormally when the upstream resets the connection, and flags it', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
    (await accepted).terminate();
    const [code] = (await once(client, 'close')) as [number];
    expect(code).toBe(1006);
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.flags).toEqual(['upstream-reset']);
    expect(exchange?.error).toContain('without a close frame');
  });

  it('records a client that vanishes, and closes the upstream side', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/x`);
    const server = await accepted;
    client.terminate();
    await once(server, 'close');
    await recorder.close();
    expect(store.exchanges(recorder.sessionId)[0]?.flags).toEqual(['client-aborted']);
  });

  it('passes an upstream refusal of the upgrade on to the client, and records it', async () => {
    const upstream = await startWsUpstream({ refuse: 403 });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const client = new WebSocket(`${recorder.url.replace('http', 'ws')}/x`);
    client.on('error', () => {});
    const [, res] = (await once(client, 'unexpected-response')) as [
      unknown,
      import('node:http').IncomingMessage,
    ];
    expect(res.statusCode).toBe(403);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('refused');
    expect(res.headers['content-length']).toBe('7');
    client.terminate();
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ kind: 'websocket', status: 403, responseBodyBytes: 7 });
    expect(exchange?.responseBody?.toString()).toBe('refused');
  });

  it('answers an upgrade with 502 JSON when the upstream is unreachable', async () => {
    const { recorder, store } = await startTestRecorder('http://127.0.0.1:9');
    const client = new WebSocket(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
    client.on('error', () => {});
    const [, res] = (await once(client, 'unexpected-response')) as [
      unknown,
      import('node:http').IncomingMessage,
    ];
    expect(res.statusCode).toBe(502);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    expect(JSON.parse(body.toString()).error).toBe('VCR_UPSTREAM_UNREACHABLE');
    client.terminate();
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({
      status: 502,
      flags: ['upstream-unreachable'],
      responseHeaders: [
        ['Content-Type', 'application/json'],
        ['Content-Length', String(body.length)],
        ['Connection', 'close'],
      ],
      responseBodyBytes: body.length,
    });
    expect(exchange?.responseBody?.equals(body)).toBe(true);
  });

  it('closes open WebSockets with 1001 when the recorder closes', async () => {
    const upstream = await startWsUpstream();
    const { recorder } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/x`);
    const server = await accepted;
    const serverClosed = once(server, 'close');
    const clientClosed = once(client, 'close');
    await recorder.close();
    expect((await clientClosed)[0]).toBe(1001);
    expect((await serverClosed)[0]).toBe(1001);
  });

  it('answers an upgrade ws cannot send on (no path, a fragment, repeated subprotocols) with 400 JSON, records it, and goes on', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const refused: Array<[string, string[]]> = [
      ['*', [KEY]],
      ['/api/v2/notifications#x', [KEY]],
      ['/api/v2/notifications', [KEY, 'Sec-WebSocket-Protocol: bayeux, bayeux']],
    ];
    for (const [target, headers] of refused) {
      const reply = await rawUpgrade(recorder.url, target, headers);
      expect(reply, target).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error).toBe('VCR_PROXY_BAD_REQUEST');
    }
    // the proxy is still up and relays a good upgrade
    const accepted = upstream.nextConnection();
    const client = await open(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`, ['bayeux']);
    client.send('[{"channel":"/meta/handshake"}]');
    expect(await nextMessage(await accepted)).toBe('[{"channel":"/meta/handshake"}]');
    await recorder.close();
    const exchanges = store.exchanges(recorder.sessionId);
    expect(exchanges.map((e) => [e.path, e.status])).toEqual([
      ['*', 400],
      ['/api/v2/notifications#x', 400],
      ['/api/v2/notifications', 400],
      ['/api/v2/notifications', 101],
    ]);
    expect(exchanges[2]?.error).toContain('subprotocol');
    expect(recorder.stats.exchanges).toBe(4);
  });

  it('answers 502 JSON when the upstream accepts with a handshake ws refuses (none of the subprotocols offered), and lets go of the client', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    // The upstream picks only "bayeux"; offered "cometd", it answers 101 with no subprotocol, as a browser
    // would refuse too. The reply resolves once the recorder closed the client's connection.
    const reply = await rawUpgrade(recorder.url, '/api/v2/notifications', [
      KEY,
      'Sec-WebSocket-Protocol: cometd',
    ]);
    expect(reply).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    expect(body.error).toBe('VCR_UPSTREAM_BAD_RESPONSE');
    expect(body.message).toContain('subprotocol');
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ kind: 'websocket', status: 502, flags: ['upstream-reset'] });
    expect(exchange?.error).toContain(
      'answered the WebSocket upgrade with a handshake that cannot be relayed',
    );
  });

  it('records a client that leaves (half-closing) before the upstream answers its upgrade, and ends the upstream attempt', async () => {
    const upstream = await startSilentUpstream();
    const { recorder } = await startTestRecorder(upstream.url);
    const upgrade = upstream.nextUpgrade();
    const client = await upgradeSocket(recorder.url, '/api/v2/notifications');
    const upstreamSide = await upgrade;
    const upstreamLeft = once(upstreamSide, 'end');
    const ended = nextEvent(recorder, 'exchange', (e) => e.kind === 'websocket');
    client.end();
    await upstreamLeft;
    const exchange = await ended;
    expect(exchange).toMatchObject({ status: null, flags: ['client-aborted'] });
    expect(exchange.error).toBe('the client went away before the upgrade was answered');
    await recorder.close();
  });

  it('cuts off a client that sends on before its upgrade is answered, rather than holding what it sends', async () => {
    const upstream = await startSilentUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const upgrade = upstream.nextUpgrade();
    const client = await upgradeSocket(recorder.url, '/api/v2/notifications');
    const upstreamSide = await upgrade;
    const upstreamLeft = once(upstreamSide, 'end');
    // the recorder destroys a socket with unread bytes: the client may see a reset, which once() would throw
    const clientClosed = new Promise((resolve) => client.on('close', resolve));
    client.write(Buffer.alloc(256 * 1024, 0x61));
    await clientClosed;
    await upstreamLeft;
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.status).toBeNull();
    expect(exchange?.error).toBe('the client sent over 65536 bytes before its upgrade was answered');
  });

  it('records an upgrade still waiting on the upstream when the recorder closes as ended by the recorder, not refused', async () => {
    const upstream = await startSilentUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const upgrade = upstream.nextUpgrade();
    const client = await upgradeSocket(recorder.url, '/api/v2/notifications');
    await upgrade;
    const clientClosed = once(client, 'close');
    await recorder.close();
    await clientClosed;
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ status: null, flags: [], responseBody: null });
    expect(exchange?.error).toBe('the recorder closed before the upgrade was answered');
  });

  it('relays an upgrade whose request target is in absolute-form, to the path it names', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = once(upstream.wss, 'connection');
    const client = await upgradeSocket(recorder.url, `${recorder.url}/api/v2/notifications?x=1`);
    const [answer] = (await once(client, 'data')) as [Buffer];
    expect(answer.toString()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    const [, req] = (await accepted) as [WebSocket, import('node:http').IncomingMessage];
    expect(req.url).toBe('/api/v2/notifications?x=1');
    client.destroy();
    await recorder.close();
    expect(store.exchanges(recorder.sessionId)[0]).toMatchObject({
      kind: 'websocket',
      path: '/api/v2/notifications',
      query: 'x=1',
      status: 101,
    });
  });

  it('records why the upstream connection was dropped when the upstream breaks the protocol (invalid UTF-8)', async () => {
    const { recorder, store, client, server } = await relayedPair();
    const clientClosed = once(client, 'close');
    server.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    expect((await clientClosed)[0]).toBe(1006);
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.flags).toEqual(['upstream-reset']);
    expect(exchange?.error).toMatch(
      /^upstream http:\/\/127\.0\.0\.1:\d+ broke the WebSocket protocol: .*UTF-8/,
    );
  });

  it('records why the connection was dropped when the client breaks the protocol (invalid UTF-8)', async () => {
    const { recorder, store, client, server } = await relayedPair();
    const serverClosed = once(server, 'close');
    client.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    await serverClosed;
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.error).toMatch(/^the client broke the WebSocket protocol: .*UTF-8/);
  });

  it('closes the upstream side and records the exchange when ws refuses the client handshake (a bad key)', async () => {
    const upstream = await startWsUpstream();
    const { recorder, store } = await startTestRecorder(upstream.url);
    const accepted = upstream.nextConnection();
    const ended = nextEvent(recorder, 'exchange', (e) => e.endMs !== null);
    const reply = rawUpgrade(recorder.url, '/api/v2/notifications', ['Sec-WebSocket-Key: not-a-key']);
    const upstreamClosed = once(await accepted, 'close');
    expect(await reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await upstreamClosed;
    // the exchange ended with the refusal, not when the recorder closes
    const exchange = await ended;
    expect(exchange).toMatchObject({ kind: 'websocket', status: 400 });
    expect(exchange.error).toContain('invalid WebSocket handshake');
    await recorder.close();
    expect(store.exchanges(recorder.sessionId)).toEqual([
      expect.objectContaining({ id: exchange.id, status: 400, error: exchange.error }),
    ]);
  });
});
