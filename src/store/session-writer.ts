// Writes one session's rows in batches, one transaction per batch, off the request path; failures are counted, never thrown.
import type { Database } from 'better-sqlite3';
import { definedOnly } from '../common/defined-only.js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { type PackedRows, packedRowCount, unpackRows } from './packed-rows.js';
import type { RowInserter } from './row-inserter.js';
import { RowCollector, type RowKind, type RowKinds, type RowValues, rowValueCount } from './row-values.js';
import { type LastIds, SessionIds } from './session-ids.js';
import type { NewBayeuxRow, NewExchange, NewFrameRow, WriterStats } from './types.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface SessionWriterOptions {
  /** how long added rows wait for company before one transaction writes them all */
  batchWindowMs?: number;
  /** called once per failed batch, with the error; the rows of that batch are dropped */
  onError?: (err: Error) => void;
  /** called after each batch is committed, with how many rows it held */
  onBatch?: (rows: number) => void;
  /**
   * rows kept in memory while another connection holds the write lock; past this a locked batch is
   * dropped and counted as failed, so a lock held for long cannot exhaust memory
   */
  maxHeldRows?: number;
  /**
   * true: the WAL's checkpoints (copying it back into the file, with its fsyncs: milliseconds each) run on a
   * worker thread with its own connection, and this connection's automatic checkpoints are off while it
   * runs. For a writer on the forwarding thread; a memory database, or a worker that cannot start, keeps
   * SQLite's own checkpoints here.
   */
  isCheckpointOffThread?: boolean;
  logger?: Logger;
}

export const WRITER_DEFAULTS = {
  batchWindowMs: 25,
  onError: (_err: Error): void => {},
  onBatch: (_rows: number): void => {},
  maxHeldRows: 200_000,
  isCheckpointOffThread: false,
  logger: silentLogger,
} satisfies Required<SessionWriterOptions>;

export interface WriterTarget {
  db: Database;
  inserter: RowInserter;
  sessionId: number;
  /** highest ids already stored for the session, so a second writer continues the sequences */
  lastIds: LastIds;
}

/**
 * Collects one session's rows in memory and writes them in one transaction per batch window.
 * `add*` are cheap and synchronous and never throw for a storage failure: a failed batch is logged (once
 * per run of failures), passed to `onError`, counted in `stats` and dropped; the next batch is tried anew.
 * One writer per session at a time: ids come from this writer's SessionIds.
 */
export class SessionWriter {
  readonly sessionId: number;
  private readonly db: Database;
  private readonly inserter: RowInserter;
  private readonly options: Required<SessionWriterOptions>;
  private readonly ids: SessionIds;
  /**
   * Rows are kept as the values their INSERTs bind from the moment they are added: the batch's write binds
   * them as they are. `npm run bench -- --only=writer` prints what adding and writing cost per row.
   */
  private readonly collector = new RowCollector();
  /** batches to write, in order: taken from the collector, or unpacked from another thread's (the recorder's) */
  private queued: RowValues[] = [];
  private timer: NodeJS.Timeout | null = null;
  private isClosed = false;
  private failuresInARow = 0;
  private isHeldByLock = false;
  /** one transaction per batch; built once (better-sqlite3 builds five wrappers per transaction function) */
  private readonly writeRows: (batch: readonly RowValues[]) => void;
  /** the connection's busy_timeout when the writer was created, restored after each batch */
  private readonly busyTimeoutMs: number;
  private checkpointer: WalCheckpointer | null = null;
  /** wal_autocheckpoint to restore when the checkpointer stops; null while the connection's own is on */
  private autocheckpointPages: number | null = null;
  private readonly counters: WriterStats = { rowsWritten: 0, rowsFailed: 0, batches: 0, lastError: null };

  constructor(target: WriterTarget, options: SessionWriterOptions = {}) {
    this.db = target.db;
    this.inserter = target.inserter;
    this.sessionId = target.sessionId;
    this.ids = new SessionIds(target.lastIds);
    this.options = { ...WRITER_DEFAULTS, ...definedOnly(options) };
    this.writeRows = this.db.transaction((batch: readonly RowValues[]) => {
      for (const rows of batch) this.inserter.insertValues(this.sessionId, rows);
    });
    this.busyTimeoutMs = Number(this.db.pragma('busy_timeout', { simple: true }));
    if (this.options.isCheckpointOffThread && !this.db.memory && this.db.name !== '') {
      this.startCheckpointer();
    }
  }

  /** Id for an exchange starting now; rows may reference it before the exchange row is added. */
  nextExchangeId(): number {
    return this.ids.nextExchangeId();
  }

  nextMessageId(): number {
    return this.ids.nextMessageId();
  }

  nextFrameId(): number {
    return this.ids.nextFrameId();
  }

  /** The ids handed out last, or found stored: where another writer of the session goes on from. */
  get lastIds(): LastIds {
    return this.ids.last;
  }

  addExchange(row: NewExchange): void {
    this.add('exchange', row);
  }

  addMessage(row: NewBayeuxRow): void {
    this.add('message', row);
  }

  /**
   * Adds a batch a RowPacker made, whose ids came from this writer's counters or another's for the session.
   * A batch whose bytes do not hold the rows it counts fails alone, counted; the rows around it go on.
   */
  addPacked(rows: PackedRows): void {
    const count = packedRowCount(rows);
    if (count === 0 || !this.accepts(count)) return;
    let values: RowValues;
    try {
      values = unpackRows(rows);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)), count);
      return;
    }
    // after the rows added before it: a row added again (an exchange completed) must replace, not be replaced
    this.takeCollected();
    this.queued.push(values);
    this.schedule();
  }

  addFrame(row: NewFrameRow): void {
    this.add('frame', row);
  }

  /** Rows added but not yet written. */
  get pendingRows(): number {
    let rows = this.collector.rows;
    for (const batch of this.queued) rows += rowValueCount(batch);
    return rows;
  }

  /** A snapshot of the counters. */
  get stats(): WriterStats {
    return { ...this.counters };
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** true while a worker thread runs this file's checkpoints (isCheckpointOffThread, once it started) */
  get isCheckpointingOffThread(): boolean {
    return this.checkpointer !== null;
  }

  /**
   * Writes every pending row now; resolves once they are committed, counted as failed, or held because
   * another connection holds the write lock (they are retried at the next window). Never rejects.
   */
  flush(): Promise<void> {
    this.writeBatch();
    return Promise.resolve();
  }

  /** Flushes, stops the timer, and refuses (counts as failed) rows added afterwards. Idempotent. */
  close(): Promise<void> {
    this.closeSync();
    return Promise.resolve();
  }

  /** close() for owners that must finish synchronously (Store.close). */
  closeSync(): void {
    if (this.isClosed) return;
    // Traffic has stopped: now waiting out another connection's lock (busy_timeout) costs nobody anything.
    this.writeBatch(true);
    this.isClosed = true;
    this.stopCheckpointer();
  }

  private accepts(rows: number): boolean {
    if (!this.isClosed) return true;
    this.fail(new Error(`row added to the writer of session ${this.sessionId} after it was closed`), rows);
    return false;
  }

  /** Adds one row; a row SQLite cannot take (a value of another type) fails alone, counted. */
  private add<K extends RowKind>(kind: K, row: RowKinds[K]): void {
    if (!this.accepts(1)) return;
    try {
      this.collector.add(kind, row);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)), 1);
      return;
    }
    this.schedule();
  }

  /** Moves the rows collected so far to the end of the batches to write. */
  private takeCollected(): void {
    const rows = this.collector.take();
    if (rows) this.queued.push(rows);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.writeBatch();
    }, this.options.batchWindowMs);
  }

  /**
   * Writes the pending rows in one transaction. Unless `isWaitingForLock`, SQLite is told not to wait for
   * a lock held by another connection: better-sqlite3 waits on the event loop, and the proxy forwards on
   * it, so a lock must cost traffic nothing. A locked batch is put back and retried at the next window.
   */
  private writeBatch(isWaitingForLock = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.takeCollected();
    const rows = this.pendingRows;
    if (rows === 0) return;
    const batch = this.queued;
    this.queued = [];
    try {
      if (!this.db.open) throw new Error('the database connection is closed');
      this.withoutLockWait(isWaitingForLock, () => this.writeRows(batch));
    } catch (err) {
      if (!isWaitingForLock && isLockError(err) && rows + this.pendingRows <= this.options.maxHeldRows) {
        this.holdForLock(batch, err as Error);
        return;
      }
      this.fail(err instanceof Error ? err : new Error(String(err)), rows);
      return;
    }
    if (this.isHeldByLock) {
      this.isHeldByLock = false;
      this.options.logger.warn(
        { sessionId: this.sessionId, rows },
        'database lock released; held rows written',
      );
    }
    this.counters.rowsWritten += rows;
    this.counters.batches += 1;
    this.checkpointer?.committed();
    if (this.failuresInARow > 0) {
      this.options.logger.warn(
        { sessionId: this.sessionId, failedBatches: this.failuresInARow },
        'store writes recovered',
      );
      this.failuresInARow = 0;
    }
    this.safely(() => this.options.onBatch(rows));
  }

  private withoutLockWait(isWaitingForLock: boolean, write: () => void): void {
    if (isWaitingForLock) {
      write();
      return;
    }
    this.db.pragma('busy_timeout = 0');
    try {
      write();
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    }
  }

  private startCheckpointer(): void {
    const giveUp = (err: Error, what: string): void => {
      this.stopCheckpointer();
      this.options.logger.warn({ err, sessionId: this.sessionId }, what);
    };
    WalCheckpointer.start(this.db.name, {
      onExit: (err) => giveUp(err, 'the checkpoint worker stopped; checkpoints are back on this thread'),
    }).then(
      (checkpointer) => {
        if (this.isClosed || !this.db.open) {
          checkpointer.close();
          return;
        }
        this.autocheckpointPages = Number(this.db.pragma('wal_autocheckpoint', { simple: true }));
        this.db.pragma('wal_autocheckpoint = 0');
        this.checkpointer = checkpointer;
      },
      (err: Error) => giveUp(err, 'could not start the checkpoint worker; checkpoints stay on this thread'),
    );
  }

  /** Stops the checkpoint worker, if one runs, and gives the connection its own checkpoints back. */
  private stopCheckpointer(): void {
    this.checkpointer?.close();
    this.checkpointer = null;
    if (this.autocheckpointPages !== null && this.db.open) {
      this.db.pragma(`wal_autocheckpoint = ${this.autocheckpointPages}`);
    }
    this.autocheckpointPages = null;
  }

  /** Puts a batch that met another connection's lock back in front of the rows added since, in order. */
  private holdForLock(batch: RowValues[], err: Error): void {
    this.takeCollected();
    this.queued = [...batch, ...this.queued];
    if (!this.isHeldByLock) {
      this.isHeldByLock = true;
      this.options.logger.warn(
        { err, sessionId: this.sessionId, rows: this.pendingRows },
        'database locked by another connection; rows held in memory and retried, traffic continues',
      );
    }
    this.schedule();
  }

  private fail(err: Error, rows: number): void {
    this.counters.rowsFailed += rows;
    this.counters.lastError = err.message;
    this.failuresInARow += 1;
    // Log the first failure of a run loudly and the rest quietly: a full disk fails every batch.
    const log = this.failuresInARow === 1 ? this.options.logger.error : this.options.logger.debug;
    log.call(
      this.options.logger,
      { err, sessionId: this.sessionId, rows },
      'store write failed; traffic continues',
    );
    this.safely(() => this.options.onError(err));
  }

  /** Callbacks belong to the caller; their errors must not break the writer. */
  private safely(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      this.options.logger.warn({ err, sessionId: this.sessionId }, 'store writer callback threw');
    }
  }
}

const isLockError = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
};
