// runInterruptible: the way import and export turn SIGINT/SIGTERM into "interrupted" and exit 130.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runInterruptible } from '../../src/cli/run.js';
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
