// The checkpoint worker: copies committed WAL pages back into the file from its own thread, and lets go cleanly.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WalCheckpointer } from '../../src/store/wal-checkpointer.js';
import { tempDbPath, tempDir } from '../helpers/store-rows.js';

/** A WAL database whose own connection never checkpoints: whatever reaches the file, the worker copied. */
const openWithoutCheckpoints = (path = tempDbPath()) => {
  const db = new BetterSqlite3(path);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
  const commitRows = (rows: number): void =>
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(1000, i));
    })();
  return { db, path, commitRows };
};

const start = async (path: string): Promise<WalCheckpointer> => {
  const checkpointer = await WalCheckpointer.start(path);
  onTestFinished(() => checkpointer.close());
  return checkpointer;
};

describe('WAL checkpointer', () => {
  it('copies committed pages back into the database file, though the writing connection never does', async () => {
    const { path, commitRows } = openWithoutCheckpoints();
    const checkpointer = await start(path);
    const sizeBefore = statSync(path).size;
    commitRows(500);
    expect(statSync(path).size).toBe(sizeBefore); // all of it in the WAL so far
    checkpointer.committed();
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(sizeBefore + 400_000));
  });

  it('lets go of the file in close(), so the last connection to close removes the WAL', async () => {
    const { db, path, commitRows } = openWithoutCheckpoints();
    const checkpointer = await start(path);
    commitRows(200);
    checkpointer.committed();
    checkpointer.close();
    checkpointer.committed(); // after close: ignored, never throws
    db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new BetterSqlite3(path, { readonly: true });
    expect(reopened.prepare('SELECT count(*) FROM t').pluck().get()).toBe(200);
    reopened.close();
  });

  it('refuses a file it cannot open, saying which', async () => {
    const missing = join(tempDir(), 'no-such-folder', 'x.sqlite');
    await expect(WalCheckpointer.start(missing)).rejects.toThrow(/unable to open|no such|cannot open/i);
  });
});
