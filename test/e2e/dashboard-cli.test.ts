// `gws-vcr dashboard` and `gws-vcr record --dashboard` as users run them: spawned, read from stdout, stopped by signal.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WITHOUT_DASHBOARD_TOKEN as NO_TOKEN, nextListening, spawnCli } from '../helpers/cli.js';
import { seedStore } from '../helpers/dashboard-fixtures.js';
import { startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/store-rows.js';

const seedDb = (): string => seedStore().path;

describe('gws-vcr dashboard (the command)', () => {
  it('serves the recording, prints where it listens, and exits 0 on SIGTERM', async () => {
    const cli = spawnCli(['dashboard', '--db', seedDb(), '--port', '0'], NO_TOKEN);
    const url = await nextListening(cli);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sessions = await (await fetch(`${url}/api/sessions`)).json();
    expect(sessions.items.map((s: { name: string }) => s.name)).toEqual(['seed']);
    const page = await fetch(`${url}/session.html`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await cli.stop()).toBe(0);
  });

  it('refuses a non-loopback --host without --token: exit 1 and a message saying what to do', async () => {
    const cli = spawnCli(['dashboard', '--db', seedDb(), '--host', '0.0.0.0', '--port', '0'], NO_TOKEN);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toContain('refusing to serve the dashboard on 0.0.0.0 without a token');
    expect(cli.stderr()).toContain('--token');
  });

  it('serves a non-loopback host with --token, and only to requests carrying it', async () => {
    const cli = spawnCli(
      ['dashboard', '--db', seedDb(), '--host', '0.0.0.0', '--port', '0', '--token', 'tok3n'],
      NO_TOKEN,
    );
    const url = await nextListening(cli, '0.0.0.0');
    const port = new URL(url).port;
    expect(url).toBe(`http://0.0.0.0:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/api/sessions`)).status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/api/sessions`, {
      headers: { authorization: 'Bearer tok3n' },
    });
    expect(ok.status).toBe(200);
    expect(await cli.stop()).toBe(0);
  });

  it('says what is wrong with a database that does not exist', async () => {
    const cli = spawnCli(['dashboard', '--db', join(tempDir(), 'missing.sqlite'), '--port', '0'], NO_TOKEN);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/^gws-vcr: /);
    expect(cli.stderr()).toContain('missing.sqlite');
  });
});

describe('gws-vcr record --dashboard', () => {
  it('serves the dashboard beside the proxy, showing the session being recorded as live', async () => {
    const sim = await startTestSimulator();
    const db = join(tempDir(), 'live.sqlite');
    const cli = spawnCli(
      ['record', '--upstream', sim.url, '--port', '0', '--db', db, '--dashboard', '0'],
      NO_TOKEN,
    );
    const proxyUrl = await nextListening(cli);
    const dashboardUrl = await nextListening(cli);
    expect(dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dashboardUrl).not.toBe(proxyUrl);

    const sessions = await (await fetch(`${dashboardUrl}/api/sessions`)).json();
    expect(sessions.items).toHaveLength(1);
    expect(sessions.items[0]).toMatchObject({ isLive: true, endedAt: null });
    const events = await fetch(`${dashboardUrl}/api/sessions/${sessions.items[0].id}/events`);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = events.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: hello');
    await reader?.cancel();

    expect(await cli.stop()).toBe(0);
  });
});
