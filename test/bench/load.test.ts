// The benchmarks' HTTP load generator: what it sends and how it counts answers, against a real local server.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runConcurrent, runFixedRate } from '../../bench/lib/load.js';

/** A server that answers 200 to `/ok` and 500 to anything else; counts what it was sent. */
const startServer = async () => {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    res.statusCode = req.url === '/ok' ? 200 : 500;
    res.end('x');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received: () => received };
};

describe('load generator', () => {
  it('sends exactly rate x duration requests at a fixed rate, and counts non-200 answers as errors', async () => {
    const server = await startServer();
    const ok = await runFixedRate({ url: `${server.url}/ok` }, { ratePerSecond: 200, durationMs: 100 });
    expect(ok).toMatchObject({ requests: 20, errors: 0 });
    expect(ok.requestsPerSecond).toBeGreaterThan(0);
    // paced, not sent in a burst: the 20th request leaves 19 intervals (5 ms each) after the first
    expect(ok.durationMs).toBeGreaterThanOrEqual(95);
    const failing = await runFixedRate({ url: `${server.url}/no` }, { ratePerSecond: 200, durationMs: 100 });
    expect(failing).toMatchObject({ requests: 0, errors: 20 });
    expect(server.received()).toBe(40);
  });

  it('keeps N clients busy for the duration, warm-up requests sent but not counted', async () => {
    const server = await startServer();
    const result = await runConcurrent(
      { url: `${server.url}/ok` },
      { concurrency: 4, durationMs: 100, warmupMs: 50 },
    );
    expect(result.errors).toBe(0);
    expect(result.requests).toBeGreaterThan(0);
    expect(server.received()).toBeGreaterThan(result.requests);
    expect(result.durationMs).toBeGreaterThanOrEqual(100);
  });
});
