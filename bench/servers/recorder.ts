// Bench target: the recorder (library API, as `gws-vcr record` runs it) with its writer placed by the caller:
// `recorder.ts UPSTREAM_URL DB_PATH inline|worker|worker-by-message [BATCH_WINDOW_MS]`. `worker-by-message`
// hands every batch to the worker by message, as before batches went through shared memory.
import { startRecorder } from '../../src/proxy/index.js';

const WRITERS = ['inline', 'worker', 'worker-by-message'] as const;
const [upstream, dbPath, writer, windowMs] = process.argv.slice(2);
const isWriter = (w: string | undefined): w is (typeof WRITERS)[number] =>
  (WRITERS as readonly string[]).includes(w ?? '');
if (!upstream || !dbPath || !isWriter(writer) || (windowMs !== undefined && !(Number(windowMs) > 0))) {
  throw new Error(`usage: recorder.ts UPSTREAM_URL DB_PATH ${WRITERS.join('|')} [BATCH_WINDOW_MS]`);
}
const recorder = await startRecorder({
  upstream,
  dbPath,
  port: 0,
  name: `bench ${writer}`,
  isWriterOffThread: writer !== 'inline',
  ...(writer === 'worker-by-message' ? { sharedBatches: { slotBytes: 0 } } : {}),
  ...(windowMs === undefined ? {} : { batchWindowMs: Number(windowMs) }),
});
process.stdout.write(`listening on ${recorder.url}\n`);
process.on('SIGTERM', () => {
  void recorder.close().then(() => process.exit(0));
});
