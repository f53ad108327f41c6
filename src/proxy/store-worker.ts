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
import { cloneableFields } from './cloneable-fields.js';

/** What the recorder's thread sends: rows as a RowPacker packed them, their bytes in a transferred buffer. */
export type ToWorker =
  | { type: 'rows'; rows: PackedRows }
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
  /** rows held while another connection has the write lock are retried after this long, as on the recorder's thread */
  batchWindowMs: number;
  storeOptions: ConnectionOptions;
}

/** A Logger whose lines go to the recorder's thread, which writes them to the recorder's logger. */
const portLogger = (post: (message: FromWorker) => void, bindings: Record<string, unknown>): Logger => {
  const line =
    (level: LogLineLevel) =>
    (obj: object | string, msg?: string): void => {
      const fields = typeof obj === 'string' ? {} : (obj as Record<string, unknown>);
      const message = typeof obj === 'string' ? obj : (msg ?? '');
      post({ type: 'log', level, fields: cloneableFields({ ...bindings, ...fields }), message });
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
  let store: ReturnType<typeof openStore>;
  let writer: ReturnType<ReturnType<typeof openStore>['createWriter']>;
  try {
    store = openStore(data.dbPath, data.storeOptions);
    // The recorder's thread batches already; here each batch is one transaction, written on arrival.
    writer = store.createWriter(data.sessionId, {
      batchWindowMs: data.batchWindowMs,
      logger: portLogger(post, {}),
    });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'rows':
        writer.addPacked(message.rows);
        void writer.flush();
        break;
      case 'flush':
        post({ type: 'done', seq: message.seq, stats: writer.stats });
        break;
      case 'close':
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
  post({ type: 'ready', lastIds: writer.lastIds });
};

if (parentPort) run(parentPort, workerData as StoreWorkerData);
