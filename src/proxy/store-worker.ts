// Worker thread side of the off-thread writer: owns its own connection to the recording and writes row batches.
import { parentPort, workerData } from 'node:worker_threads';
import {
  type LastIds,
  openStore,
  type PackedRows,
  type StoreOptions,
  type WriterStats,
} from '../store/index.js';

/** What the recorder's thread sends: rows as a RowPacker packed them, their bytes in a transferred buffer. */
export type ToWorker =
  | { type: 'rows'; rows: PackedRows }
  | { type: 'flush'; seq: number }
  | { type: 'close'; seq: number };

export type FromWorker =
  /** the file is open; `lastIds`: the session's ids already stored, for the recorder's thread to go on from */
  | { type: 'ready'; lastIds: LastIds }
  | { type: 'failed'; message: string }
  | { type: 'error'; message: string }
  | { type: 'done'; seq: number; stats: WriterStats };

export interface StoreWorkerData {
  dbPath: string;
  sessionId: number;
  storeOptions: Pick<StoreOptions, 'busyTimeoutMs' | 'maxSizeBytes'>;
}

const run = (port: NonNullable<typeof parentPort>, data: StoreWorkerData): void => {
  const post = (message: FromWorker): void => port.postMessage(message);
  let store: ReturnType<typeof openStore>;
  let writer: ReturnType<ReturnType<typeof openStore>['createWriter']>;
  try {
    store = openStore(data.dbPath, data.storeOptions);
    // The recorder's thread batches already; here each batch is one transaction, written on arrival.
    writer = store.createWriter(data.sessionId, {
      batchWindowMs: 60_000,
      onError: (err) => post({ type: 'error', message: err.message }),
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
