// A recorder killed with SIGKILL leaves a file that opens and holds every row flushed before the kill.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { tempDbPath } from '../helpers/store-rows.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('durability', () => {
  it('keeps everything flushed before a kill -9, in a file that opens read-only and read-write', async () => {
    const path = tempDbPath();
    const child = spawn(process.execPath, ['bin/run-ts.js', 'test/helpers/store-writer-child.ts', path], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const exited = once(child, 'exit');
    let flushedId = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /^flushed (\d+)$/.exec(line);
      if (match) flushedId = Number(match[1]);
      if (flushedId >= 5000) {
        child.kill('SIGKILL');
        break;
      }
    }
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });

    // First as `analyze` would, read-only, straight after the crash; then as a new recorder would.
    for (const readonly of [true, false]) {
      const store = openStore(path, { readonly });
      try {
        const [session] = store.listSessions();
        expect(session).toMatchObject({ name: 'killed', endedAt: null });
        const sessionId = session?.id ?? 0;
        const count = store.countMessages(sessionId);
        expect(count).toBeGreaterThanOrEqual(flushedId);
        // whole batches only: the ids on disk are 1..count with no hole, each message intact
        const ids = [...store.iterateMessages(sessionId)].map((m) => m.id);
        expect(ids).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        expect(store.messages(sessionId, { offset: flushedId - 1, limit: 1 })[0]?.message).toMatchObject({
          i: 49,
        });
        expect(store.countExchanges(sessionId)).toBeGreaterThanOrEqual(flushedId / 50);
      } finally {
        store.close();
      }
    }
  });
});
