// Runs the `gws-vcr` bin as a child process for tests: waits for its `listening on` line, stops it with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { onTestFinished } from 'vitest';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gws-vcr.js');

export interface CliServer {
  child: ChildProcess;
  /** the URL of its first `listening on URL` line */
  url: string;
  /** everything written to stderr so far */
  stderr(): string;
  /** SIGTERM, then the exit code once the process is gone */
  stop(): Promise<number | null>;
}

/** Spawns `gws-vcr ARGS` and resolves once it printed where it listens; killed when the test ends if still running. */
export const spawnCliServer = async (args: string[]): Promise<CliServer> => {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`gws-vcr ${args.join(' ')} exited (${String(code)}) before listening:\n${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  exited.catch(() => {});
  const match = /^listening on (http:\/\/\S+)$/.exec(line);
  if (!match?.[1]) throw new Error(`gws-vcr ${args[0]} printed "${line}" instead of "listening on URL"`);
  return {
    child,
    url: match[1],
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      return ((await done) as [number | null])[0];
    },
  };
};
