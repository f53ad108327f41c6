// How every command runs: prints the contract lines, turns VcrError into a one-line message, and closes on signals.
import { isVcrError } from '../common/errors.js';
import { printable } from './terminal-text.js';

/** A started long-running command: its servers' URLs and how to stop everything it started. */
export interface Running {
  /** one per server, printed as `listening on URL` */
  urls: string[];
  /** closes in the reverse order of start, flushing the store; idempotent */
  close(): Promise<void>;
  /** resolves when the command is finished on its own (e.g. `demo --once`); never resolves for plain servers */
  done?: Promise<void>;
}

/** What a server command has started so far, to be closed in the reverse order. */
export interface CloseStack {
  /** adds the close of something that just started */
  push(close: () => Promise<void> | void): void;
  /** closes everything pushed, last first; idempotent */
  close(): Promise<void>;
}

/**
 * Runs the start of a server command that starts several things in turn: `start` pushes each one's close as
 * soon as it is up. If `start` fails, what did start is closed (last first) and the error rethrown.
 */
export const startInTurn = async <T>(start: (stack: CloseStack) => Promise<T>): Promise<T> => {
  const closers: Array<() => Promise<void> | void> = [];
  let closing: Promise<void> | null = null;
  const stack: CloseStack = {
    push: (close) => {
      closers.push(close);
    },
    close: () => {
      closing ??= (async () => {
        for (const close of [...closers].reverse()) await close();
      })();
      return closing;
    },
  };
  try {
    return await start(stack);
  } catch (err) {
    await stack.close();
    throw err;
  }
};

/** Prints a VcrError the way users see it, or a stack for anything else (a bug), and sets the exit code. */
export const reportError = (err: unknown): void => {
  if (isVcrError(err)) {
    // Messages quote what users and files gave (paths, a parser's view of a file's first bytes): inert text only.
    process.stderr.write(`gws-vcr: ${printable(err.message)}\n`);
    if (err.hint) process.stderr.write(`  ${printable(err.hint)}\n`);
  } else {
    process.stderr.write(
      `gws-vcr: unexpected error (a bug; please report it)\n${(err as Error)?.stack ?? String(err)}\n`,
    );
  }
  process.exitCode = 1;
};

/** Runs a short command (a report, an export): errors become exit 1. */
export const runTask = async (task: () => Promise<void> | void): Promise<void> => {
  try {
    await task();
  } catch (err) {
    reportError(err);
  }
};

/**
 * Runs a long task (an import, an export) that SIGINT or SIGTERM may interrupt: the task gets an AbortSignal
 * that they abort. An error after the abort is the interruption: `gws-vcr: <interrupted>` on stderr and exit
 * code 130, as a shell reports an interrupted command. Any other error becomes exit 1 as in `runTask`.
 */
export const runInterruptible = (
  task: (signal: AbortSignal) => Promise<void>,
  interrupted: string,
): Promise<void> =>
  runTask(async () => {
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      await task(controller.signal);
    } catch (err) {
      if (!controller.signal.aborted) throw err;
      process.stderr.write(`gws-vcr: ${interrupted}\n`);
      process.exitCode = 130;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });

/**
 * Runs a server command: starts it, prints `listening on URL` per server, and on SIGINT/SIGTERM
 * closes it and exits 0. A second signal while closing exits at once.
 */
export const runServer = async (start: () => Promise<Running>): Promise<void> => {
  let running: Running;
  try {
    running = await start();
  } catch (err) {
    reportError(err);
    return;
  }
  let closing: Promise<void> | null = null;
  const stop = (exitCode: number): Promise<void> => {
    if (!closing) {
      closing = running.close().then(
        () => process.exit(exitCode),
        (err: unknown) => {
          reportError(err);
          process.exit(1);
        },
      );
    }
    return closing;
  };
  const onSignal = (): void => {
    if (closing) process.exit(0);
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // only now: a signal sent as soon as the line is read must find the handlers in place
  for (const url of running.urls) process.stdout.write(`listening on ${url}\n`);
  if (running.done) {
    await running.done;
    await stop(process.exitCode === undefined ? 0 : Number(process.exitCode));
  }
};
