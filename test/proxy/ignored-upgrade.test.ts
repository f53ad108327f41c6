// An Upgrade to anything but WebSocket (h2c: `curl --http2 http://...`) is ignored, and the request served as HTTP/1.1.
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';

/** Writes `requests` at once on one connection and resolves with all that came back once `count` answers did. */
const exchangeRaw = async (url: string, requests: string, count: number): Promise<string> => {
  const { port } = new URL(url);
  const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
  onTestFinished(() => {
    socket.destroy();
  });
  await once(socket, 'connect');
  socket.write(requests);
  let received = '';
  for await (const chunk of socket) {
    received += (chunk as Buffer).toString('latin1');
    if ((received.match(/\r\n\r\n\{"method/g) ?? []).length === count && received.endsWith('}')) break;
  }
  return received;
};

describe('an Upgrade that is not to WebSocket', () => {
  it('is served as the HTTP/1.1 request it also is, its body included, and the connection goes on', async () => {
    const seen: Array<{ headers: string[]; body: string }> = [];
    const upstream = await startHttpUpstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        seen.push({ headers: req.rawHeaders, body });
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      });
    });
    const { recorder, store } = await startTestRecorder(upstream.url);
    const host = new URL(recorder.url).host;
    // What `curl --http2` sends to an http:// URL, then a plain request on the same connection.
    const body = '{"operationName":"Answer"}';
    const received = await exchangeRaw(
      recorder.url,
      `POST /api/v2/me/calls/A HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade, HTTP2-Settings\r\n` +
        `Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body}` +
        `GET /api/v2/me HTTP/1.1\r\nHost: ${host}\r\n\r\n`,
      2,
    );
    expect(received.match(/HTTP\/1\.1 \d+/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 200']);
    expect(received).toContain(`{"method":"POST","url":"/api/v2/me/calls/A","body":${JSON.stringify(body)}}`);
    expect(received).toContain('{"method":"GET","url":"/api/v2/me","body":""}');
    // The upstream got no upgrade to refuse or take up.
    const names = seen[0]?.headers.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('upgrade');
    expect(names).not.toContain('http2-settings');
    expect(seen[0]?.body).toBe(body);

    await recorder.flush();
    const rows = store.exchanges(recorder.sessionId);
    expect(rows.map((e) => [e.kind, e.method, e.path, e.status])).toEqual([
      ['http', 'POST', '/api/v2/me/calls/A', 200],
      ['http', 'GET', '/api/v2/me', 200],
    ]);
    expect(rows[0]?.requestBody?.toString()).toBe(body);
  });
});
