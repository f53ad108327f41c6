// Bench target: the recorder (library API, as `gws-vcr record` runs it) with its writer placed by the caller:
// `recorder.ts UPSTREAM_URL DB_PATH inline|worker`. The CLI picks the place by CPU count; the bench compares both.
import { startRecorder } from '../../src/proxy/index.js';

const [upstream, dbPath, writer] = process.argv.slice(2);
if (!upstream || !dbPath || (writer !== 'inline' && writer !== 'worker')) {
  throw new Error('usage: recorder.ts UPSTREAM_URL DB_PATH inline|worker');
}
const recorder = await startRecorder({
  upstream,
  dbPath,
  port: 0,
  name: `bench ${writer}`,
  isWriterOffThread: writer === 'worker',
});
process.stdout.write(`listening on ${recorder.url}\n`);
process.on('SIGTERM', () => {
  void recorder.close().then(() => process.exit(0));
});
