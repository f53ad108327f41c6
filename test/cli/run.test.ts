// runInterruptible: the way import and export turn SIGINT/SIGTERM into "interrupted" and exit 130; startInTurn:
// how the server commands close what they started, on a failed start too.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runInterruptible, startInTurn } from '../../src/cli/run.js';
import { VcrError } from '../../src/common/errors.js';

/** Captures what is written to stderr while `run` runs. */
const stderrOf = async (run: () => Promise<void>): Promise<string> => {
  let text = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return text;
};

/** A task that runs until its signal aborts, then fails as an aborted stream does. */
const untilAborted = (started: () => void) => (signal: AbortSignal) =>
  new Promise<void>((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    started();
  });

describe('runInterruptible', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'aborts the task on %s, says it was interrupted and exits 130',
    async (signal) => {
      const before = process.listenerCount(signal);
      const stderr = await stderrOf(() =>
        runInterruptible(
          untilAborted(() => process.emit(signal)),
          'export interrupted; x.har was not written',
        ),
      );
      expect(stderr).toBe('gws-vcr: export interrupted; x.har was not written\n');
      expect(process.exitCode).toBe(130);
      expect(process.listenerCount(signal)).toBe(before);
    },
  );

  it('reports a failure that no signal caused as any task does: the message and exit 1', async () => {
    const stderr = await stderrOf(() =>
      runInterruptible(async () => {
        throw new VcrError('VCR_STORE_NOT_VCR_DB', 'x.sqlite is not a gws-vcr database');
      }, 'never printed'),
    );
    expect(stderr).toBe('gws-vcr: x.sqlite is not a gws-vcr database\n');
    expect(process.exitCode).toBe(1);
  });

  it('leaves the exit code alone and its signal handlers removed when the task ends well', async () => {
    const before = process.listenerCount('SIGINT');
    const stderr = await stderrOf(() => runInterruptible(async () => {}, 'never printed'));
    expect(stderr).toBe('');
    expect(process.exitCode).toBeUndefined();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});

describe('startInTurn', () => {
  it('closes what started, last first, once however often close is called', async () => {
    const closed: string[] = [];
    const running = await startInTurn(async (stack) => {
      stack.push(() => {
        closed.push('store');
      });
      stack.push(async () => {
        closed.push('recorder');
      });
      return { close: stack.close };
    });
    expect(closed).toEqual([]);
    await Promise.all([running.close(), running.close()]);
    await running.close();
    expect(closed).toEqual(['recorder', 'store']);
  });

  it('closes what did start when a later start fails, and rethrows that failure', async () => {
    const closed: string[] = [];
    const failure = new VcrError('VCR_LISTEN_FAILED', 'cannot listen on 127.0.0.1:3000');
    await expect(
      startInTurn(async (stack) => {
        stack.push(() => {
          closed.push('store');
        });
        stack.push(() => {
          closed.push('recorder');
        });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(closed).toEqual(['recorder', 'store']);
  });
});
