import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { HELD_PLACEHOLDER_ERROR } from '../../src/proxy/index.js';
import { openStore } from '../../src/store/index.js';
import { ROOT, runCli, spawnCliServer } from '../helpers/cli.js';
import { connectClient } from '../helpers/cometd-client.js';
import { send, startHttpUpstream } from '../helpers/recorder.js';
import { basicAuth, request } from '../helpers/simulator.js';
import { tempDir } from '../helpers/store-rows.js';

describe('gws-vcr record (the command)', () => {
  it('records a transfer in front of gws-vcr simulate, exits 0 on SIGTERM with a summary, and sessions --json counts it', async () => {
    const db = join(tempDir(), 'cli.sqlite');
    // The simulator names itself by a load balancer's origin, as GWS does by its externalApiUrlV2.
    const balancer = 'https://gws-lb.example:8443/api/v2';
    const sim = await spawnCliServer([
      'simulate',
      '--port',
      '0',
      '--latency',
      '0',
      '--external-url',
      balancer,
    ]);
    const rec = await spawnCliServer([
      'record',
      '--upstream',
      sim.url,
      '--port',
      '0',
      '--db',
      db,
      '--name',
      'cli run',
      '--rewrite-origin',
      balancer,
    ]);
    const auth = { Authorization: basicAuth('agent5005') };
    const client = await connectClient({
      url: `${rec.url}/api/v2/notifications`,
      transport: 'long-polling',
      headers: auth,
    });
    onTestFinished(() => client.disconnect());
    await client.subscribe('/v2/me/calls');
    const { body } = await request<{ id: string }>(`${rec.url}/sim/calls`, {
      body: { to: '5005', from: '5000' },
    });
    const ringing = await client.next('/v2/me/calls');
    const { uri } = (ringing.data as { call: { uri: string } }).call;
    expect(uri).toBe(`${rec.url}/api/v2/me/calls/${body.id}`);
    await request(uri, { body: { operationName: 'Answer' }, headers: auth });
    await client.next('/v2/me/calls');
    await client.disconnect();

    expect(await rec.stop()).toBe(0);
    expect(rec.stderr()).toMatch(
      /gws-vcr: session 1 closed: \d+ exchanges, \d+ Bayeux messages, 0 frames; \d+ rows written, 0 failed/,
    );

    const sessions = await runCli(['sessions', '--db', db, '--json']);
    expect(sessions.code).toBe(0);
    const [session] = JSON.parse(sessions.stdout) as Array<Record<string, unknown>>;
    expect(session).toMatchObject({
      id: 1,
      name: 'cli run',
      upstream: sim.url,
      listenOrigin: rec.url,
      rewriteOrigins: ['https://gws-lb.example:8443'],
    });
    expect(session?.endedAt).toEqual(expect.any(String));
    expect(session?.exchanges).toBeGreaterThanOrEqual(6);
    expect(session?.messages).toBeGreaterThanOrEqual(8);
    const store = openStore(db, { readonly: true });
    onTestFinished(() => store.close());
    const calls = store.messages(1, { channel: '/v2/me/calls', direction: 'to-client' });
    expect(calls.map((m) => (m.message.data as { call: { state: string } }).call.state)).toEqual([
      'Ringing',
      'Established',
    ]);
  });

  it('loses nothing older than the batch window when killed with SIGKILL mid-session', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      if (req.url?.startsWith('/api/v2/notifications')) {
        req.resume();
        return; // a held long-poll that is still open when the recorder dies
      }
      res.setHeader('Content-Type', 'application/json');
      res.end('{"statusCode":0}');
    });
    const db = join(tempDir(), 'killed.sqlite');
    const rec = await spawnCliServer(['record', '--upstream', upstream.url, '--port', '0', '--db', db]);
    for (let i = 0; i < 20; i++) expect((await send(`${rec.url}/api/v2/me?n=${i}`)).status).toBe(200);
    const held = send(`${rec.url}/api/v2/notifications/connect`, {
      method: 'POST',
      body: '[{"channel":"/meta/connect"}]',
    });
    held.catch(() => {});
    await once(upstream.server, 'request');

    // The rows become durable one batch window after their exchange ended, and a held long-poll's request
    // a batch window or two after it came (with a placeholder of its exchange); no event crosses the process.
    const count = (table: string): number => {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return Number(reader.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
      } finally {
        reader.close();
      }
    };
    await vi.waitFor(() => expect([count('exchanges'), count('bayeux_messages')]).toEqual([21, 1]), {
      timeout: 5000,
      interval: 20,
    });
    expect(await rec.stop('SIGKILL')).toBe(null);

    const store = openStore(db);
    onTestFinished(() => store.close());
    const [session] = store.listSessions();
    expect(session).toMatchObject({ exchanges: 21, messages: 1, endedAt: null });
    const exchanges = store.exchanges(1);
    expect(exchanges.slice(0, 20).map((e) => e.query)).toEqual(
      Array.from({ length: 20 }, (_, i) => `n=${i}`),
    );
    // the poll that was held when the recorder died: its request, no answer
    expect(exchanges[20]).toMatchObject({
      kind: 'bayeux',
      path: '/api/v2/notifications/connect',
      status: null,
      endMs: null,
      error: HELD_PLACEHOLDER_ERROR,
    });
    expect(store.messages(1).map((m) => [m.direction, m.channel, m.exchangeId])).toEqual([
      ['to-server', '/meta/connect', exchanges[20]?.id],
    ]);
    const check = new Database(db, { readonly: true });
    onTestFinished(() => {
      check.close();
    });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('applies --redact-header, --redact-json, --max-body and --notifications-path, and --keep-secrets', async () => {
    const upstream = await startHttpUpstream((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(
          req.url?.startsWith('/cometd')
            ? '[{"channel":"/meta/connect","successful":true}]'
            : '{"statusCode":0,"apiToken":"tok-secret-123456789012345"}',
        );
      });
    });
    const db = join(tempDir(), 'options.sqlite');
    const rec = await spawnCliServer([
      'record',
      ...['--upstream', upstream.url, '--port', '0', '--db', db],
      ...['--redact-header', 'X-Api-Key', '--redact-json', 'apiToken', '--max-body', '50'],
      ...['--notifications-path', '/cometd'],
    ]);
    const reply = await send(`${rec.url}/api/v2/me`, { headers: { 'X-Api-Key': 'key-secret-654321' } });
    expect(JSON.parse(reply.text).apiToken).toBe('tok-secret-123456789012345');
    await send(`${rec.url}/cometd/connect`, {
      method: 'POST',
      body: '[{"channel":"/meta/connect","clientId":"c1"}]',
    });
    await send(`${rec.url}/upload`, { method: 'POST', body: 'x'.repeat(100) });
    expect(await rec.stop('SIGINT')).toBe(0);

    const keep = await spawnCliServer([
      'record',
      '--upstream',
      upstream.url,
      '--port',
      '0',
      '--db',
      db,
      '--keep-secrets',
    ]);
    await send(`${keep.url}/api/v2/me`, { headers: { Authorization: 'Basic a2VlcDpzZWNyZXQ=' } });
    expect(await keep.stop()).toBe(0);

    const store = openStore(db, { readonly: true });
    onTestFinished(() => store.close());
    const [me, connect, upload] = store.exchanges(1);
    expect(me?.requestHeaders).toContainEqual(['X-Api-Key', '[REDACTED]']);
    // the answer was cut at --max-body in the middle of the secret; what is left of it is redacted all the same
    expect(me?.flags).toEqual(['truncated', 'redacted']);
    expect(me?.responseBody?.toString()).toBe('{"statusCode":0,"apiToken":"[REDACTED]"');
    expect(connect?.kind).toBe('bayeux');
    expect(store.messages(1).map((m) => [m.direction, m.channel])).toEqual([
      ['to-server', '/meta/connect'],
      ['to-client', '/meta/connect'],
    ]);
    expect(upload).toMatchObject({ requestBodyBytes: 100, flags: ['truncated', 'redacted'] });
    expect(upload?.requestBody?.length).toBe(50);
    expect(store.exchanges(2)[0]?.requestHeaders).toContainEqual(['Authorization', 'Basic a2VlcDpzZWNyZXQ=']);
  });

  it('names --dashboard, the option to change, when the dashboard port is taken, and exits 1', async () => {
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    onTestFinished(() => {
      holder.close();
    });
    const busy = (holder.address() as AddressInfo).port;
    const { code, stderr } = await runCli([
      'record',
      '--upstream',
      'http://127.0.0.1:1',
      '--port',
      '0',
      '--db',
      join(tempDir(), 'r.sqlite'),
      '--dashboard',
      String(busy),
    ]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `gws-vcr: the dashboard cannot listen on 127.0.0.1:${busy}: listen EADDRINUSE: address already in use 127.0.0.1:${busy}\n` +
        '  Another process uses that port: stop it, or pass --dashboard with a free one (0 picks any).\n',
    );
  });

  it('takes a self-signed https upstream unless --verify-upstream is given', async () => {
    const tls = join(ROOT, 'test', 'fixtures', 'tls');
    const server = createHttpsServer(
      {
        key: readFileSync(join(tls, 'localhost-test-key.pem')),
        cert: readFileSync(join(tls, 'localhost-test-cert.pem')),
      },
      (_req, res) => res.end('{"statusCode":0}'),
    ).listen(0, '127.0.0.1');
    await once(server, 'listening');
    onTestFinished(() => {
      server.close();
      server.closeAllConnections();
    });
    const upstream = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const statusThrough = async (extra: string[]): Promise<number> => {
      const db = join(tempDir(), 'r.sqlite');
      const cli = await spawnCliServer([
        'record',
        '--upstream',
        upstream,
        '--port',
        '0',
        '--db',
        db,
        ...extra,
      ]);
      const { status } = await send(`${cli.url}/api/v2/me`);
      expect(await cli.stop('SIGINT')).toBe(0);
      return status;
    };
    expect(await statusThrough([])).toBe(200);
    expect(await statusThrough(['--verify-upstream'])).toBe(502);
  });

  it('refuses a missing --upstream with a message and exit 1', async () => {
    const { code, stderr } = await runCli(['record', '--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toContain("required option '--upstream <url>' not specified");
  });

  it('refuses a --max-body that is not a whole number of bytes, rather than storing nothing', async () => {
    for (const bad of ['0.5', '0', '-1', 'lots']) {
      const { code, stderr } = await runCli([
        'record',
        '--upstream',
        'http://127.0.0.1:1',
        '--max-body',
        bad,
      ]);
      expect(code, bad).toBe(1);
      expect(stderr, bad).toContain(`"${bad}" is not a whole number >= 1.`);
    }
  });
});
