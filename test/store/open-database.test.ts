// Opening a recording file: new files are created in WAL mode; foreign, corrupt, too-new and missing files are refused.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate0to1, openStore, SCHEMA_VERSION } from '../../src/store/index.js';
import { makeSession, tempDbPath, tempDir } from '../helpers/store-rows.js';

const refusalOf = (
  path: string,
  options: { readonly?: boolean } = {},
): { code: string; message: string; hint: string | undefined } => {
  try {
    openStore(path, options).close();
  } catch (err) {
    const e = err as { code: string; message: string; hint: string | undefined };
    return { code: e.code, message: e.message, hint: e.hint };
  }
  throw new Error(`${path} was opened`);
};

describe('opening a store', () => {
  it('creates a missing file and its folders, in WAL mode, with the schema version and meta facts', () => {
    const path = join(tempDir(), 'deep', 'er', 'new.sqlite');
    openStore(path, { clock: { nowMs: () => 0, wallMs: () => Date.UTC(2024, 1, 3) } }).close();
    expect(existsSync(path)).toBe(true);
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(
        Object.fromEntries(db.prepare('SELECT key, value FROM gws_vcr_meta').raw().all() as string[][]),
      ).toEqual({
        tool: 'gws-vcr',
        schema_version: String(SCHEMA_VERSION),
        created_at: '2024-02-03T00:00:00.000Z',
      });
      const indexes = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`)
        .pluck()
        .all();
      expect(indexes).toEqual(
        expect.arrayContaining([
          'bayeux_by_time',
          'bayeux_by_channel',
          'bayeux_by_client',
          'exchanges_by_time',
        ]),
      );
    } finally {
      db.close();
    }
  });

  it('opens an existing recording again, keeping what it holds', () => {
    const path = tempDbPath();
    const first = openStore(path);
    first.createSession(makeSession({ name: 'kept' }));
    first.close();
    const again = openStore(path);
    expect(again.listSessions().map((s) => s.name)).toEqual(['kept']);
    again.close();
  });

  it('refuses to open a missing file read-only, saying how to make one', () => {
    const path = join(tempDir(), 'none.sqlite');
    expect(refusalOf(path, { readonly: true })).toEqual({
      code: 'VCR_STORE_NOT_FOUND',
      message: `${path} does not exist`,
      hint: `Record a session with \`gws-vcr record --upstream URL --db ${path}\`, or pass --db a file written by it.`,
    });
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a SQLite file of another program, naming the missing table and leaving the file alone', () => {
    const path = tempDbPath('x.sqlite');
    const db = new BetterSqlite3(path);
    db.exec('CREATE TABLE customers (id INTEGER); CREATE TABLE orders (id INTEGER)');
    db.close();
    const before = readFileSync(path);
    for (const readonly of [false, true]) {
      expect(refusalOf(path, { readonly })).toMatchObject({
        code: 'VCR_STORE_NOT_VCR_DB',
        message: `${path} is not a gws-vcr database (no table gws_vcr_meta; it holds customers, orders); pass --db a file written by \`gws-vcr record\``,
      });
    }
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a gws_vcr_meta table written by some other tool', () => {
    const path = tempDbPath();
    const db = new BetterSqlite3(path);
    db.exec(
      `CREATE TABLE gws_vcr_meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO gws_vcr_meta VALUES ('tool', 'other')`,
    );
    db.close();
    expect(refusalOf(path)).toMatchObject({
      code: 'VCR_STORE_NOT_VCR_DB',
      message: expect.stringContaining('names tool "other"'),
    });
  });

  it('refuses a file that is not SQLite at all', () => {
    const path = tempDbPath('notes.sqlite');
    writeFileSync(path, 'these are my notes, not a database\n'.repeat(200));
    expect(refusalOf(path)).toEqual({
      code: 'VCR_STORE_CORRUPT',
      message: `${path} is not a readable SQLite database (file is not a database); it is damaged or not a database at all`,
      hint: `Pass --db a file written by \`gws-vcr record\`, or move ${path} away to start a new one.`,
    });
    expect(refusalOf(path, { readonly: true }).code).toBe('VCR_STORE_CORRUPT');
  });

  it('refuses a damaged recording (its schema pages overwritten)', () => {
    const path = tempDbPath();
    const store = openStore(path);
    store.createSession(makeSession());
    store.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 100, 4096); // page 1 past the header: sqlite_master's b-tree
    const damaged = tempDbPath('damaged.sqlite');
    writeFileSync(damaged, bytes);
    expect(refusalOf(damaged)).toMatchObject({
      code: 'VCR_STORE_CORRUPT',
      message: expect.stringMatching(
        /^.*damaged\.sqlite is not a readable SQLite database \(.*malformed.*\)/,
      ),
    });
  });

  it('refuses a file written by a newer gws-vcr, in either place the version is kept', () => {
    const path = tempDbPath();
    openStore(path).close();
    const newer = tempDbPath('newer.sqlite');
    copyFileSync(path, newer);
    const db = new BetterSqlite3(newer);
    db.prepare(`UPDATE gws_vcr_meta SET value = ? WHERE key = 'schema_version'`).run(
      String(SCHEMA_VERSION + 1),
    );
    db.close();
    expect(refusalOf(newer)).toEqual({
      code: 'VCR_STORE_TOO_NEW',
      message: `${newer} has schema version ${SCHEMA_VERSION + 1}, newer than this gws-vcr understands (${SCHEMA_VERSION}); it was written by a later gws-vcr`,
      hint: 'Upgrade gws-vcr to read it, or pass --db another file.',
    });
    const byPragma = tempDbPath('pragma.sqlite');
    copyFileSync(path, byPragma);
    const db2 = new BetterSqlite3(byPragma);
    db2.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db2.close();
    expect(refusalOf(byPragma, { readonly: true })).toMatchObject({ code: 'VCR_STORE_TOO_NEW' });
  });

  it('reads a version-1 recording read-only as it is, and upgrades it when opened to record into', () => {
    const path = tempDbPath('v1.sqlite');
    const v1 = new BetterSqlite3(path);
    v1.transaction(() => {
      migrate0to1(v1, { nowWallMs: 0 });
      v1.prepare(`UPDATE gws_vcr_meta SET value = '1' WHERE key = 'schema_version'`).run();
      v1.pragma('user_version = 1');
      v1.prepare(
        `INSERT INTO sessions (name, upstream, source, listen_origin, origin_wall_ms, started_at, notifications_path)
         VALUES ('old', 'http://127.0.0.1:8080', 'record', 'http://127.0.0.1:8090', 0, '1970-01-01T00:00:00.000Z',
                 '/api/v2/notifications')`,
      ).run();
    })();
    v1.close();
    const versionOf = (): unknown => {
      const db = new BetterSqlite3(path, { readonly: true });
      try {
        return db.pragma('user_version', { simple: true });
      } finally {
        db.close();
      }
    };

    const reader = openStore(path, { readonly: true });
    expect(reader.listSessions()).toEqual([expect.objectContaining({ name: 'old', rewriteOrigins: [] })]);
    expect(reader.getSession(1)?.rewriteOrigins).toEqual([]);
    reader.close();
    expect(versionOf()).toBe(1);

    const writer = openStore(path);
    expect(versionOf()).toBe(SCHEMA_VERSION);
    expect(writer.getSession(1)).toMatchObject({ name: 'old', rewriteOrigins: [] });
    const added = writer.createSession(makeSession({ rewriteOrigins: ['https://gws-lb.example'] }));
    expect(writer.getSession(added.id)?.rewriteOrigins).toEqual(['https://gws-lb.example']);
    writer.close();
  });

  it('refuses an empty file read-only, and makes it a recording when writable', () => {
    const path = tempDbPath();
    writeFileSync(path, '');
    expect(refusalOf(path, { readonly: true })).toMatchObject({
      code: 'VCR_STORE_NOT_VCR_DB',
      message: expect.stringContaining('(the file is empty)'),
    });
    const store = openStore(path);
    expect(store.listSessions()).toEqual([]);
    store.close();
  });

  it('refuses a directory, and a file it may not read', () => {
    const dir = join(tempDir(), 'a-folder');
    mkdirSync(dir);
    expect(refusalOf(dir)).toMatchObject({
      code: 'VCR_STORE_CANNOT_OPEN',
      message: `${dir} is a directory, not a database file`,
    });
    if (process.getuid?.() === 0) return; // root reads anything: no permission to take away
    const path = tempDbPath();
    openStore(path).close();
    chmodSync(path, 0o000);
    expect(refusalOf(path)).toMatchObject({
      code: 'VCR_STORE_CANNOT_OPEN',
      message: expect.stringContaining(`cannot open ${path}`),
    });
  });

  it('refuses a path whose folder cannot be made (a file stands in its way), saying which', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'not a folder');
    const path = join(file, 'rec.sqlite');
    expect(refusalOf(path)).toMatchObject({
      code: 'VCR_STORE_CANNOT_OPEN',
      message: expect.stringContaining(`cannot create the folder ${file} for ${path}`),
      hint: expect.stringContaining('--db'),
    });
  });

  it('reads a recording while another connection is writing it (WAL)', async () => {
    const path = tempDbPath();
    const writerStore = openStore(path);
    const { id } = writerStore.createSession(makeSession());
    const reader = openStore(path, { readonly: true });
    const writer = writerStore.createWriter(id);
    for (let i = 1; i <= 3; i++) {
      writer.addMessage({
        id: writer.nextMessageId(),
        exchangeId: null,
        direction: 'to-client',
        transport: 'websocket',
        channel: '/v2/me/calls',
        clientId: null,
        messageId: null,
        successful: null,
        atMs: i,
        message: {},
      });
      await writer.flush();
      expect(reader.countMessages(id)).toBe(i);
    }
    reader.close();
    writerStore.close();
  });
});
