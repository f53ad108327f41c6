// Worker thread side of the off-thread writer: owns its own connection to the recording and writes row batches.
import { parentPort, workerData } from 'node:worker_threads';
import {
  type NewBayeuxRow,
  type NewExchange,
  type NewFrameRow,
  openStore,
  type WriterStats,
} from '../store/index.js';

/** What the recorder's thread sends. Rows arrive structured-cloned: their Buffers as plain Uint8Arrays. */
export type ToWorker =
  | { type: 'rows'; exchanges: NewExchange[]; messages: NewBayeuxRow[]; frames: NewFrameRow[] }
  | { type: 'flush'; seq: number }
  | { type: 'close'; seq: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'error'; message: string }
  | { type: 'done'; seq: number; stats: WriterStats };

export interface StoreWorkerData {
  dbPath: string;
  sessionId: number;
}

// better-sqlite3 binds Buffers, not bare Uint8Arrays; wrap without copying.
const asBuffer = (bytes: Uint8Array | null): Buffer | null =>
  bytes === null || Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const run = (port: NonNullable<typeof parentPort>, data: StoreWorkerData): void => {
  const post = (message: FromWorker): void => port.postMessage(message);
  let store: ReturnType<typeof openStore>;
  let writer: ReturnType<ReturnType<typeof openStore>['createWriter']>;
  try {
    store = openStore(data.dbPath);
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
        for (const e of message.exchanges) {
          writer.addExchange({
            ...e,
            requestBody: asBuffer(e.requestBody),
            responseBody: asBuffer(e.responseBody),
          });
        }
        for (const m of message.messages) writer.addMessage(m);
        for (const f of message.frames)
          writer.addFrame({ ...f, payload: asBuffer(f.payload) ?? Buffer.alloc(0) });
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
  post({ type: 'ready' });
};

if (parentPort) run(parentPort, workerData as StoreWorkerData);
