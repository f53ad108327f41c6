import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, WITHOUT_DASHBOARD_TOKEN } from '../helpers/cli.js';
import { tempDir } from '../helpers/store-rows.js';

describe('gws-vcr demo --once', () => {
  it('records every scenario and exits without a dashboard, so a dashboard port in use is no matter', async () => {
    // the dashboard port it would have used, held by another process's server
    const holder = createServer().listen(0, '127.0.0.1');
    await once(holder, 'listening');
    onTestFinished(() => {
      holder.close();
    });
    const port = (holder.address() as { port: number }).port;
    const db = join(tempDir(), 'demo.sqlite');

    const { code, stdout, stderr } = await runCli(
      ['demo', '--once', '--port', String(port), '--think-ms', '0', '--db', db],
      WITHOUT_DASHBOARD_TOKEN,
    );

    expect(code, stderr).toBe(0);
    // the simulator and the recorder, no dashboard
    expect(stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+$/),
      expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+$/),
    ]);
    expect(stderr).not.toContain('dashboard: http');
    expect(stderr).toContain(
      `all scenarios recorded. Run \`gws-vcr dashboard --db ${db}\` or \`gws-vcr analyze --db ${db}\`.`,
    );
    const store = openStore(db, { readonly: true });
    try {
      const [session] = store.listSessions();
      expect(session).toMatchObject({ name: 'demo', endedAt: expect.any(String) });
      expect(session?.exchanges).toBeGreaterThan(20);
    } finally {
      store.close();
    }
  });
});
