// Serving an ignored upgrade on a plain node:http server: timers and refusals of the connection it takes over.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { serveWithoutUpgrade } from '../../src/common/ignored-upgrade.js';
import { h2cHead, sendRaw, splitResponses } from '../helpers/raw-http.js';
import { startHttpUpstream } from '../helpers/recorder.js';

/** A server that ignores every upgrade, answering with `handle`; `upgraded` resolves at its first upgrade. */
const startServer = async (
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  keepAliveTimeoutMs = 5000,
) => {
  const { url, server } = await startHttpUpstream(handle);
  server.keepAliveTimeout = keepAliveTimeoutMs;
  let onUpgrade = (): void => {};
  const upgraded = new Promise<void>((resolve) => {
    onUpgrade = resolve;
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    serveWithoutUpgrade(server, req, socket, head);
    onUpgrade();
  });
  return { url, upgraded };
};

describe('serveWithoutUpgrade', () => {
  it('lets a request parsed again after an earlier response take longer than the keep-alive timeout', async () => {
    // Node's keep-alive timer is keepAliveTimeout + 1 s: started by the first response's end, it must not cut the
    // second, answered later (as a held long-poll is).
    const { url } = await startServer((req, res) => {
      const answer = (): void => {
        res.end(req.url);
      };
      if (req.url === '/late') setTimeout(answer, 1300);
      else answer();
    }, 50);
    const received = await sendRaw(
      url,
      `GET /first HTTP/1.1\r\nHost: x\r\n\r\n${h2cHead('GET', '/late', 'x', 'Connection: close\r\n')}`,
    );
    expect(splitResponses(received).map((r) => [r.status, r.body])).toEqual([
      [200, '/first'],
      [200, '/late'],
    ]);
  });

  it('refuses one with more headers than Node keeps only after the responses before it went out whole', async () => {
    let release = (): void => {};
    const { url, upgraded } = await startServer((_req, res) => {
      res.setHeader('Content-Length', 20);
      res.write('first-half');
      release = () => res.end('other-half');
    });
    const sent = sendRaw(
      url,
      `GET /slow HTTP/1.1\r\nHost: x\r\n\r\n${h2cHead('GET', '/', 'x', 'a:x\r\n'.repeat(2000))}`,
    );
    await upgraded;
    release();
    const received = await sent;
    expect(received).toMatch(
      /\r\n\r\nfirst-halfother-halfHTTP\/1\.1 431 Request Header Fields Too Large\r\n/,
    );
  });
});
