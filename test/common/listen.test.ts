import { createServer, type Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { fastify } from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { listen, urlOf } from '../../src/common/listen.js';

const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) =>
  addresses?.some((a) => a.address === '::1'),
);

const httpServer = (): Server => {
  const server = createServer((_req, res) => res.end('up'));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        if (!server.listening) resolve();
        else server.close(() => resolve());
      }),
  );
  return server;
};

/** A port held by a real server for the rest of the test. */
const heldPort = async (host = '127.0.0.1'): Promise<number> => {
  const url = await listen(httpServer(), { name: 'the holder', host, port: 0 });
  return Number(new URL(url).port);
};

describe('listen', () => {
  it('listens on port 0 and names the port really bound', async () => {
    const server = httpServer();
    const url = await listen(server, { name: 'the test server', host: '127.0.0.1', port: 0 });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
    expect(await (await fetch(url)).text()).toBe('up');
  });

  it('refuses a port held by another server with VCR_LISTEN_FAILED, saying who, where, why and what to do', async () => {
    const port = await heldPort();
    const server = httpServer();
    const listeners = { error: server.listenerCount('error'), listening: server.listenerCount('listening') };
    const failure = listen(server, { name: 'the simulator', host: '127.0.0.1', port });
    await expect(failure).rejects.toMatchObject({
      name: 'VcrError',
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringMatching(
        new RegExp(`^the simulator cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
      ),
      hint: expect.stringContaining('Another process uses that port'),
      cause: expect.objectContaining({ code: 'EADDRINUSE' }),
    });
    // nothing of the failed attempt stays behind: the same server can listen elsewhere
    expect(server.listening).toBe(false);
    expect({ error: server.listenerCount('error'), listening: server.listenerCount('listening') }).toEqual(
      listeners,
    );
    expect(await listen(server, { name: 'the simulator', host: '127.0.0.1', port: 0 })).toMatch(/:\d+$/);
  });

  it('refuses a host that is not an address of this machine, and says to pass another --host', async () => {
    await expect(
      listen(httpServer(), { name: 'the recorder', host: '192.0.2.1', port: 0 }),
    ).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringContaining('the recorder cannot listen on 192.0.2.1:0: '),
      hint: expect.stringContaining('--host'),
    });
  });

  it.skipIf(!hasIpv6Loopback)('writes an IPv6 address in brackets, in the URL and the error', async () => {
    const url = await listen(httpServer(), { name: 'the test server', host: '::1', port: 0 });
    expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect(await (await fetch(url)).text()).toBe('up');
    const port = Number(new URL(url).port);
    await expect(listen(httpServer(), { name: 'replay', host: '::1', port })).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringContaining(`replay cannot listen on [::1]:${port}: `),
    });
  });

  it('names the address a host name resolved to', async () => {
    const url = await listen(httpServer(), { name: 'the test server', host: 'localhost', port: 0 });
    expect(url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
    expect(await (await fetch(url)).text()).toBe('up');
  });

  it('binds through a framework that listens itself (Fastify), with the same URL and errors', async () => {
    const app = fastify();
    app.get('/', async () => 'up');
    onTestFinished(() => app.close());
    const url = await listen(app.server, {
      name: 'the dashboard',
      host: '127.0.0.1',
      port: 0,
      bind: () => app.listen({ host: '127.0.0.1', port: 0 }),
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(url)).text()).toBe('up');

    const port = Number(new URL(url).port);
    const second = fastify();
    onTestFinished(() => second.close());
    await expect(
      listen(second.server, {
        name: 'the dashboard',
        host: '127.0.0.1',
        port,
        bind: () => second.listen({ host: '127.0.0.1', port }),
      }),
    ).rejects.toMatchObject({
      code: 'VCR_LISTEN_FAILED',
      message: expect.stringMatching(new RegExp(`^the dashboard cannot listen on 127\\.0\\.0\\.1:${port}: `)),
      hint: expect.stringContaining('Another process uses that port'),
    });
  });
});

describe('urlOf', () => {
  it('brackets IPv6 addresses, IPv4-mapped ones included, and leaves IPv4 bare', () => {
    expect(urlOf({ address: '127.0.0.1', family: 'IPv4', port: 80 })).toBe('http://127.0.0.1:80');
    expect(urlOf({ address: '::', family: 'IPv6', port: 8090 })).toBe('http://[::]:8090');
    expect(urlOf({ address: '::ffff:127.0.0.1', family: 'IPv6', port: 1 })).toBe(
      'http://[::ffff:127.0.0.1]:1',
    );
    expect(new URL(urlOf({ address: '::1', family: 'IPv6', port: 3000 })).port).toBe('3000');
  });

  it('refuses what is not a TCP address (a pipe, a server not listening)', () => {
    expect(() => urlOf('/tmp/x.sock')).toThrow(/not a TCP address/);
    expect(() => urlOf(null)).toThrow(/not a TCP address/);
  });
});
