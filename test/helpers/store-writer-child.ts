// Child process for the kill -9 durability test: records rows without end, printing `flushed N` after each flush.
// Usage: node bin/run-ts.js test/helpers/store-writer-child.ts DB_PATH
import { openStore } from '../../src/store/index.js';
import { makeExchange, makeMessage, makeSession } from './store-rows.js';

const path = process.argv[2];
if (!path) throw new Error('usage: store-writer-child.ts DB_PATH');
const store = openStore(path);
const session = store.createSession(makeSession({ name: 'killed' }));
const writer = store.createWriter(session.id, { batchWindowMs: 5 });
process.stdout.write(`session ${session.id}\n`);

let round = 0;
const writeRound = async (): Promise<void> => {
  round += 1;
  const exchangeId = writer.nextExchangeId();
  let last = 0;
  for (let i = 0; i < 50; i++) {
    last = writer.nextMessageId();
    writer.addMessage(
      makeMessage({ id: last, exchangeId, atMs: last, message: { round, i, pad: 'x'.repeat(200) } }),
    );
  }
  writer.addExchange(makeExchange({ id: exchangeId, startMs: last }));
  // Every other round waits for the timer instead of flushing, so both paths are on disk when the kill lands.
  if (round % 2 === 0) {
    await writer.flush();
    process.stdout.write(`flushed ${last}\n`);
  }
  setImmediate(() => void writeRound());
};
void writeRound();
