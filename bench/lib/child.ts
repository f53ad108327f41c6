// Runs a server in its own process (so the load generator does not share its event loop) and stops it cleanly.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ChildServer {
  url: string;
  pid: number;
  /** everything the child wrote to stderr so far */
  stderr(): string;
  /** SIGTERM, then resolves with the exit code once the child is gone */
  stop(): Promise<number | null>;
}

/** Starts `node bin/<bin> ...args` and resolves with the URL of its `listening on` line. */
export const startChild = async (bin: 'gws-vcr.js' | 'run-ts.js', args: string[]): Promise<ChildServer> => {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', bin), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${args.join(' ')} exited (${String(code)}) before listening:\n${stderr}`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  exited.catch(() => {});
  const match = /^listening on (\S+)$/.exec(line);
  if (!match?.[1]) throw new Error(`unexpected first line from ${args.join(' ')}: ${line}`);
  return serverOf(child, match[1], () => stderr);
};

/** The `ChildServer` of a spawned process that listens on `url`; `stop` sends SIGTERM once and awaits the exit. */
export const serverOf = (child: ChildProcess, url: string, stderr: () => string): ChildServer => ({
  url,
  pid: child.pid ?? -1,
  stderr,
  stop: async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const done = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await done) as [number | null];
    return code;
  },
});

/** A bench server module run through tsx: `bench/servers/NAME.ts ARGS`. */
export const startBenchServer = (name: string, args: string[] = []): Promise<ChildServer> =>
  startChild('run-ts.js', [join('bench', 'servers', `${name}.ts`), ...args]);
