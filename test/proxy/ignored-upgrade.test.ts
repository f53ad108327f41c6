// An Upgrade to anything but WebSocket (h2c: `curl --http2 http://...`) is ignored, and the request served as HTTP/1.1.
import { describe, expect, it } from 'vitest';
import { h2cHead, sendRaw, splitResponses } from '../helpers/raw-http.js';
import { startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';

describe('an Upgrade that is not to WebSocket, sent to the recorder', () => {
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
    // An h2c upgrade with a body, then a plain request on the same connection.
    const body = '{"operationName":"Answer"}';
    const received = await sendRaw(
      recorder.url,
      h2cHead(
        'POST',
        '/api/v2/me/calls/A',
        host,
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n`,
      ) +
        body +
        `GET /api/v2/me HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    const responses = splitResponses(received);
    expect(responses.map((r) => [r.status, JSON.parse(r.body)])).toEqual([
      [200, { method: 'POST', url: '/api/v2/me/calls/A', body }],
      [200, { method: 'GET', url: '/api/v2/me', body: '' }],
    ]);
    // The upstream got no upgrade to refuse or take up.
    const names = seen[0]?.headers.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toContain('upgrade');
    expect(names).not.toContain('http2-settings');

    await recorder.flush();
    const rows = store.exchanges(recorder.sessionId);
    expect(rows.map((e) => [e.kind, e.method, e.path, e.status])).toEqual([
      ['http', 'POST', '/api/v2/me/calls/A', 200],
      ['http', 'GET', '/api/v2/me', 200],
    ]);
    expect(rows[0]?.requestBody?.toString()).toBe(body);
  });
});
