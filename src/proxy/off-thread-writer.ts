// Hands the recorder's rows to a worker thread that writes them, so SQLite never runs on the forwarding thread.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../common/logger.js';
import {
  type ConnectionOptions,
  type NewBayeuxRow,
  type NewExchange,
  type NewFrameRow,
  type RowKind,
  type RowKinds,
  RowPacker,
  SessionIds,
  type WriterStats,
} from '../store/index.js';
import type { FromWorker, StoreWorkerData, ToWorker } from './store-worker.js';
import type { IdSource } from './types.js';

/** What the recorder needs from a writer; the store's SessionWriter is one, OffThreadWriter the other. */
export interface RowWriter extends IdSource {
  addExchange(row: NewExchange): void;
  addMessage(row: NewBayeuxRow): void;
  addFrame(row: NewFrameRow): void;
  /** resolves once every row added so far is committed, or counted as failed; never rejects */
  flush(): Promise<void>;
  /** flushes and stops; idempotent */
  close(): Promise<void>;
  readonly stats: WriterStats;
}

export interface OffThreadWriterOptions {
  dbPath: string;
  /** the recorder's store's: the worker's connection must refuse writes past the same size cap, and wait as long for a lock */
  storeOptions?: ConnectionOptions;
  sessionId: number;
  batchWindowMs: number;
  logger: Logger;
  /** ms to wait for the worker to open the file before giving up */
  startTimeoutMs?: number;
}

// The worker's module, next to this one, in whatever form this one runs (.ts under tsx, .js when built).
const workerUrl = (): string =>
  new URL(`./store-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/** tsx's ESM register API (its "import" export; require.resolve would give the CommonJS one). */
const tsxEsmApi = (): string => {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } }>;
  };
  const entry = manifest.exports['./esm/api']?.import?.default;
  if (!entry) throw new Error('tsx has no ESM register API (tsx/esm/api)');
  return join(dirname(manifestPath), entry);
};

/**
 * Worker threads do not inherit the TypeScript loader the process was started with; the worker registers
 * tsx itself before it imports a .ts module.
 */
const bootstrap = (url: string): string => {
  if (!url.endsWith('.ts')) return `import(${JSON.stringify(url)});`;
  const tsx = pathToFileURL(tsxEsmApi()).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
};

/**
 * A writer whose SQLite work happens on a worker thread with its own connection. Ids are allocated here,
 * synchronously, from a SessionIds as in the store's writer, continuing after the ids the worker found
 * stored; rows wait one batch window, then go to the worker in one message and are written there in one
 * transaction. If the worker dies, its rows are counted as failed and traffic goes on.
 */
export class OffThreadWriter implements RowWriter {
  readonly #worker: Worker;
  readonly #options: OffThreadWriterOptions;
  readonly #ids: SessionIds;
  /** rows are packed as they are added: no row objects wait for the batch window on this thread's heap */
  readonly #packer = new RowPacker();
  #timer: NodeJS.Timeout | null = null;
  #seq = 0;
  readonly #waiting = new Map<number, () => void>();
  #workerStats: WriterStats = { rowsWritten: 0, rowsFailed: 0, batches: 0, lastError: null };
  /** rows that never reached the worker (it was gone, or the writer closed) */
  #lostRows = 0;
  /** rows handed to the worker; if it dies, those it never accounted for are lost too */
  #postedRows = 0;
  #isClosed = false;
  #isWorkerGone = false;
  #hasReportedFailure = false;
  #closing: Promise<void> | null = null;

  private constructor(worker: Worker, options: OffThreadWriterOptions, ids: SessionIds) {
    this.#worker = worker;
    this.#options = options;
    this.#ids = ids;
  }

  /** Starts the worker and resolves once it opened the file; rejects if it cannot. */
  static start(options: OffThreadWriterOptions): Promise<OffThreadWriter> {
    const data: StoreWorkerData = {
      dbPath: options.dbPath,
      sessionId: options.sessionId,
      batchWindowMs: options.batchWindowMs,
      storeOptions: options.storeOptions ?? {},
    };
    const worker = new Worker(bootstrap(workerUrl()), {
      eval: true,
      workerData: data,
      // Its garbage is short-lived (a batch's unpacked values): a small young generation keeps the process's
      // memory near the forwarding thread's alone (the CometD load bench's peak RSS).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    // Created once the worker is ready: it reads the ids already stored.
    let writer: OffThreadWriter | null = null;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(
          new Error(
            `the store worker did not open ${options.dbPath} within ${options.startTimeoutMs ?? 10_000} ms`,
          ),
        );
      }, options.startTimeoutMs ?? 10_000);
      const onEarly = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      worker.once('error', onEarly);
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          worker.off('error', onEarly);
          writer = new OffThreadWriter(worker, options, new SessionIds(message.lastIds));
          writer.#watch();
          resolve(writer);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          void worker.terminate();
          reject(new Error(message.message));
        } else if (writer) writer.#onMessage(message);
      });
    });
  }

  nextExchangeId(): number {
    return this.#ids.nextExchangeId();
  }

  nextMessageId(): number {
    return this.#ids.nextMessageId();
  }

  nextFrameId(): number {
    return this.#ids.nextFrameId();
  }

  addExchange(row: NewExchange): void {
    this.#add('exchange', row);
  }

  addMessage(row: NewBayeuxRow): void {
    this.#add('message', row);
  }

  addFrame(row: NewFrameRow): void {
    this.#add('frame', row);
  }

  get stats(): WriterStats {
    const s = this.#workerStats;
    const unaccounted = this.#isWorkerGone ? Math.max(0, this.#postedRows - s.rowsWritten - s.rowsFailed) : 0;
    return { ...s, rowsFailed: s.rowsFailed + this.#lostRows + unaccounted };
  }

  flush(): Promise<void> {
    this.#send();
    return this.#request('flush');
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#send();
      this.#isClosed = true;
      await this.#request('close');
      await this.#worker.terminate();
    })();
    return this.#closing;
  }

  /** Packs one row; one that cannot be packed is counted as failed, and the rows around it go on. */
  #add<K extends RowKind>(kind: K, row: RowKinds[K]): void {
    if (this.#isClosed) {
      this.#lostRows += 1;
      return;
    }
    try {
      this.#packer.add(kind, row);
    } catch (err) {
      this.#lostRows += 1;
      this.#reportFailure(err instanceof Error ? err.message : String(err));
      return;
    }
    this.#schedule();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.#send();
    }, this.#options.batchWindowMs);
  }

  #send(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const rows = this.#packer.rows;
    const packed = this.#packer.take();
    if (!packed) return;
    if (this.#isWorkerGone) {
      this.#lostRows += rows;
      return;
    }
    try {
      // The packed bytes move to the worker without a copy.
      this.#worker.postMessage({ type: 'rows', rows: packed } satisfies ToWorker, [packed.bytes]);
      this.#postedRows += rows;
    } catch (err) {
      this.#lostRows += rows;
      this.#reportFailure(err instanceof Error ? err.message : String(err));
    }
  }

  #request(type: 'flush' | 'close'): Promise<void> {
    if (this.#isWorkerGone) return Promise.resolve();
    this.#seq += 1;
    const seq = this.#seq;
    return new Promise((resolve) => {
      this.#waiting.set(seq, resolve);
      this.#worker.postMessage({ type, seq } satisfies ToWorker);
    });
  }

  #onMessage(message: FromWorker): void {
    if (message.type === 'done') {
      this.#workerStats = message.stats;
      this.#waiting.get(message.seq)?.();
      this.#waiting.delete(message.seq);
    } else if (message.type === 'log') {
      // The worker's writer says when writes fail (once per run of failures), and when a lock holds rows back.
      this.#options.logger[message.level](message.fields, message.message);
    }
  }

  #watch(): void {
    this.#worker.on('error', (err) => this.#reportFailure(`store worker crashed: ${err.message}`));
    this.#worker.on('exit', () => {
      if (!this.#isClosed) this.#reportFailure('store worker exited; rows from now on are counted as failed');
      this.#isWorkerGone = true;
      for (const resolve of this.#waiting.values()) resolve();
      this.#waiting.clear();
    });
  }

  // A failing disk fails every batch: say so once, count the rest (stats.rowsFailed).
  #reportFailure(message: string): void {
    if (this.#hasReportedFailure) return;
    this.#hasReportedFailure = true;
    this.#options.logger.error(
      { sessionId: this.#options.sessionId, err: message },
      'store write failed; traffic continues (failed rows are counted)',
    );
  }
}
