import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startRecorder } from '../../src/proxy/index.js';
import { openStore } from '../../src/store/index.js';
import { recordingLogger } from '../helpers/logger.js';
import { databaseBytes, nextEvent, send, startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';
import { tempDir } from '../helpers/store-rows.js';

const TLS = join(import.meta.dirname, '..', 'fixtures', 'tls');

/** An https server with the fixtures' self-signed localhost certificate, on 127.0.0.1 port 0; closed after the test. */
const startHttpsUpstream = async (handler: RequestListener): Promise<HttpsServer> => {
  const server = createHttpsServer(
    {
      key: readFileSync(join(TLS, 'localhost-test-key.pem')),
      cert: readFileSync(join(TLS, 'localhost-test-cert.pem')),
    },
    handler,
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return server;
};

/** Secrets a GWS session carries (GWS-NOTES §2), each long and unique enough to search the file for. */
const SECRETS = {
  basic: Buffer.from('agent5005:pa55-w0rd-xyz').toString('base64'),
  jsession: 'JSESSION0123456789abcdef0123456789',
  csrf: '4a92be65-ec55-4aa2-b9df-9518fd870f2f',
  custom: 'custom-token-77889900aabb',
  extAuth: 'ext-auth-secret-5566778899',
  apiKey: 'api-key-secret-1122334455',
};

describe('startRecorder', () => {
  it('records one session per run, with its origin and end time', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const dbPath = join(tempDir(), 'r.sqlite');
    const recorder = await startRecorder({ upstream: upstream.url, dbPath, port: 0, name: 'morning shift' });
    expect(recorder.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await send(`${recorder.url}/api/v2/me`);
    await recorder.close();
    await recorder.close(); // idempotent
    const store = openStore(dbPath, { readonly: true });
    onTestFinished(() => store.close());
    const [session] = store.listSessions();
    expect(session).toMatchObject({
      id: recorder.sessionId,
      name: 'morning shift',
      upstream: upstream.url,
      source: 'record',
      listenOrigin: recorder.url,
      notificationsPath: '/api/v2/notifications',
      exchanges: 1,
    });
    expect(session?.endedAt).not.toBeNull();
    expect(Date.parse(session?.endedAt ?? '')).toBeGreaterThanOrEqual(session?.originWallMs ?? Number.NaN);
  });

  it('stamps exchanges and messages with sub-millisecond times on one clock', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => res.end('[{"channel":"/meta/connect","successful":true}]'));
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    for (let i = 0; i < 10; i++) {
      await send(`${recorder.url}/api/v2/notifications/connect`, {
        method: 'POST',
        body: '[{"channel":"/meta/connect"}]',
      });
    }
    await recorder.flush();
    const exchanges = store.exchanges(recorder.sessionId);
    const times = [
      ...exchanges.flatMap((e) => [e.startMs, e.firstByteMs, e.endMs]),
      ...store.messages(recorder.sessionId).map((m) => m.atMs),
    ];
    expect(times).toHaveLength(50);
    // 50 times from a millisecond clock would all be whole; from performance.now() almost none is
    expect(times.filter((t) => !Number.isInteger(t)).length).toBeGreaterThan(40);
    // and they are on one monotonic clock: each exchange starts after the previous one ended
    for (let i = 1; i < exchanges.length; i++) {
      expect(exchanges[i]?.startMs).toBeGreaterThanOrEqual(exchanges[i - 1]?.endMs ?? Number.NaN);
    }
  });

  it('refuses an upstream that is not http(s), saying what to pass', async () => {
    await expect(
      startRecorder({ upstream: 'ftp://x', dbPath: join(tempDir(), 'x.sqlite'), port: 0 }),
    ).rejects.toMatchObject({
      code: 'VCR_BAD_OPTION',
    });
  });

  it('says so when the port is taken', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const { recorder } = await startTestRecorder(upstream.url);
    const port = Number(new URL(recorder.url).port);
    await expect(
      startRecorder({ upstream: upstream.url, dbPath: join(tempDir(), 'y.sqlite'), port }),
    ).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringContaining(`the recorder cannot listen on 127.0.0.1:${port}: `),
      hint: expect.stringContaining('--port'),
    });
  });

  it('closes the database file it opened when the session cannot start', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const dbPath = join(tempDir(), 'refusing.sqlite');
    // a real gws-vcr file whose sessions table refuses new rows, as a read-only or broken file would
    openStore(dbPath).close();
    const db = new Database(dbPath);
    db.exec(
      `CREATE TRIGGER refuse BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'no sessions here'); END`,
    );
    db.close();
    const openHandles = (): string[] =>
      readdirSync('/proc/self/fd').flatMap((fd) => {
        try {
          const target = readlinkSync(`/proc/self/fd/${fd}`);
          return target.startsWith(dbPath) ? [target] : [];
        } catch {
          return []; // the fd readdir itself used, closed by now
        }
      });
    await expect(startRecorder({ upstream: upstream.url, dbPath, port: 0 })).rejects.toThrow(
      'no sessions here',
    );
    expect(openHandles()).toEqual([]);
  });

  it('keeps secrets out of the database file while the client gets them all', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('Set-Cookie', `JSESSIONID=${SECRETS.jsession}; Path=/; HttpOnly`);
        res.setHeader('X-CSRF-HEADER', 'X-Custom-Token');
        res.setHeader('X-CSRF-TOKEN', SECRETS.csrf);
        res.setHeader('Content-Type', 'application/json');
        if (req.url?.startsWith('/api/v2/notifications')) {
          res.end(
            JSON.stringify([
              { channel: '/meta/handshake', id: '1', successful: true, ext: { apiKey: SECRETS.apiKey } },
            ]),
          );
        } else res.end(JSON.stringify({ statusCode: 0, apiKey: SECRETS.apiKey, user: { id: 'u1' } }));
      });
    });
    const { recorder, dbPath } = await startTestRecorder(upstream.url, { redact: { jsonKeys: ['apiKey'] } });
    const first = await send(`${recorder.url}/api/v2/me`, {
      headers: { Authorization: `Basic ${SECRETS.basic}` },
    });
    expect(first.headers['set-cookie']).toEqual([`JSESSIONID=${SECRETS.jsession}; Path=/; HttpOnly`]);
    expect(first.headers['x-csrf-token']).toBe(SECRETS.csrf);
    expect(JSON.parse(first.text).apiKey).toBe(SECRETS.apiKey);
    await send(`${recorder.url}/api/v2/me/channels/voice?session=${SECRETS.jsession}`, {
      method: 'POST',
      headers: {
        Cookie: `JSESSIONID=${SECRETS.jsession}`,
        'X-CSRF-TOKEN': SECRETS.csrf,
        'X-Custom-Token': SECRETS.custom,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ operationName: 'Ready', echo: SECRETS.jsession }),
    });
    await send(`${recorder.url}/api/v2/notifications/handshake`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        { channel: '/meta/handshake', id: '1', ext: { authorization: SECRETS.extAuth } },
      ]),
    });
    await recorder.close();
    const file = databaseBytes(dbPath);
    for (const [name, value] of Object.entries(SECRETS)) expect(file.includes(value), name).toBe(false);
    const store = openStore(dbPath, { readonly: true });
    onTestFinished(() => store.close());
    const exchanges = store.exchanges(recorder.sessionId);
    expect(exchanges.map((e) => e.flags)).toEqual([['redacted'], ['redacted'], ['redacted']]);
    expect(exchanges[0]?.requestHeaders).toContainEqual(['Authorization', 'Basic [REDACTED]']);
    expect(exchanges[0]?.responseHeaders).toContainEqual([
      'Set-Cookie',
      'JSESSIONID=[REDACTED]; Path=/; HttpOnly',
    ]);
    expect(exchanges[1]?.requestHeaders).toContainEqual(['X-Custom-Token', '[REDACTED]']);
    expect(exchanges[1]?.query).toBe('session=[REDACTED]');
    expect(store.messages(recorder.sessionId).map((m) => m.message)).toEqual([
      { channel: '/meta/handshake', id: '1', ext: { authorization: '[REDACTED]' } },
      { channel: '/meta/handshake', id: '1', successful: true, ext: { apiKey: '[REDACTED]' } },
    ]);
  });

  it('keeps secrets with keepSecrets', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const { recorder, store } = await startTestRecorder(upstream.url, { redact: { keepSecrets: true } });
    await send(`${recorder.url}/api/v2/me`, { headers: { Authorization: `Basic ${SECRETS.basic}` } });
    await recorder.close();
    expect(store.exchanges(recorder.sessionId)[0]?.requestHeaders).toContainEqual([
      'Authorization',
      `Basic ${SECRETS.basic}`,
    ]);
  });

  it('makes cookies of an https upstream work on the http proxy, recording them as sent', async () => {
    const server = await startHttpsUpstream((req, res) => {
      res.setHeader('Set-Cookie', [
        'JSESSIONID=abc; Domain=127.0.0.1; Path=/; Secure; HttpOnly; SameSite=None',
      ]);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          uri: `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/me`,
          proto: req.headers.host,
        }),
      );
    });
    const upstream = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { recorder, store } = await startTestRecorder(upstream, { redact: { keepSecrets: true } });
    const reply = await send(`${recorder.url}/api/v2/me`);
    expect(reply.headers['set-cookie']).toEqual(['JSESSIONID=abc; Path=/; HttpOnly']);
    expect(JSON.parse(reply.text).uri).toBe(`${recorder.url}/api/v2/me`);
    await recorder.close();
    expect(store.exchanges(recorder.sessionId)[0]?.responseHeaders).toContainEqual([
      'Set-Cookie',
      'JSESSIONID=abc; Domain=127.0.0.1; Path=/; Secure; HttpOnly; SameSite=None',
    ]);
    server.closeAllConnections();
  });

  it('refuses, when told to verify, an https upstream whose certificate does not, saying how to trust it', async () => {
    const server = await startHttpsUpstream((_req, res) => res.end('{"statusCode":0}'));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
    onTestFinished(() => wss.close());
    const upstream = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { recorder, store } = await startTestRecorder(upstream, { isUpstreamCertificateChecked: true });
    const hint =
      /certificate did not verify: trust its CA with NODE_EXTRA_CA_CERTS=ca\.pem, or restart the recorder without --verify-upstream/;

    const reply = await send(`${recorder.url}/api/v2/me`);
    expect(reply.status).toBe(502);
    expect(JSON.parse(reply.text)).toMatchObject({
      error: 'VCR_UPSTREAM_UNREACHABLE',
      message: expect.stringMatching(hint),
    });
    const upgrade = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
      ws.on('open', () => reject(new Error('the upgrade went through to an unverified upstream')));
      ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
    });
    expect(upgrade.status).toBe(502);
    expect(JSON.parse(upgrade.body)).toMatchObject({
      error: 'VCR_UPSTREAM_UNREACHABLE',
      message: expect.stringMatching(hint),
    });
    await recorder.close();
    expect(store.exchanges(recorder.sessionId).map((e) => [e.kind, e.flags])).toEqual([
      ['http', ['upstream-unreachable']],
      ['websocket', ['upstream-unreachable']],
    ]);
  });

  it('takes a self-signed upstream certificate by default, on HTTP and WebSocket', async () => {
    const server = await startHttpsUpstream((_req, res) => res.end('{"statusCode":0}'));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws) => ws.on('message', (data) => ws.send(String(data))));
    onTestFinished(() => wss.close());
    const upstream = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { recorder } = await startTestRecorder(upstream);
    expect(await send(`${recorder.url}/api/v2/me`)).toMatchObject({ status: 200, text: '{"statusCode":0}' });
    const ws = new WebSocket(`${recorder.url.replace('http', 'ws')}/api/v2/notifications`);
    onTestFinished(() => ws.terminate());
    await once(ws, 'open');
    ws.send('[]');
    const [echo] = await once(ws, 'message');
    expect(String(echo)).toBe('[]');
  });

  it.each([
    ['on a worker thread', true],
    ['on the forwarding thread', false],
  ])(
    'goes on forwarding when the database fails (writer %s), reports it once and counts the lost rows',
    async (_, isWriterOffThread) => {
      const upstream = await startHttpUpstream((_req, res) => res.end('x'.repeat(20_000)));
      const dbPath = join(tempDir(), 'full.sqlite');
      const logger = recordingLogger();
      // The store is capped at its current size, which behaves like a full disk; the worker's own connection
      // must be opened with the same cap.
      const store = openStore(dbPath, { maxSizeBytes: 1 });
      const { recorder } = await startTestRecorder(upstream.url, { store, logger, isWriterOffThread });
      for (let i = 0; i < 5; i++) {
        const written = nextEvent(recorder, 'exchange');
        const reply = await send(`${recorder.url}/big/${i}`);
        expect(reply.text.length).toBe(20_000);
        await written;
        await recorder.flush();
      }
      expect(recorder.stats.rowsFailed).toBe(5);
      expect(recorder.stats.rowsWritten).toBe(0);
      expect(recorder.stats.lastError).toMatch(/full/i);
      expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    },
  );

  it('emits redacted rows to subscribers, and a failing subscriber breaks nothing', async () => {
    const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
    const { recorder, store } = await startTestRecorder(upstream.url);
    recorder.on('exchange', () => {
      throw new Error('a broken live view');
    });
    const seen = nextEvent(recorder, 'exchange');
    const reply = await send(`${recorder.url}/api/v2/me`, {
      headers: { Authorization: `Basic ${SECRETS.basic}` },
    });
    expect(reply.text).toBe('ok');
    const row = await seen;
    expect(row.requestHeaders).toContainEqual(['Authorization', 'Basic [REDACTED]']);
    await recorder.flush();
    expect(store.exchanges(recorder.sessionId)).toHaveLength(1);
  });

  it.each([
    ['redacting', false],
    ['keeping secrets', true],
  ])(
    'stores a Bayeux body nested too deep to re-encode raw and flagged, losing no other row (%s)',
    async (_, keepSecrets) => {
      const upstream = await startHttpUpstream((req, res) => {
        req.resume();
        req.on('end', () => res.end('[{"channel":"/meta/connect","successful":true}]'));
      });
      const { recorder, store } = await startTestRecorder(upstream.url, { redact: { keepSecrets } });
      const deep = `[{"channel":"/meta/connect","ext":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`;
      const reply = await send(`${recorder.url}/api/v2/notifications/connect`, {
        method: 'POST',
        body: deep,
      });
      expect(reply.status).toBe(200);
      await send(`${recorder.url}/api/v2/me`);
      await recorder.close();
      expect(recorder.stats).toMatchObject({ rowsFailed: 0, exchanges: 2 });
      const [bayeux, me] = store.exchanges(recorder.sessionId);
      expect(bayeux?.flags).toEqual(['not-bayeux']);
      expect(bayeux?.requestBody?.toString()).toBe(deep);
      expect(me?.path).toBe('/api/v2/me');
      // the shallow answer is still read as messages
      expect(store.messages(recorder.sessionId).map((m) => [m.direction, m.channel])).toEqual([
        ['to-client', '/meta/connect'],
      ]);
    },
  );

  it("writes a held long-poll's request while it is held; its answer completes the row, nothing twice", async () => {
    const held: Array<import('node:http').ServerResponse> = [];
    let onHeld = (): void => {};
    const isHeld = new Promise<void>((resolve) => {
      onHeld = resolve;
    });
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        held.push(res);
        onHeld();
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url, { batchWindowMs: 10 });
    const exchangeEvents: number[] = [];
    recorder.on('exchange', (e) => exchangeEvents.push(e.id));
    // The sweep emits the held poll's request message together with handing its placeholder row to the writer.
    const heldWritten = nextEvent(recorder, 'bayeux-message');
    const reply = send(`${recorder.url}/api/v2/notifications/connect`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '[{"channel":"/meta/connect","clientId":"c1","id":"5"}]',
    });
    // On disk (another connection reads it) while the upstream still holds the poll.
    const rows = () => ({
      exchanges: store.exchanges(recorder.sessionId).map((e) => [e.kind, e.status, e.endMs]),
      messages: store.messages(recorder.sessionId).map((m) => [m.direction, m.channel]),
    });
    await Promise.all([heldWritten, isHeld]);
    await recorder.flush();
    expect(rows()).toEqual({
      exchanges: [['bayeux', null, null]],
      messages: [['to-server', '/meta/connect']],
    });
    expect(held).toHaveLength(1);
    held[0]?.writeHead(200, { 'Content-Type': 'application/json' });
    held[0]?.end('[{"channel":"/meta/connect","clientId":"c1","id":"5","successful":true}]');
    expect((await reply).status).toBe(200);
    await recorder.flush();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ kind: 'bayeux', status: 200, endMs: expect.any(Number) });
    expect(rows().messages).toEqual([
      ['to-server', '/meta/connect'],
      ['to-client', '/meta/connect'],
    ]);
    // subscribers get the exchange once, complete; the placeholder was the store's alone
    expect(exchangeEvents).toEqual([exchange?.id]);
    expect(recorder.stats).toMatchObject({ exchanges: 1, messages: 2 });
  });

  it('ends a held long-poll when it closes and records it', async () => {
    const upstream = await startHttpUpstream((req) => req.resume());
    const { recorder, store } = await startTestRecorder(upstream.url);
    const held = send(`${recorder.url}/api/v2/notifications/connect`, {
      method: 'POST',
      body: '[{"channel":"/meta/connect"}]',
    });
    held.catch(() => {});
    await nextEventOnUpstream(upstream.server);
    await recorder.close();
    await expect(held).rejects.toThrow();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.endMs).toBeNull();
    expect(exchange?.error).toContain('recorder closed');
  });
});

const nextEventOnUpstream = (server: import('node:http').Server): Promise<unknown> => once(server, 'request');
