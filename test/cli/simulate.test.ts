import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it, onTestFinished } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gws-vcr.js');

describe('gws-vcr simulate', () => {
  it('prints "listening on http://127.0.0.1:PORT", serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--port', '0', '--latency', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, 'line')) as [string];
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.replace('listening on ', '');
    const ring = await fetch(`${url}/sim/calls`, {
      method: 'POST',
      body: JSON.stringify({ to: '5005', from: '5000' }),
    });
    const { id } = (await ring.json()) as { id: string };
    const calls = (await (await fetch(`${url}/api/v2/me/calls`)).json()) as { uris: string[] };
    expect(calls.uris).toEqual([`${url}/api/v2/me/calls/${id}`]);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad --port with a message and exit 1', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--port', 'eighty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/"eighty" is not a port/);
  });
});
