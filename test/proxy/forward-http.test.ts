import { once } from 'node:events';
import { request } from 'node:http';
import { type AddressInfo, createConnection, createServer as createNetServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sendRaw } from '../helpers/raw-http.js';
import { nextEvent, send, startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';

const json = (value: unknown): string => JSON.stringify(value);

describe('HTTP forwarding', () => {
  it('relays a request and its response unchanged and records both with their times', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Upstream': 'yes' });
        res.end(
          json({ statusCode: 0, echo: Buffer.concat(chunks).toString(), url: req.url, method: req.method }),
        );
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me/calls/A?x=1&y=2`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"operationName":"Answer"}',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['x-upstream']).toBe('yes');
    expect(JSON.parse(reply.text)).toEqual({
      statusCode: 0,
      echo: '{"operationName":"Answer"}',
      url: '/api/v2/me/calls/A?x=1&y=2',
      method: 'POST',
    });
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({
      kind: 'http',
      method: 'POST',
      path: '/api/v2/me/calls/A',
      query: 'x=1&y=2',
      status: 200,
      requestBodyBytes: 26,
      flags: [],
      error: null,
    });
    expect(exchange?.requestBody?.toString()).toBe('{"operationName":"Answer"}');
    expect(exchange?.responseBody?.toString()).toBe(reply.text);
    expect(exchange?.requestHeaders).toContainEqual(['Content-Type', 'application/json']);
    expect(exchange?.responseHeaders).toContainEqual(['X-Upstream', 'yes']);
    const { startMs, firstByteMs, endMs } = exchange ?? {};
    expect(startMs).toBeGreaterThanOrEqual(0);
    expect(firstByteMs).toBeGreaterThanOrEqual(startMs ?? Number.NaN);
    expect(endMs).toBeGreaterThanOrEqual(firstByteMs ?? Number.NaN);
  });

  it.each<{ what: string; method: string; headers: Record<string, string>; body?: string; expected: string }>(
    [
      { what: 'a GET without a body', method: 'GET', headers: {}, body: undefined, expected: '' },
      { what: 'a DELETE without a body', method: 'DELETE', headers: {}, body: '', expected: '' },
      {
        what: 'a chunked DELETE',
        method: 'DELETE',
        headers: { 'Transfer-Encoding': 'chunked' },
        body: '{"reason":"done"}',
        expected: '{"reason":"done"}',
      },
      // Node's client frames a GET's body only when told its length
      {
        what: 'a GET with a body',
        method: 'GET',
        headers: { 'Content-Length': '5' },
        body: 'hello',
        expected: 'hello',
      },
      {
        what: 'a chunked POST',
        method: 'POST',
        headers: { 'Transfer-Encoding': 'chunked' },
        body: '{"operationName":"Hold"}',
        expected: '{"operationName":"Hold"}',
      },
    ],
  )('forwards and records $what as sent, body and framing', async ({ method, headers, body, expected }) => {
    const upstream = await startHttpUpstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          json({
            got: Buffer.concat(chunks).toString(),
            length: req.headers['content-length'] ?? null,
            chunked: req.headers['transfer-encoding'] === 'chunked',
          }),
        );
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me`, { method, headers, body });
    const seen = JSON.parse(reply.text) as { got: string; length: string | null; chunked: boolean };
    expect(seen.got).toBe(expected);
    expect(seen.chunked).toBe(headers['Transfer-Encoding'] === 'chunked');
    if (!seen.chunked && expected !== '') expect(seen.length).toBe(String(expected.length));
    // as http-proxy has always sent them: some servers wait for a length on a DELETE
    if (method === 'DELETE' && expected === '') expect(seen.length).toBe('0');
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.method).toBe(method);
    expect(exchange?.requestBodyBytes).toBe(expected.length);
    expect(exchange?.requestBody?.toString() ?? '').toBe(expected);
  });

  it('points upstream URLs in JSON bodies and Location at the proxy, with an exact Content-Length, and records the original', async () => {
    let upstreamUrl = '';
    const upstream = await startHttpUpstream((_req, res) => {
      const body = json({
        statusCode: 0,
        call: { uri: `${upstreamUrl}/api/v2/me/calls/A`, deviceUri: `${upstreamUrl}/api/v2/devices/d` },
      });
      res.writeHead(201, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Location: `${upstreamUrl}/api/v2/me/calls/A`,
      });
      res.end(body);
    });
    upstreamUrl = upstream.url;
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me/calls`);
    expect(reply.headers.location).toBe(`${recorder.url}/api/v2/me/calls/A`);
    expect(JSON.parse(reply.text).call).toEqual({
      uri: `${recorder.url}/api/v2/me/calls/A`,
      deviceUri: `${recorder.url}/api/v2/devices/d`,
    });
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.responseBody?.toString()).toContain(`${upstream.url}/api/v2/me/calls/A`);
    expect(exchange?.responseHeaders).toContainEqual(['Location', `${upstream.url}/api/v2/me/calls/A`]);
  });

  it('rewrites the other origins the upstream names itself by (--rewrite-origin) like its own, and records them as sent', async () => {
    // GWS writes URIs from its externalApiUrlV2 option, here a load balancer's, whatever node answers.
    const balancer = 'https://gws-lb.example';
    let upstreamUrl = '';
    const upstream = await startHttpUpstream((_req, res) => {
      const device = `${balancer}/api/v2/devices/d`;
      // As CometD's Java server writes JSON: slashes escaped.
      const body = json({
        uri: `${balancer}/api/v2/me/calls/A`,
        escaped: device,
        own: `${upstreamUrl}/api/v2/me`,
        portWritten: `${balancer}:443/api/v2/me`,
        longer: `${balancer}s.example/api/v2/me`,
      }).replace(device, device.replaceAll('/', '\\/'));
      res.writeHead(201, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Location: `${balancer}/api/v2/me/calls/A`,
      });
      res.end(body);
    });
    upstreamUrl = upstream.url;
    const { recorder, store } = await startTestRecorder(upstream.url, {
      rewriteOrigins: [`${balancer}/api/v2`, upstream.url],
    });
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me/calls`);
    expect(reply.headers.location).toBe(`${recorder.url}/api/v2/me/calls/A`);
    expect(JSON.parse(reply.text)).toEqual({
      uri: `${recorder.url}/api/v2/me/calls/A`,
      escaped: `${recorder.url}/api/v2/devices/d`,
      own: `${recorder.url}/api/v2/me`,
      portWritten: `${recorder.url}/api/v2/me`,
      longer: `${balancer}s.example/api/v2/me`,
    });
    expect(Number(reply.headers['content-length'])).toBe(reply.body.length);
    await recorded;
    await recorder.flush();
    // Origins as URL.origin spells them, each once, the upstream's own left out: what replay rewrites too.
    expect(store.getSession(recorder.sessionId)?.rewriteOrigins).toEqual([balancer]);
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.responseBody?.toString()).toContain(`${balancer}/api/v2/me/calls/A`);
    expect(exchange?.responseHeaders).toContainEqual(['Location', `${balancer}/api/v2/me/calls/A`]);
  });

  it('refuses an origin to rewrite that is not an http(s) URL', async () => {
    await expect(
      startTestRecorder('http://127.0.0.1:9', { rewriteOrigins: ['ftp://gws-lb.example'] }),
    ).rejects.toMatchObject({
      code: 'VCR_BAD_OPTION',
      message: expect.stringContaining('origin to rewrite'),
    });
  });

  it('rewrites a body streamed in pieces, an origin cut across two chunks included', async () => {
    let upstreamUrl = '';
    const upstream = await startHttpUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const body = json({ uris: [`${upstreamUrl}/a`, `${upstreamUrl}/b`] });
      const cut = body.indexOf(upstreamUrl) + 10;
      res.write(body.slice(0, cut));
      setImmediate(() => res.end(body.slice(cut)));
    });
    upstreamUrl = upstream.url;
    const { recorder } = await startTestRecorder(upstream.url);
    const reply = await send(`${recorder.url}/api/v2/me/calls`);
    expect(JSON.parse(reply.text)).toEqual({ uris: [`${recorder.url}/a`, `${recorder.url}/b`] });
  });

  it('rewrites only bodies it can read: identity-encoded, textual; gzip or several encodings pass as sent', async () => {
    let upstreamUrl = '';
    const upstream = await startHttpUpstream((req, res) => {
      const body = json({ uri: `${upstreamUrl}/api/v2/me` });
      // Raw header pairs, so that a header can be sent twice.
      const encodings: Record<string, string[]> = {
        '/identity': ['Content-Encoding', 'identity'],
        '/gzip': ['Content-Encoding', 'gzip'],
        '/twice': ['Content-Encoding', 'identity', 'Content-Encoding', 'identity'],
        '/binary-first': ['Content-Type', 'application/octet-stream'],
      };
      res.writeHead(200, [
        ...(encodings[req.url ?? ''] ?? []),
        'Content-Type',
        'application/json',
        'Content-Length',
        String(Buffer.byteLength(body)),
      ]);
      res.end(body);
    });
    upstreamUrl = upstream.url;
    const { recorder } = await startTestRecorder(upstream.url);
    const uriThrough = async (path: string): Promise<string> =>
      (JSON.parse((await send(`${recorder.url}${path}`)).text) as { uri: string }).uri;
    expect(await uriThrough('/identity')).toBe(`${recorder.url}/api/v2/me`);
    expect(await uriThrough('/gzip')).toBe(`${upstream.url}/api/v2/me`);
    expect(await uriThrough('/twice')).toBe(`${upstream.url}/api/v2/me`);
    // The first Content-Type counts, as in Node's headers object.
    expect(await uriThrough('/binary-first')).toBe(`${upstream.url}/api/v2/me`);
  });

  it('answers 502 with a JSON error when the upstream is unreachable, and records the attempt', async () => {
    const gone = await startHttpUpstream(() => {});
    await gone.close();
    const { recorder, store } = await startTestRecorder(gone.url);
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me`);
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('application/json');
    const body = JSON.parse(reply.text);
    expect(body.error).toBe('VCR_UPSTREAM_UNREACHABLE');
    expect(body.message).toContain(gone.url);
    expect(body.message).toContain('ECONNREFUSED');
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ status: 502, flags: ['upstream-unreachable'], firstByteMs: null });
    expect(exchange?.error).toContain('unreachable');
    // the proxy's own answer is recorded as the response the client got
    expect(exchange?.responseHeaders).toEqual([
      ['Content-Type', 'application/json'],
      ['Content-Length', String(reply.body.length)],
    ]);
    expect(exchange?.responseBody?.toString()).toBe(reply.text);
  });

  it('answers 502 unreachable, not reset, when an https upstream fails the TLS handshake: no request reached it', async () => {
    // a plain HTTP server behind an https URL: TCP connects, the handshake fails, nothing was sent
    const plain = await startHttpUpstream((_req, res) => res.end('never asked'));
    const { recorder, store } = await startTestRecorder(plain.url.replace('http:', 'https:'));
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me`);
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.text)).toMatchObject({
      error: 'VCR_UPSTREAM_UNREACHABLE',
      message: expect.stringContaining('check that the upstream is running and that --upstream points at it'),
    });
    await recorded;
    await recorder.flush();
    expect(store.exchanges(recorder.sessionId)).toMatchObject([
      { status: 502, flags: ['upstream-unreachable'] },
    ]);
  });

  it('records a client that aborts mid-request and aborts the upstream request too', async () => {
    let upstreamSawClose: () => void = () => {};
    const upstreamClosed = new Promise<void>((resolve) => {
      upstreamSawClose = resolve;
    });
    let upstreamGotData: () => void = () => {};
    const upstreamData = new Promise<void>((resolve) => {
      upstreamGotData = resolve;
    });
    const upstream = await startHttpUpstream((req) => {
      req.once('data', () => upstreamGotData());
      req.on('close', () => upstreamSawClose());
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const req = request(`${recorder.url}/api/v2/me/calls/A`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '1000' },
      agent: false,
    });
    req.on('error', () => {});
    req.write('{"operationName":');
    await upstreamData;
    req.destroy();
    await upstreamClosed;
    const row = await recorded;
    expect(row.flags).toContain('client-aborted');
    expect(row.status).toBeNull();
    expect(row.requestBody?.toString()).toBe('{"operationName":');
    expect(row.requestBodyBytes).toBe(17);
    await recorder.flush();
    expect(store.exchanges(recorder.sessionId)).toHaveLength(1);
  });

  it('answers 502 VCR_UPSTREAM_RESET when the upstream drops a held long-poll, and records it', async () => {
    const upstream = await startHttpUpstream((req) => {
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/notifications/connect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[{"channel":"/meta/connect","clientId":"c1","connectionType":"long-polling","id":"3"}]',
    });
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.text).error).toBe('VCR_UPSTREAM_RESET');
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ kind: 'bayeux', status: 502, flags: ['upstream-reset'] });
    // the client's /meta/connect is still a message of the session, even though no answer came
    expect(store.messages(recorder.sessionId)).toEqual([
      expect.objectContaining({
        channel: '/meta/connect',
        direction: 'to-server',
        clientId: 'c1',
        messageId: '3',
      }),
    ]);
  });

  it('cuts the client off when the upstream resets mid-response, and flags the exchange', async () => {
    const upstream = await startHttpUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    });
    const { recorder } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    await expect(send(`${recorder.url}/big`)).rejects.toThrow();
    const row = await recorded;
    expect(row.flags).toContain('upstream-reset');
    expect(row.responseBody?.toString()).toBe('partial');
  });

  it('streams a body over maxBodyBytes through whole and stores it cut, flagged', async () => {
    const big = Buffer.alloc(300_000, 'x');
    const upstream = await startHttpUpstream((req, res) => {
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
      });
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.end(Buffer.concat([Buffer.from(`${n}:`), big]));
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url, { maxBodyBytes: 1000 });
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/upload`, { method: 'PUT', body: big });
    expect(reply.body.length).toBe(big.length + 7);
    expect(reply.text.startsWith('300000:')).toBe(true);
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.flags).toEqual(['truncated']);
    expect(exchange?.requestBody?.length).toBe(1000);
    expect(exchange?.requestBodyBytes).toBe(300_000);
    expect(exchange?.responseBody?.length).toBe(1000);
    expect(exchange?.responseBodyBytes).toBe(300_007);
  });

  it('relays malformed JSON on the notifications path unchanged, stores it raw and flags it', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('[{"channel":"/meta/connect", oops');
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/notifications`, { method: 'POST', body: '{not json' });
    expect(reply.text).toBe('[{"channel":"/meta/connect", oops');
    await recorded;
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.flags).toEqual(['malformed-json']);
    expect(exchange?.requestBody?.toString()).toBe('{not json');
    expect(exchange?.responseBody?.toString()).toBe('[{"channel":"/meta/connect", oops');
    expect(store.messages(recorder.sessionId)).toEqual([]);
  });

  it('flags JSON on the notifications path that is not Bayeux as not-bayeux', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => res.end('{"statusCode":0}'));
    });
    const { recorder } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    await send(`${recorder.url}/api/v2/notifications/connect`, { method: 'POST', body: '{"hello":1}' });
    expect((await recorded).flags).toEqual(['not-bayeux']);
  });

  it('decodes a long-poll: each request and response message a row, the response stamped when it passed', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        // hold the poll, as a /meta/connect is held until something happens
        setTimeout(() => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(
            json([
              { channel: '/v2/me/calls', data: { messageType: 'CallStateChangeMessage' } },
              {
                channel: '/meta/connect',
                clientId: 'c1',
                id: '7',
                successful: true,
                advice: { timeout: 30000 },
              },
            ]),
          );
        }, 30);
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    await send(`${recorder.url}/api/v2/notifications/connect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      body: json([{ channel: '/meta/connect', clientId: 'c1', id: '7', connectionType: 'long-polling' }]),
    });
    const exchange = await recorded;
    await recorder.flush();
    const messages = store.messages(recorder.sessionId);
    expect(messages.map((m) => [m.direction, m.channel, m.successful, m.transport, m.exchangeId])).toEqual([
      ['to-server', '/meta/connect', null, 'long-polling', exchange.id],
      ['to-client', '/v2/me/calls', null, 'long-polling', exchange.id],
      ['to-client', '/meta/connect', true, 'long-polling', exchange.id],
    ]);
    expect(messages[1]?.atMs).toBeGreaterThanOrEqual((messages[0]?.atMs ?? 0) + 25);
    expect(messages[1]?.atMs).toBe(exchange.endMs);
    expect(messages[2]?.message).toEqual({
      channel: '/meta/connect',
      clientId: 'c1',
      id: '7',
      successful: true,
      advice: { timeout: 30000 },
    });
  });

  it('decodes callback-polling: messages from the message= parameter and from the JSONP answer', async () => {
    const upstream = await startHttpUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end('cb([{"channel":"/meta/connect","clientId":"c2","successful":true}]);');
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const message = encodeURIComponent(
      '[{"channel":"/meta/connect","clientId":"c2","connectionType":"callback-polling"}]',
    );
    const reply = await send(`${recorder.url}/api/v2/notifications/connect?jsonp=cb&message=${message}`);
    expect(reply.text).toBe('cb([{"channel":"/meta/connect","clientId":"c2","successful":true}]);');
    expect((await recorded).flags).toEqual([]);
    await recorder.flush();
    expect(
      store.messages(recorder.sessionId).map((m) => [m.direction, m.channel, m.clientId, m.successful]),
    ).toEqual([
      ['to-server', '/meta/connect', 'c2', null],
      ['to-client', '/meta/connect', 'c2', true],
    ]);
  });

  it('answers 502 to an upstream response that does not parse, records it, and serves the next request', async () => {
    let isBad = true;
    const server = createNetServer((socket) => {
      socket.once('data', () => {
        const head = isBad ? 'HTTP/1.1 200 OK\r\nX-Bad: a\u007fb\r\n' : 'HTTP/1.1 200 OK\r\n';
        isBad = false;
        socket.end(`${head}Content-Length: 2\r\nConnection: close\r\n\r\nok`);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { recorder } = await startTestRecorder(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    const recorded = nextEvent(recorder, 'exchange');
    expect((await send(`${recorder.url}/x`)).status).toBe(502);
    const row = await recorded;
    expect(row.flags).toEqual(['upstream-reset']);
    expect(row.error).toContain('Parse Error');
    expect((await send(`${recorder.url}/x`)).text).toBe('ok');
  });

  /** An upstream on raw TCP that answers each request with `answer(n)` bytes (n counts from 0), as written. */
  const startRawUpstream = async (answer: (n: number) => string): Promise<string> => {
    let n = 0;
    const server = createNetServer((socket) => {
      socket.on('error', () => {});
      socket.on('data', () => {
        socket.write(answer(n));
        n += 1;
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  // JSON is held back for the URL rewriter before its head goes out; octet-stream is relayed as it comes.
  it.each(['application/json', 'application/octet-stream'])(
    'relays a complete response (%s) whose upstream sent more bytes than its Content-Length, and serves the next',
    async (type) => {
      const upstream = await startRawUpstream(
        () => `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: 7\r\n\r\n{"a":1}garbage`,
      );
      const { recorder, store } = await startTestRecorder(upstream);
      const reply = await send(`${recorder.url}/api/v2/me`);
      expect([reply.status, reply.text]).toEqual([200, '{"a":1}']);
      expect((await send(`${recorder.url}/api/v2/me`)).text).toBe('{"a":1}');
      await recorder.close();
      const [first] = store.exchanges(recorder.sessionId);
      expect(first).toMatchObject({ status: 200, flags: [], error: null });
      expect(first?.responseBody?.toString()).toBe('{"a":1}');
    },
  );

  it('cuts the client off, recording a reset, when a response turns unparseable midway (a bad chunk size)', async () => {
    const upstream = await startRawUpstream(
      () =>
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n',
    );
    const { recorder } = await startTestRecorder(upstream);
    const recorded = nextEvent(recorder, 'exchange');
    await expect(send(`${recorder.url}/api/v2/me`)).rejects.toThrow();
    const row = await recorded;
    expect(row).toMatchObject({ status: 200, flags: ['upstream-reset'] });
    expect(row.error).toMatch(/broke off its response: Parse Error/);
  });

  it('relays a status whose reason phrase Node will not write with its standard one', async () => {
    const upstream = await startRawUpstream(() => 'HTTP/1.1 200 O\u007fK\r\nContent-Length: 2\r\n\r\nok');
    const { recorder, store } = await startTestRecorder(upstream);
    const reply = await new Promise<{ status: number; message: string; body: string }>((resolve, reject) => {
      request(`${recorder.url}/api/v2/me`, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, message: res.statusMessage ?? '', body }));
      })
        .on('error', reject)
        .end();
    });
    expect(reply).toEqual({ status: 200, message: 'OK', body: 'ok' });
    await recorder.close();
    expect(store.exchanges(recorder.sessionId)[0]).toMatchObject({ status: 200, flags: [] });
  });

  it('records a client that leaves mid-response as client-aborted, not as an upstream reset', async () => {
    const upstream = await startHttpUpstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first part;');
    });
    const { recorder } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    await new Promise<void>((resolve) => {
      const req = request(`${recorder.url}/slow`, { agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    const row = await recorded;
    expect(row.flags).toEqual(['client-aborted']);
    expect(row.error).toBe('the client went away before the response ended');
  });

  it('takes an absolute-form request target as its path: a long-poll sent so is decoded as Bayeux', async () => {
    const seen: string[] = [];
    const upstream = await startHttpUpstream((req, res) => {
      seen.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(json([{ channel: '/meta/handshake', id: '1', successful: true, clientId: 'c1' }]));
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const { port } = new URL(recorder.url);
    const body = json([{ channel: '/meta/handshake', id: '1', version: '1.0' }]);
    const socket = createConnection(Number(port), '127.0.0.1');
    onTestFinished(() => {
      socket.destroy();
    });
    const answered = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('clientId')) resolve(text);
      });
    });
    socket.write(
      `POST ${recorder.url}/api/v2/notifications/handshake?v=1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(await answered).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    await recorder.close();
    expect(seen).toEqual(['/api/v2/notifications/handshake?v=1']);
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ kind: 'bayeux', path: '/api/v2/notifications/handshake', query: 'v=1' });
    expect(store.messages(recorder.sessionId).map((m) => [m.direction, m.clientId])).toEqual([
      ['to-server', null],
      ['to-client', 'c1'],
    ]);
  });

  it('answers 431, as Node would, to a request whose headers are past its size limit, and goes on', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const { recorder } = await startTestRecorder(upstream.url);
    const received = await sendRaw(
      recorder.url,
      `GET /api/v2/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect((await send(`${recorder.url}/x`)).text).toBe('ok');
  });

  it('keeps connections to the upstream alive between requests', async () => {
    const sockets = new Set<unknown>();
    const upstream = await startHttpUpstream((req, res) => {
      sockets.add(req.socket);
      res.end('ok');
    });
    const { recorder } = await startTestRecorder(upstream.url);
    for (let i = 0; i < 5; i++) await send(`${recorder.url}/x`);
    expect(sockets.size).toBe(1);
  });

  it('tells the upstream the request came for its own host', async () => {
    const upstream = await startHttpUpstream((req, res) => res.end(req.headers.host));
    const { recorder } = await startTestRecorder(upstream.url);
    const reply = await send(`${recorder.url}/x`);
    expect(reply.text).toBe(new URL(upstream.url).host);
  });

  it('answers 400 to a request target http-proxy cannot parse, records it, and serves the next request', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const { recorder, store } = await startTestRecorder(upstream.url);
    const recorded = nextEvent(recorder, 'exchange');
    const socket = createConnection(Number(new URL(recorder.url).port), '127.0.0.1');
    socket.end('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'close');
    const reply = Buffer.concat(chunks).toString();
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).error).toBe('VCR_PROXY_BAD_REQUEST');
    const row = await recorded;
    expect(row).toMatchObject({ path: 'http://[', status: 400, flags: [] });
    expect(row.responseBody?.toString()).toBe(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    expect(row.error).toContain('cannot forward');
    expect((await send(`${recorder.url}/x`)).text).toBe('ok');
    await recorder.flush();
    expect(store.exchanges(recorder.sessionId).map((e) => e.status)).toEqual([400, 200]);
  });
});
