// The CLI contract for every server command: exit 0 on SIGINT and on SIGTERM, after flushing what it recorded.
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../src/store/index.js';
import {
  type CliProcess,
  WITHOUT_DASHBOARD_TOKEN as NO_TOKEN,
  nextListening,
  spawnCli,
} from '../helpers/cli.js';
import { seedStore } from '../helpers/dashboard-fixtures.js';
import { send, startHttpUpstream } from '../helpers/recorder.js';
import { tempDir } from '../helpers/store-rows.js';

type Signal = 'SIGINT' | 'SIGTERM';

interface Started {
  cli: CliProcess;
  /** checks what the command must have flushed once it exited; nothing for commands that record nothing */
  afterExit?: () => void;
}

/** Every `listening on` line the command prints, in order. */
const listening = async (cli: CliProcess, servers: number): Promise<string[]> => {
  const urls: string[] = [];
  for (let i = 0; i < servers; i++) urls.push(await nextListening(cli));
  return urls;
};

const recordedDb = (): string => seedStore().path;

/** The session `db` holds must be ended and hold at least `exchanges` exchanges. */
const expectFlushedSession = (db: string, exchanges: number): void => {
  const store = openStore(db, { readonly: true });
  onTestFinished(() => store.close());
  const [session] = store.listSessions();
  expect(session?.endedAt).toEqual(expect.any(String));
  expect(session?.exchanges).toBeGreaterThanOrEqual(exchanges);
};

const COMMANDS: Record<string, () => Promise<Started>> = {
  simulate: async () => {
    const cli = spawnCli(['simulate', '--port', '0']);
    const [url] = await listening(cli, 1);
    expect((await send(`${url}/api/v2/me`)).status).toBe(200);
    return { cli };
  },
  record: async () => {
    // a held long-poll still open when the signal comes: the recorder must end it, record it and flush
    const upstream = await startHttpUpstream((req, res) => {
      if (req.url?.startsWith('/api/v2/notifications')) return void req.resume();
      res.end('{"statusCode":0}');
    });
    const db = join(tempDir(), 'record.sqlite');
    const cli = spawnCli(['record', '--upstream', upstream.url, '--port', '0', '--db', db]);
    const [url] = await listening(cli, 1);
    expect((await send(`${url}/api/v2/me`)).status).toBe(200);
    const held = send(`${url}/api/v2/notifications/connect`, {
      method: 'POST',
      body: '[{"channel":"/meta/connect","clientId":"c1"}]',
    });
    held.catch(() => {});
    await once(upstream.server, 'request');
    return {
      cli,
      afterExit: () => {
        expectFlushedSession(db, 2);
        const store = openStore(db, { readonly: true });
        onTestFinished(() => store.close());
        expect(store.messages(1).map((m) => [m.direction, m.channel, m.clientId])).toEqual([
          ['to-server', '/meta/connect', 'c1'],
        ]);
      },
    };
  },
  replay: async () => {
    const cli = spawnCli(['replay', '--db', recordedDb(), '--port', '0']);
    const [url] = await listening(cli, 1);
    expect((await send(`${url}/__vcr/status`)).status).toBe(200);
    return { cli };
  },
  dashboard: async () => {
    const cli = spawnCli(['dashboard', '--db', recordedDb(), '--port', '0'], NO_TOKEN);
    const [url] = await listening(cli, 1);
    expect((await send(`${url}/api/sessions`)).status).toBe(200);
    return { cli };
  },
  demo: async () => {
    // stopped mid-play, once the first scenario is through: what was recorded so far must be flushed
    const db = join(tempDir(), 'demo.sqlite');
    const cli = spawnCli(['demo', '--port', '0', '--db', db, '--think-ms', '0'], NO_TOKEN);
    await listening(cli, 3);
    await new Promise<void>((resolve) => {
      const onData = (): void => {
        if (!/two-step-transfer done/.test(cli.stderr())) return;
        cli.child.stderr?.off('data', onData);
        resolve();
      };
      cli.child.stderr?.on('data', onData);
      onData();
    });
    return { cli, afterExit: () => expectFlushedSession(db, 5) };
  },
};

// SIGINT (Ctrl-C) for every command; SIGTERM for the demo, the one server no other test stops with it.
const CASES: Array<[string, Signal]> = [
  ...Object.keys(COMMANDS).map((command): [string, Signal] => [command, 'SIGINT']),
  ['demo', 'SIGTERM'],
];

describe('every server command stopped by a signal', () => {
  it.each(CASES)('gws-vcr %s exits 0 on %s after flushing', async (command, signal) => {
    const { cli, afterExit } = await (COMMANDS[command] as () => Promise<Started>)();
    expect(await cli.stop(signal), cli.stderr()).toBe(0);
    expect(cli.stderr()).not.toMatch(/unexpected error|Unhandled|TypeError|ReferenceError/);
    afterExit?.();
  });
});
