import { describe, expect, it } from 'vitest';
import { runCli, spawnCliServer } from '../helpers/cli.js';

describe('gws-vcr simulate', () => {
  it('prints "listening on http://127.0.0.1:PORT", serves, and exits 0 on SIGTERM', async () => {
    const sim = await spawnCliServer(['simulate', '--port', '0', '--latency', '0']);
    const url = sim.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ring = await fetch(`${url}/sim/calls`, {
      method: 'POST',
      body: JSON.stringify({ to: '5005', from: '5000' }),
    });
    const { id } = (await ring.json()) as { id: string };
    const calls = (await (await fetch(`${url}/api/v2/me/calls`)).json()) as { uris: string[] };
    expect(calls.uris).toEqual([`${url}/api/v2/me/calls/${id}`]);
    expect(await sim.stop()).toBe(0);
  });

  it('refuses a bad --port with a message and exit 1', async () => {
    const { code, stderr } = await runCli(['simulate', '--port', 'eighty']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/"eighty" is not a port/);
    expect(stderr).toContain('(run with --help for usage)');
  });
});
