// An Upgrade to anything but WebSocket (h2c: `curl --http2 http://...`) is ignored, and the request served as HTTP/1.1.
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { h2cHead, sendRaw, splitResponses } from '../helpers/raw-http.js';
import { nextEvent, send, startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';

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
    const recordedNames = rows[0]?.requestHeaders.map(([name]) => name.toLowerCase());
    expect(recordedNames).not.toContain('upgrade');
    expect(recordedNames).not.toContain('http2-settings');
  });
});

describe('an h2c upgrade pipelined behind requests still being answered', () => {
  /** An upstream answering `/slow/N` only once `release(N)` is called, everything else at once. */
  const startHeldUpstream = async () => {
    const held = new Map<string, () => void>();
    const arrived = new Map<string, () => void>();
    const arrivals = new Map<string, Promise<void>>();
    const whenArrived = (name: string): Promise<void> => {
      let promise = arrivals.get(name);
      if (!promise) {
        promise = new Promise<void>((resolve) => arrived.set(name, resolve));
        arrivals.set(name, promise);
      }
      return promise;
    };
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      const name = req.url ?? '';
      const answer = (): void => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ url: name }));
      };
      void whenArrived(name);
      arrived.get(name)?.();
      if (name.startsWith('/slow/')) held.set(name, answer);
      else answer();
    });
    return { upstream, whenArrived, release: (name: string) => held.get(name)?.() };
  };

  it('is answered after all of them, in order', async () => {
    const { upstream, whenArrived, release } = await startHeldUpstream();
    const { recorder } = await startTestRecorder(upstream.url);
    const host = new URL(recorder.url).host;
    const received = sendRaw(
      recorder.url,
      `GET /slow/a HTTP/1.1\r\nHost: ${host}\r\n\r\nGET /slow/b HTTP/1.1\r\nHost: ${host}\r\n\r\n` +
        h2cHead('GET', '/api/v2/me', host, 'Connection: close\r\n'),
    );
    await whenArrived('/slow/a');
    release('/slow/a');
    await whenArrived('/slow/b');
    release('/slow/b');
    const responses = splitResponses(await received);
    expect(responses.map((r) => [r.status, JSON.parse(r.body)])).toEqual([
      [200, { url: '/slow/a' }],
      [200, { url: '/slow/b' }],
      [200, { url: '/api/v2/me' }],
    ]);
  });

  it('leaves the recorder serving when the client resets the connection while it waits', async () => {
    // In the test process an uncaught error would not stop the recorder: it is caught here instead.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => {
      uncaught.push(err);
    };
    process.on('uncaughtException', onUncaught);
    onTestFinished(() => {
      process.off('uncaughtException', onUncaught);
    });
    const { upstream, whenArrived, release } = await startHeldUpstream();
    const { recorder } = await startTestRecorder(upstream.url);
    const host = new URL(recorder.url).host;
    const socket = createConnection(Number(new URL(recorder.url).port), '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(`GET /slow/c HTTP/1.1\r\nHost: ${host}\r\n\r\n${h2cHead('GET', '/api/v2/me', host)}`);
    await whenArrived('/slow/c');
    const slowRecorded = nextEvent(recorder, 'exchange');
    socket.resetAndDestroy();
    await once(socket, 'close');
    release('/slow/c');
    // The recorder saw the reset: the earlier exchange ends as the client's abort.
    expect((await slowRecorded).flags).toContain('client-aborted');
    expect((await send(`${recorder.url}/after`)).status).toBe(200);
    expect(uncaught).toEqual([]);
  });
});

describe('an h2c upgrade with more headers than Node keeps', () => {
  it('is refused with a 431, not parsed again from the headers that are left', async () => {
    const reached: string[] = [];
    const upstream = await startHttpUpstream((req, res) => {
      reached.push(req.url ?? '');
      req.resume();
      res.end('{}');
    });
    const { recorder } = await startTestRecorder(upstream.url);
    // 2,000 short headers: past the count Node keeps, within the 16 KiB of head it takes.
    const many = 'a:x\r\n'.repeat(2000);
    const smuggled = `GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n`;
    const received = await sendRaw(
      recorder.url,
      h2cHead('POST', '/api/v2/me', 'x', `${many}Content-Length: ${smuggled.length}\r\n`) + smuggled,
    );
    expect(received).toMatch(/^HTTP\/1\.1 431 /);
    expect(received).not.toContain('HTTP/1.1 200');
    // The connection is answered and closed: a request still on its way upstream would have come by now.
    expect((await send(`${recorder.url}/after`)).status).toBe(200);
    expect(reached).toEqual(['/after']);
  });
});
