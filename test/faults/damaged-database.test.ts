// Fault: a foreign, non-SQLite or damaged database file reaches the recorder, the dashboard, replay and export; each refuses it with a clear message and leaves it alone.
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildDashboardApp } from '../../src/dashboard/index.js';
import { startRecorder } from '../../src/proxy/index.js';
import { loadReplaySource } from '../../src/replay/index.js';
import { openStore, writeHar } from '../../src/store/index.js';
import { memorySink } from '../helpers/har.js';
import { startHttpUpstream } from '../helpers/recorder.js';
import { makeMessage, makeSession, tempDbPath } from '../helpers/store-rows.js';

/** A port nobody listens on right now. */
const freePort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

/**
 * A recording whose `name` b-tree (a table or an index) had its root page overwritten: the schema pages are
 * intact, so the file opens, and the damage is where a new session's rows would go.
 */
const damageRootPage =
  (name: string) =>
  (path: string): void => {
    const store = openStore(path);
    store.createSession(makeSession());
    store.close();
    const db = new BetterSqlite3(path, { readonly: true });
    const root = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(name) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, (root - 1) * pageSize, root * pageSize);
    writeFileSync(path, bytes);
  };

const FILES = {
  'a SQLite file of another program': (path: string): void => {
    const db = new BetterSqlite3(path);
    db.exec('CREATE TABLE customers (id INTEGER, name TEXT)');
    db.close();
  },
  'a file that is not SQLite': (path: string): void => {
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
  },
  'a recording whose schema pages were overwritten': (path: string): void => {
    const store = openStore(path);
    store.createSession(makeSession());
    store.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 100, 4096);
    writeFileSync(path, bytes);
  },
  'a recording whose sessions table was overwritten': damageRootPage('sessions'),
  'a recording whose exchanges table was overwritten': damageRootPage('exchanges'),
  'a recording whose index of messages by client was overwritten': damageRootPage('bayeux_by_client'),
  'a recording whose frames table was overwritten': damageRootPage('ws_frames'),
};

describe('a foreign or damaged database file', () => {
  it.each(Object.entries(FILES))(
    'given to the recorder, %s is refused with a message naming it, left alone, and the port freed',
    async (_what, make) => {
      const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
      const path = tempDbPath('given.sqlite');
      make(path);
      const before = readFileSync(path);
      const port = await freePort();
      const started = startRecorder({ upstream: upstream.url, dbPath: path, port });
      const refusal = await started.then(
        () => expect.unreachable('the recorder started on a file it should refuse'),
        (err: { code?: string; message: string; hint?: string }) => err,
      );
      expect(refusal.code).toMatch(/^VCR_STORE_(NOT_VCR_DB|CORRUPT)$/);
      expect(refusal.message).toContain(path);
      expect(`${refusal.message} ${refusal.hint ?? ''}`).toContain('--db'); // and what to pass instead
      expect(readFileSync(path).equals(before)).toBe(true);
      const again = createServer().listen(port, '127.0.0.1');
      onTestFinished(() => new Promise<void>((resolve) => again.close(() => resolve())));
      await once(again, 'listening');
    },
  );

  it('damaged past its schema pages: dashboard, replay and export say so, and the dashboard stays up', async () => {
    const path = tempDbPath('damaged.sqlite');
    const writer = openStore(path);
    const { id } = writer.createSession(makeSession());
    const messages = Array.from({ length: 2000 }, (_, i) =>
      makeMessage({ id: i + 1, message: { channel: '/v2/me/calls', data: { pad: 'x'.repeat(500) } } }),
    );
    writer.writeRows(id, { messages });
    writer.close();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, Math.floor(bytes.length * 0.5), Math.floor(bytes.length * 0.6));
    writeFileSync(path, bytes);

    const store = openStore(path, { readonly: true });
    onTestFinished(() => store.close());
    const corrupt = { code: 'VCR_STORE_CORRUPT', message: expect.stringContaining(path) };
    expect(() => loadReplaySource(store, id)).toThrow(expect.objectContaining(corrupt));
    await expect(writeHar(store, id, memorySink())).rejects.toMatchObject(corrupt);

    const app = await buildDashboardApp({ store });
    onTestFinished(() => app.close());
    for (const url of ['/api/sessions', `/api/sessions/${id}/messages`, `/api/sessions/${id}/analysis`]) {
      const reply = await app.inject({ url });
      expect(reply.statusCode, url).toBe(500);
      expect(reply.json(), url).toMatchObject({
        error: 'VCR_STORE_CORRUPT',
        message: expect.stringContaining(path),
      });
    }
    expect((await app.inject({ url: '/' })).statusCode).toBe(200);
  });
});
