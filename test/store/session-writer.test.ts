// The batched writer: rows reach disk one transaction per window or on flush; failures are counted, never thrown.
import { existsSync, statSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { openStore, type PackedRows, RowPacker } from '../../src/store/index.js';
import { recordingLogger } from '../helpers/logger.js';
import {
  makeExchange,
  makeFrame,
  makeMessage,
  makeSession,
  openTempStore,
  tempDbPath,
} from '../helpers/store-rows.js';

/** A second connection to the same file, as another process (the dashboard) would see it. */
const openReader = (path: string) => {
  const reader = openStore(path, { readonly: true });
  return reader;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('session writer', () => {
  it('allocates ids per session from 1, continuing after rows already stored', async () => {
    const store = openTempStore();
    const a = store.createSession(makeSession());
    const b = store.createSession(makeSession());
    const wa = store.createWriter(a.id);
    const wb = store.createWriter(b.id);
    expect([wa.nextExchangeId(), wa.nextExchangeId(), wa.nextMessageId(), wa.nextFrameId()]).toEqual([
      1, 2, 1, 1,
    ]);
    expect(wb.nextMessageId()).toBe(1);
    wa.addMessage(makeMessage({ id: 1 }));
    wa.addExchange(makeExchange({ id: 2 }));
    expect(() => store.createWriter(a.id)).toThrow(/session 1 already has an open writer/);
    await wa.close();
    const again = store.createWriter(a.id);
    expect([again.nextExchangeId(), again.nextMessageId(), again.nextFrameId()]).toEqual([3, 2, 1]);
  });

  it('keeps rows in memory until the batch window ends, then writes them in one transaction', () => {
    vi.useFakeTimers();
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const reader = openReader(store.path);
    const batches: number[] = [];
    const writer = store.createWriter(id, { batchWindowMs: 25, onBatch: (rows) => batches.push(rows) });
    for (let i = 0; i < 100; i++) {
      const exchangeId = writer.nextExchangeId();
      writer.addMessage(makeMessage({ id: writer.nextMessageId(), exchangeId }));
      writer.addFrame(makeFrame({ id: writer.nextFrameId(), exchangeId }));
      writer.addExchange(makeExchange({ id: exchangeId }));
    }
    vi.advanceTimersByTime(24);
    expect(reader.countMessages(id) + reader.countExchanges(id) + reader.countFrames(id)).toBe(0);
    expect(writer.pendingRows).toBe(300);
    vi.advanceTimersByTime(1);
    expect([reader.countExchanges(id), reader.countMessages(id), reader.countFrames(id)]).toEqual([
      100, 100, 100,
    ]);
    expect(batches).toEqual([300]);
    expect(writer.stats).toEqual({ rowsWritten: 300, rowsFailed: 0, batches: 1, lastError: null });
    reader.close();
  });

  it('flush() writes at once and resolves once the rows are readable from another connection', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const reader = openReader(store.path);
    const writer = store.createWriter(id, { batchWindowMs: 60_000 });
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    expect(reader.countMessages(id)).toBe(0);
    await writer.flush();
    expect(reader.countMessages(id)).toBe(2);
    await writer.flush(); // nothing pending: no empty batch
    expect(writer.stats.batches).toBe(1);
    reader.close();
  });

  it('writes a batch all or nothing: one bad row fails the whole transaction, the next batch is written', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const errors: Error[] = [];
    const writer = store.createWriter(id, { onError: (err) => errors.push(err) });
    writer.addMessage(makeMessage({ id: 1 }));
    writer.addExchange(makeExchange({ id: 1 }));
    writer.addMessage(makeMessage({ id: 1 })); // duplicate key: the batch's transaction rolls back
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(store.countMessages(id) + store.countExchanges(id)).toBe(0);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('UNIQUE constraint failed')]);
    expect(writer.stats).toMatchObject({ rowsWritten: 0, rowsFailed: 3, batches: 0 });
    writer.addMessage(makeMessage({ id: 2 }));
    await writer.flush();
    expect(store.messages(id).map((m) => m.id)).toEqual([2]);
    expect(writer.stats).toMatchObject({ rowsWritten: 1, rowsFailed: 3, batches: 1 });
  });

  it('holds rows while another process has the write lock, without waiting for it, and writes them once free', async () => {
    const store = openTempStore(); // busy_timeout 5 s: the writer must not wait it out
    const { id } = store.createSession(makeSession());
    const logger = recordingLogger();
    const errors: Error[] = [];
    const writer = store.createWriter(id, { logger, onError: (err) => errors.push(err) });
    const other = new BetterSqlite3(store.path);
    other.exec('BEGIN IMMEDIATE'); // holds the write lock, as `gws-vcr import` into the same file would
    const startedMs = performance.now();
    for (let batch = 0; batch < 3; batch++) {
      writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
      writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
      await writer.flush();
    }
    expect(performance.now() - startedMs).toBeLessThan(1000);
    expect(errors).toEqual([]);
    expect(writer.pendingRows).toBe(6);
    expect(writer.stats).toMatchObject({ rowsWritten: 0, rowsFailed: 0 });
    expect(logger.lines.filter((l) => l.level === 'warn')).toMatchObject([
      {
        level: 'warn',
        msg: 'database locked by another connection; rows held in memory and retried, traffic continues',
      },
    ]);
    other.exec('ROLLBACK');
    other.close();
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    await writer.flush();
    expect(store.messages(id).map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(writer.stats).toMatchObject({ rowsWritten: 7, rowsFailed: 0, batches: 1 });
    expect(logger.lines.at(-1)).toMatchObject({
      level: 'warn',
      msg: 'database lock released; held rows written',
    });
  });

  it('drops and counts a locked batch once more rows than maxHeldRows wait, reporting the failure once', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const errors: Error[] = [];
    const writer = store.createWriter(id, { maxHeldRows: 3, onError: (err) => errors.push(err) });
    const other = new BetterSqlite3(store.path);
    onTestFinished(() => {
      other.close();
    });
    other.exec('BEGIN IMMEDIATE');
    for (let row = 0; row < 4; row++) {
      writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
      await writer.flush();
    }
    expect(writer.stats).toMatchObject({ rowsWritten: 0, rowsFailed: 4, lastError: 'database is locked' });
    expect(errors).toHaveLength(1);
    other.exec('ROLLBACK');
  });

  it('survives a full disk (SQLITE_FULL): the batch is dropped and counted, smaller later batches still land', async () => {
    const store = openTempStore({ maxSizeBytes: 256 * 1024 });
    const { id } = store.createSession(makeSession());
    const errors: Error[] = [];
    const writer = store.createWriter(id, { onError: (err) => errors.push(err) });
    const huge = { data: 'x'.repeat(400 * 1024) };
    writer.addMessage(makeMessage({ id: writer.nextMessageId(), message: huge }));
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual(['database or disk is full']);
    expect(writer.stats).toMatchObject({
      rowsWritten: 0,
      rowsFailed: 2,
      lastError: 'database or disk is full',
    });
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    await writer.flush();
    expect(store.messages(id).map((m) => m.id)).toEqual([3]);
  });

  it('counts rows added after the store closed underneath it, without throwing at the caller', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id);
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    store.close(); // flushes and closes the writer too
    expect(() => writer.addMessage(makeMessage({ id: 2 }))).not.toThrow();
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(writer.stats).toMatchObject({
      rowsWritten: 1,
      rowsFailed: 1,
      lastError: expect.stringContaining('after it was closed'),
    });
  });

  it('close() flushes, stops the timer and is idempotent', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id, { batchWindowMs: 60_000 });
    writer.addFrame(makeFrame({ id: 1, exchangeId: 1 }));
    await writer.close();
    await writer.close();
    expect(store.countFrames(id)).toBe(1);
    expect(writer.stats.batches).toBe(1);
    store.close();
  });

  it('keeps going when its callbacks throw', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const logger = recordingLogger();
    const writer = store.createWriter(id, {
      logger,
      onBatch: () => {
        throw new Error('observer bug');
      },
    });
    writer.addMessage(makeMessage({ id: 1 }));
    await expect(writer.flush()).resolves.toBeUndefined();
    writer.addMessage(makeMessage({ id: 2 }));
    await writer.flush();
    expect(store.countMessages(id)).toBe(2);
    expect(logger.lines.filter((l) => l.msg === 'store writer callback threw')).toHaveLength(2);
  });

  it('runs checkpoints on a worker when asked, and leaves a whole file without a WAL once closed', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    onTestFinished(() => store.close());
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id, { batchWindowMs: 60_000, isCheckpointOffThread: true });
    await vi.waitFor(() => expect(writer.isCheckpointingOffThread).toBe(true));
    const sizeBefore = statSync(path).size;
    // ~100 pages: far below the 1000 at which the connection itself would checkpoint
    for (let i = 0; i < 100; i++) {
      writer.addExchange(makeExchange({ id: writer.nextExchangeId(), responseBody: Buffer.alloc(4000, i) }));
    }
    await writer.flush();
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(sizeBefore + 300_000));
    await writer.close();
    expect(writer.isCheckpointingOffThread).toBe(false);
    store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reader = openReader(path);
    expect(reader.countExchanges(id)).toBe(100);
    reader.close();
  });

  it('keeps checkpoints on its own connection for a memory database', async () => {
    const store = openStore(':memory:');
    onTestFinished(() => store.close());
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id, { isCheckpointOffThread: true });
    writer.addExchange(makeExchange({ id: writer.nextExchangeId() }));
    await writer.flush();
    expect(writer.isCheckpointingOffThread).toBe(false);
    expect(store.countExchanges(id)).toBe(1);
  });

  it('replaces an exchange added again with the same id (an open WebSocket stored, then completed)', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id);
    const exchangeId = writer.nextExchangeId();
    writer.addExchange(makeExchange({ id: exchangeId, kind: 'websocket', status: 101, endMs: null }));
    await writer.flush();
    writer.addExchange(makeExchange({ id: exchangeId, kind: 'websocket', status: 101, endMs: 5000 }));
    await writer.flush();
    expect(store.exchanges(id).map((e) => e.endMs)).toEqual([5000]);
  });

  it('writes rows and packed batches added in one window in the order they were added: the last one of an id wins', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id, { batchWindowMs: 60_000 });
    const packedAt = (endMs: number): PackedRows => {
      const packer = new RowPacker();
      packer.add('exchange', makeExchange({ id: 1, kind: 'websocket', status: 101, endMs }));
      return packer.take() as PackedRows;
    };
    writer.addExchange(makeExchange({ id: 1, kind: 'websocket', status: 101, endMs: null }));
    writer.addPacked(packedAt(1000));
    await writer.flush();
    expect(store.exchanges(id).map((e) => e.endMs)).toEqual([1000]);
    writer.addPacked(packedAt(2000));
    writer.addExchange(makeExchange({ id: 1, kind: 'websocket', status: 101, endMs: 3000 }));
    writer.addPacked(packedAt(4000));
    expect(writer.pendingRows).toBe(3);
    await writer.flush();
    expect(store.exchanges(id).map((e) => e.endMs)).toEqual([4000]);
    expect(writer.stats).toMatchObject({ rowsWritten: 5, rowsFailed: 0, batches: 2 });
  });
});
