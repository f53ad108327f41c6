// The recorder and content-encoded bodies: identity asked for, and a body encoded anyway still redacted before disk.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeContentEncoding, type Exchange } from '../../src/store/index.js';
import { databaseBytes, send, startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';

const API_KEY = 'api-key-secret-0099887766';
const BASIC = Buffer.from('agent5005:encoded-pa55-w0rd').toString('base64');

const ENCODERS = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync } as const;

/** The stored body of `side` with its Content-Encoding undone, as a reader of the recording gets it. */
const contentOf = (exchange: Exchange | undefined, side: 'request' | 'response'): string => {
  const body = side === 'request' ? exchange?.requestBody : exchange?.responseBody;
  const headers = side === 'request' ? exchange?.requestHeaders : exchange?.responseHeaders;
  if (!body) throw new Error(`no ${side} body stored`);
  return (decodeContentEncoding(body, headers ?? null)?.body ?? body).toString('utf8');
};

describe('the recorder and content-encoded bodies', () => {
  it('asks the upstream for identity encoding, whatever the client accepts, and records what the client sent', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const upstream = await startHttpUpstream((req, res) => {
      seen.push(req.headers);
      res.end('ok');
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    await send(`${recorder.url}/api/v2/me`, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    await send(`${recorder.url}/api/v2/me`);
    await recorder.close();
    // Without the header a server may pick any coding (RFC 9110 §12.5.3): identity is asked for in words.
    expect(seen.map((h) => h['accept-encoding'])).toEqual(['identity', 'identity']);
    expect(store.exchanges(recorder.sessionId)[0]?.requestHeaders).toContainEqual([
      'Accept-Encoding',
      'gzip, deflate, br',
    ]);
  });

  it.each(Object.keys(ENCODERS) as Array<keyof typeof ENCODERS>)(
    'redacts a response the upstream encodes (%s) anyway, stored in its coding; the client gets it as sent',
    async (coding) => {
      const plain = JSON.stringify({ statusCode: 0, apiKey: API_KEY, echo: BASIC, user: 'u1' });
      const sent = ENCODERS[coding](Buffer.from(plain));
      const upstream = await startHttpUpstream((req, res) => {
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': coding });
        res.end(sent);
      });
      const { recorder, store, dbPath } = await startTestRecorder(upstream.url, {
        redact: { jsonKeys: ['apiKey'] },
      });
      const reply = await send(`${recorder.url}/api/v2/me`, { headers: { Authorization: `Basic ${BASIC}` } });
      expect(reply.body.equals(sent)).toBe(true);
      await recorder.close();
      const [exchange] = store.exchanges(recorder.sessionId);
      expect(exchange?.flags).toEqual(['redacted']);
      expect(JSON.parse(contentOf(exchange, 'response'))).toEqual({
        statusCode: 0,
        apiKey: '[REDACTED]',
        echo: '[REDACTED]',
        user: 'u1',
      });
      expect(databaseBytes(dbPath).includes(BASIC)).toBe(false);
    },
  );

  it('stores an encoded body with nothing secret in it as it came', async () => {
    const sent = gzipSync(Buffer.from(JSON.stringify({ statusCode: 0, user: 'u1' })));
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(sent);
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    await send(`${recorder.url}/api/v2/me`);
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.flags).toEqual([]);
    expect(exchange?.responseBody?.equals(sent)).toBe(true);
  });

  it('redacts a request body the client encodes, and forwards it as sent', async () => {
    const received: Buffer[] = [];
    const upstream = await startHttpUpstream((req, res) => {
      req.on('data', (chunk: Buffer) => received.push(chunk));
      req.on('end', () => res.end('ok'));
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const body = gzipSync(Buffer.from(JSON.stringify({ operationName: 'Login', password: 'gz-pa55-9988' })));
    await send(`${recorder.url}/api/v2/me/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body,
    });
    await recorder.close();
    expect(Buffer.concat(received).equals(body)).toBe(true);
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(JSON.parse(contentOf(exchange, 'request'))).toEqual({
      operationName: 'Login',
      password: '[REDACTED]',
    });
    expect(exchange?.flags).toEqual(['redacted']);
  });

  it('reads the Bayeux messages of a long-poll answer the upstream encodes, redacted', async () => {
    const answer = [
      { channel: '/meta/handshake', id: '1', successful: true, clientId: 'c1', ext: { apiKey: API_KEY } },
    ];
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
        res.end(gzipSync(Buffer.from(JSON.stringify(answer))));
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url, { redact: { jsonKeys: ['apiKey'] } });
    await send(`${recorder.url}/api/v2/notifications/handshake`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ channel: '/meta/handshake', id: '1', version: '1.0' }]),
    });
    await recorder.close();
    const messages = store.messages(recorder.sessionId);
    expect(messages.map((m) => [m.direction, m.channel, m.clientId])).toEqual([
      ['to-server', '/meta/handshake', null],
      ['to-client', '/meta/handshake', 'c1'],
    ]);
    expect(messages[1]?.message).toMatchObject({ ext: { apiKey: '[REDACTED]' } });
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(JSON.parse(contentOf(exchange, 'response'))).toEqual([
      { ...answer[0], ext: { apiKey: '[REDACTED]' } },
    ]);
    expect(exchange?.flags).toEqual(['redacted']);
  });

  it('redacts what a body cut at maxBodyBytes holds, stored as a whole stream of that part', async () => {
    const plain = JSON.stringify({ apiKey: API_KEY, pad: randomBytes(20_000).toString('hex') });
    const sent = gzipSync(Buffer.from(plain));
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(sent);
    });
    const { recorder, store } = await startTestRecorder(upstream.url, {
      maxBodyBytes: 2000,
      redact: { jsonKeys: ['apiKey'] },
    });
    const reply = await send(`${recorder.url}/api/v2/me`);
    expect(reply.body.equals(sent)).toBe(true);
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange?.flags).toEqual(['truncated', 'redacted']);
    expect(exchange?.responseBodyBytes).toBe(sent.length);
    const content = contentOf(exchange, 'response');
    expect(content.startsWith('{"apiKey":"[REDACTED]","pad":"')).toBe(true);
    expect(plain.startsWith(content.replace('[REDACTED]', API_KEY))).toBe(true);
  });

  it('withholds a body that would decode past the size cap (a compression bomb) and forwards it whole', async () => {
    const received: Buffer[] = [];
    const upstream = await startHttpUpstream((req, res) => {
      req.on('data', (chunk: Buffer) => received.push(chunk));
      req.on('end', () => res.end('ok'));
    });
    const { recorder, store } = await startTestRecorder(upstream.url, { maxBodyBytes: 1024 * 1024 });
    // 64 KB of gzip that holds 64 MB: decoded whole, it would hold up the recorder and take its memory.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await send(`${recorder.url}/api/v2/me/upload`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: bomb,
    });
    await recorder.close();
    expect(Buffer.concat(received).equals(bomb)).toBe(true);
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(exchange).toMatchObject({ requestBody: null, requestBodyBytes: bomb.length, flags: ['redacted'] });
  });

  it('reads every Content-Encoding header: identity then gzip is gzip', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      res.writeHead(
        200,
        [
          ['Content-Type', 'application/json'],
          ['Content-Encoding', 'identity'],
          ['Content-Encoding', 'gzip'],
        ].flat(),
      );
      res.end(gzipSync(Buffer.from(JSON.stringify({ apiKey: API_KEY }))));
    });
    const { recorder, store } = await startTestRecorder(upstream.url, { redact: { jsonKeys: ['apiKey'] } });
    await send(`${recorder.url}/api/v2/me`);
    await recorder.close();
    const [exchange] = store.exchanges(recorder.sessionId);
    expect(JSON.parse(contentOf(exchange, 'response'))).toEqual({ apiKey: '[REDACTED]' });
  });

  it('withholds a body in a coding it cannot undo, unless secrets are kept', async () => {
    const sent = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from(`Basic ${BASIC}`)]);
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' });
      res.end(sent);
    });
    for (const keepSecrets of [false, true]) {
      const { recorder, store } = await startTestRecorder(upstream.url, { redact: { keepSecrets } });
      const reply = await send(`${recorder.url}/api/v2/me`, { headers: { Authorization: `Basic ${BASIC}` } });
      expect(reply.body.equals(sent)).toBe(true);
      await recorder.close();
      const [exchange] = store.exchanges(recorder.sessionId);
      if (keepSecrets) {
        expect(exchange?.responseBody?.equals(sent)).toBe(true);
        expect(exchange?.flags).toEqual([]);
      } else {
        expect(exchange?.responseBody).toBeNull();
        expect(exchange?.responseBodyBytes).toBe(sent.length);
        expect(exchange?.flags).toEqual(['redacted']);
      }
    }
  });
});
