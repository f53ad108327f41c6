import { describe, expect, it, vi } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, spawnCliServer } from '../helpers/cli.js';
import { TRANSFER_CALLS, writeTransferSession } from '../helpers/replay-rows.js';
import { tempDbPath } from '../helpers/store-rows.js';

const recording = (name = 'test'): string => {
  const path = tempDbPath();
  const store = openStore(path);
  writeTransferSession(store, { name });
  store.close();
  return path;
};

describe('gws-vcr replay', () => {
  it('prints "listening on http://HOST:PORT", answers as recorded, and exits 0 on SIGTERM', async () => {
    const replay = await spawnCliServer([
      'replay',
      '--db',
      recording(),
      '--session',
      'latest',
      '--port',
      '0',
      '--lenient',
    ]);
    const url = replay.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
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
    expect(await replay.stop()).toBe(0);
  });

  it('names the session it replays on stderr without letting the recorded name drive the terminal', async () => {
    const replay = await spawnCliServer([
      'replay',
      '--db',
      recording('exe.\u202egnp\u001b[2J'),
      '--port',
      '0',
    ]);
    await vi.waitFor(() => expect(replay.stderr()).toContain('replaying session 1'));
    expect(replay.stderr()).toContain('replaying session 1 (exe.?gnp?[2J): 4 requests');
    expect(await replay.stop()).toBe(0);
  });

  it('refuses a session that is not there with a message and exit 1', async () => {
    const { code, stderr } = await runCli(['replay', '--db', recording(), '--session', '42', '--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/no session "42" in .*; it holds sessions 1/);
  });

  it('refuses --strict with --lenient', async () => {
    const { code, stderr } = await runCli([
      'replay',
      '--db',
      recording(),
      '--strict',
      '--lenient',
      '--port',
      '0',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('--strict and --lenient were both given');
  });
});
