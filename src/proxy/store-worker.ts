// Worker thread side of the off-thread writer: owns its own connection to the recording and writes row batches.
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger, LogLevel } from '../common/logger.js';
import {
  type ConnectionOptions,
  type LastIds,
  openStore,
  type PackedRows,
  type WriterStats,
} from '../store/index.js';
import { handOverMs, type SharedBatchBuffers, SharedBatches } from './shared-batches.js';

/** What the recorder's thread sends besides the batches in shared memory: batches too big for it (bytes transferred), a wake-up, requests. */
export type ToWorker =
  /** batch `batch` (numbered with those in shared memory, which come first if lower), by message: too big, or no slot free */
  | { type: 'rows'; batch: number; rows: PackedRows }
  /** the worker fell asleep and a batch is waiting in shared memory */
  | { type: 'wake' }
  | { type: 'flush'; seq: number }
  | { type: 'close'; seq: number };

export type FromWorker =
  /** the file is open; `lastIds`: the session's ids already stored, for the recorder's thread to go on from */
  | { type: 'ready'; lastIds: LastIds }
  | { type: 'failed'; message: string }
  /** a line the worker's writer logged (a failing disk, a lock held and released), for the recorder's logger */
  | { type: 'log'; level: LogLineLevel; fields: Record<string, unknown>; message: string }
  | { type: 'done'; seq: number; stats: WriterStats };

export type LogLineLevel = Exclude<LogLevel, 'silent'>;

export interface StoreWorkerData {
  dbPath: string;
  sessionId: number;
  /**
   * the worker looks for batches in shared memory every half window (handOverMs); rows held while another
   * connection has the write lock are retried after a window, as on the recorder's thread
   */
  batchWindowMs: number;
  storeOptions: ConnectionOptions;
  shared: SharedBatchBuffers;
}

/** Looks that find nothing before the worker sleeps until the recorder's thread wakes it: about a second. */
const idleLooksFor = (lookMs: number): number => Math.max(4, Math.ceil(1000 / lookMs));

// An Error does not cross threads whole: its message and code do.
const cloneable = (fields: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error ? { message: value.message, code: (value as { code?: unknown }).code } : value;
  }
  return out;
};

/** A Logger whose lines go to the recorder's thread, which writes them to the recorder's logger. */
const portLogger = (post: (message: FromWorker) => void, bindings: Record<string, unknown>): Logger => {
  const line =
    (level: LogLineLevel) =>
    (obj: object | string, msg?: string): void => {
      const fields = typeof obj === 'string' ? {} : (obj as Record<string, unknown>);
      const message = typeof obj === 'string' ? obj : (msg ?? '');
      try {
        post({ type: 'log', level, fields: cloneable({ ...bindings, ...fields }), message });
      } catch {
        // A field that cannot cross threads costs its line its fields, never the writer its batch.
        post({ type: 'log', level, fields: {}, message });
      }
    };
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: (more) => portLogger(post, { ...bindings, ...more }),
  };
};

const run = (port: NonNullable<typeof parentPort>, data: StoreWorkerData): void => {
  const post = (message: FromWorker): void => port.postMessage(message);
  const logger = portLogger(post, {});
  let store: ReturnType<typeof openStore>;
  let writer: ReturnType<ReturnType<typeof openStore>['createWriter']>;
  try {
    store = openStore(data.dbPath, data.storeOptions);
    // The recorder's thread batches already; here each batch is one transaction, written on arrival.
    writer = store.createWriter(data.sessionId, {
      batchWindowMs: data.batchWindowMs,
      logger,
    });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const shared = SharedBatches.attach(data.shared);
  const byMessage = new Map<number, PackedRows>();
  let next = 1;
  /** Hands the batch numbered `next` to the writer if it is here; true if it was. */
  const takeNext = (): boolean => {
    const rows = byMessage.get(next);
    if (rows) {
      byMessage.delete(next);
      writer.addPacked(rows);
      return true;
    }
    return shared.read(next, (r) => writer.addPacked(r));
  };
  /** Writes every batch that is next in order, from shared memory or a message; true if there was one. */
  const drain = (): boolean => {
    const first = next;
    for (;;) {
      let isTaken: boolean;
      try {
        isTaken = takeNext();
      } catch (err) {
        // Never wait for a number whose batch is gone: the batches after it would wait forever.
        isTaken = true;
        logger.error({ err, batch: next }, 'a row batch could not be read; its rows are lost');
      }
      if (!isTaken) break;
      next += 1;
    }
    if (next === first) return false;
    void writer.flush();
    return true;
  };
  const lookMs = handOverMs(data.batchWindowMs);
  const idleLooks = idleLooksFor(lookMs);
  let timer: NodeJS.Timeout | null = null;
  let idleSince = 0;
  const look = (): void => {
    timer = null;
    const startedAt = performance.now();
    if (drain()) idleSince = 0;
    else if (++idleSince >= idleLooks) {
      shared.fallAsleep();
      // A batch offered just before the flag was set: its writer did not see the flag.
      if (!drain()) return;
      shared.awake();
      idleSince = 0;
    }
    // Every half window from the last look's start, however long its writing took: a row waits one window at most.
    timer = setTimeout(look, Math.max(0, lookMs - (performance.now() - startedAt)));
  };
  const wake = (): void => {
    shared.awake();
    idleSince = 0;
    if (timer === null) look();
  };
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'rows':
        byMessage.set(message.batch, message.rows);
        drain();
        wake();
        break;
      case 'wake':
        wake();
        break;
      case 'flush':
        drain();
        post({ type: 'done', seq: message.seq, stats: writer.stats });
        break;
      case 'close':
        if (timer) clearTimeout(timer);
        drain();
        void writer.close();
        store.close();
        post({ type: 'done', seq: message.seq, stats: writer.stats });
        port.close();
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unknown message to the store worker: ${JSON.stringify(unknown)}`);
      }
    }
  });
  look();
  post({ type: 'ready', lastIds: writer.lastIds });
};

if (parentPort) run(parentPort, workerData as StoreWorkerData);
