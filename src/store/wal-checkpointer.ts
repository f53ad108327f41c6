// Runs a recording's WAL checkpoints on a worker thread, so their copying and fsyncs never stall the forwarding thread.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** checkpoint at the next commit once the WAL holds this many frames (pages), as SQLite's autocheckpoint does */
  walFrames?: number;
  /** and at the first commit this long after the last checkpoint, so a slowly growing WAL is copied back too */
  intervalMs?: number;
  /** ms to wait for the worker to open the file before giving up */
  startTimeoutMs?: number;
  /** called once if the worker fails after it started (its error); checkpoints are then up to the caller */
  onExit?: (err: Error) => void;
}

export const CHECKPOINTER_DEFAULTS = {
  walFrames: 1000,
  intervalMs: 250,
  startTimeoutMs: 10_000,
  onExit: (_err: Error): void => {},
} satisfies Required<WalCheckpointerOptions>;

interface CheckpointerData {
  sqlitePath: string;
  /** set to 1 by the worker once its connection is closed */
  closed: Int32Array;
  dbPath: string;
  walFrames: number;
  intervalMs: number;
}

type FromCheckpointer = { type: 'ready' } | { type: 'failed'; message: string };

// The worker needs nothing of this project but better-sqlite3: plain JavaScript, so it runs the same under
// tsx and built. A PASSIVE checkpoint never takes the write lock: the recorder's commits go on during it.
// Checkpointing again while the last one saw a big WAL lets the WAL restart from its beginning: that
// happens at the first commit after a checkpoint that left nothing behind, and the second one is small.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlitePath);
let db = null;
try {
  db = new Database(workerData.dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  parentPort.postMessage({ type: 'ready' });
} catch (err) {
  parentPort.postMessage({ type: 'failed', message: String((err && err.message) || err) });
}
let walFrames = 0;
let lastAt = 0;
if (db) {
  parentPort.on('message', (message) => {
    if (message === 'close') {
      db.close();
      Atomics.store(workerData.closed, 0, 1);
      Atomics.notify(workerData.closed, 0);
      parentPort.close();
      return;
    }
    const now = Date.now();
    if (walFrames < workerData.walFrames && now - lastAt < workerData.intervalMs) return;
    lastAt = now;
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    walFrames = result ? result.log : 0;
  });
}
`;

/** The main-thread side: tell it about commits, close it when done. Start with `WalCheckpointer.start`. */
export class WalCheckpointer {
  readonly #worker: Worker;
  readonly #closed: Int32Array;
  #isClosed = false;

  private constructor(worker: Worker, closed: Int32Array) {
    this.#worker = worker;
    this.#closed = closed;
  }

  /**
   * Starts the worker on the file at `dbPath` (in WAL mode); resolves once it opened it, rejects if it
   * cannot. The caller turns its own connection's automatic checkpoints off (`wal_autocheckpoint = 0`).
   */
  static start(dbPath: string, options: WalCheckpointerOptions = {}): Promise<WalCheckpointer> {
    const opts = { ...CHECKPOINTER_DEFAULTS, ...options };
    const data: CheckpointerData = {
      sqlitePath: createRequire(import.meta.url).resolve('better-sqlite3'),
      closed: new Int32Array(new SharedArrayBuffer(4)),
      dbPath,
      walFrames: opts.walFrames,
      intervalMs: opts.intervalMs,
    };
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    // It only ever copies pages back: never a reason to keep the process alive.
    worker.unref();
    const checkpointer = new WalCheckpointer(worker, data.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`the checkpoint worker did not open ${dbPath} within ${opts.startTimeoutMs} ms`));
      }, opts.startTimeoutMs);
      const onEarly = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      worker.once('error', onEarly);
      worker.once('message', (message: FromCheckpointer) => {
        clearTimeout(timer);
        worker.off('error', onEarly);
        if (message.type === 'failed') {
          void worker.terminate();
          reject(new Error(message.message));
          return;
        }
        worker.on('error', (err) => checkpointer.#gone(err, opts.onExit));
        worker.on('exit', (code) =>
          checkpointer.#gone(new Error(`the checkpoint worker exited (${code})`), opts.onExit),
        );
        resolve(checkpointer);
      });
    });
  }

  /** A transaction was committed: the worker checkpoints if the WAL is big or the last checkpoint is old. */
  committed(): void {
    if (!this.#isClosed) this.#worker.postMessage('committed');
  }

  /**
   * Stops the worker and waits (blocking, at most `waitMs`) until its connection is closed, so the
   * caller's connection is the last one and checkpoints the rest of the WAL when it closes. Idempotent.
   */
  close(waitMs = 2000): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#worker.postMessage('close');
    // A checkpoint in progress finishes first: at most a few ms of copying, at shutdown only.
    Atomics.wait(this.#closed, 0, 0, waitMs);
  }

  #gone(err: Error, onExit: (err: Error) => void): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    onExit(err);
  }
}
