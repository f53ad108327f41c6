import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { TRANSFER_CALLS, writeTransferSession } from '../helpers/replay-rows.js';
import { tempDbPath } from '../helpers/store-rows.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gws-vcr.js');

const recording = (): string => {
  const path = tempDbPath();
  const store = openStore(path);
  writeTransferSession(store);
  store.close();
  return path;
};

const run = (args: string[]) => {
  const child = spawn(process.execPath, [BIN, 'replay', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
};

describe('gws-vcr replay', () => {
  it('prints "listening on http://HOST:PORT", answers as recorded, and exits 0 on SIGTERM', async () => {
    const { child } = run(['--db', recording(), '--session', 'latest', '--port', '0', '--lenient']);
    const [first] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.replace('listening on ', '');
    const answer = await fetch(`${url}/api/v2/me/calls/${TRANSFER_CALLS.A}`, {
      method: 'POST',
      body: JSON.stringify({ operationName: 'Answer' }),
    });
    expect(await answer.json()).toEqual({ statusCode: 0 });
    const unknown = await fetch(`${url}/api/v2/nothing-recorded`);
    expect(unknown.status).toBe(200);
    const status = (await (await fetch(`${url}/__vcr/status`)).json()) as {
      mode: string;
      unmatched: unknown[];
    };
    expect(status).toMatchObject({
      mode: 'lenient',
      unmatched: [{ request: 'GET /api/v2/nothing-recorded' }],
    });
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(((await exited) as [number | null])[0]).toBe(0);
  });

  it('refuses a session that is not there with a message and exit 1', async () => {
    const { child, stderr } = run(['--db', recording(), '--session', '42', '--port', '0']);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr()).toMatch(/no session "42" in .*; it holds sessions 1/);
  });

  it('refuses --strict with --lenient', async () => {
    const { child, stderr } = run(['--db', recording(), '--strict', '--lenient', '--port', '0']);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(stderr()).toContain('--strict and --lenient were both given');
  });
});
