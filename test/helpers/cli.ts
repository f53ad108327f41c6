// Runs the `gws-vcr` bin as a child process for tests: to its end, or as a server read line by line from stdout.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { expect, onTestFinished } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'gws-vcr.js');

export interface CliRunOptions {
  /** the child's whole environment; defaults to the test's */
  env?: NodeJS.ProcessEnv;
}

/**
 * The test's environment without a dashboard token, which the dashboard would otherwise take from it (TOKEN_ENV
 * of src/cli/dashboard.ts, named here so this helper does not load the dashboard).
 */
export const WITHOUT_DASHBOARD_TOKEN: CliRunOptions = {
  env: { ...process.env, GWS_VCR_DASHBOARD_TOKEN: '' },
};

export interface CliResult {
  /** exit code; 0 on success */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gws-vcr ARGS` from the repository root to its end; resolves with its exit code and output, never rejects. */
export const runCli = async (args: string[], options: CliRunOptions = {}): Promise<CliResult> => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: options.env ?? process.env,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

export interface CliProcess {
  child: ChildProcess;
  /** the next stdout line not yet taken; lines that came together are queued, none is lost */
  nextLine(): Promise<string>;
  /** everything written to stderr so far */
  stderr(): string;
  /** the exit code once the process is gone (null if a signal ended it) */
  exited: Promise<number | null>;
  /** `signal` (SIGTERM unless told), then the exit code once the process is gone */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `gws-vcr ARGS`; killed when the test ends if still running. */
export const spawnCli = (args: string[], options: CliRunOptions = {}): CliProcess => {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const queued: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  return {
    child,
    nextLine: () => {
      const line = queued.shift();
      return line === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(line);
    },
    stderr: () => stderr,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
};

/**
 * The URL of the next stdout line, which must read `listening on http://HOST:PORT` (the CLI contract) with
 * the `host` given; fails with the process's stderr if it exits first.
 */
export const nextListening = async (cli: CliProcess, host = '127.0.0.1'): Promise<string> => {
  const line = await Promise.race([
    cli.nextLine(),
    cli.exited.then((code): string => {
      throw new Error(`gws-vcr exited (${String(code)}) before listening:\n${cli.stderr()}`);
    }),
  ]);
  expect(line).toMatch(new RegExp(`^listening on http://${host.replaceAll('.', '\\.')}:\\d+$`));
  return line.slice('listening on '.length);
};

export interface CliServer extends CliProcess {
  /** the URL of its first `listening on URL` line */
  url: string;
}

/** Spawns `gws-vcr ARGS` and resolves once it printed that it listens on 127.0.0.1. */
export const spawnCliServer = async (args: string[], options: CliRunOptions = {}): Promise<CliServer> => {
  const cli = spawnCli(args, options);
  return { ...cli, url: await nextListening(cli) };
};
