// `gws-vcr import` as users run it: the real bin on a HAR shaped as Chrome saves one, and on bad files.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { databaseBytes } from '../helpers/recorder.js';
import { tempDbPath, tempDir } from '../helpers/store-rows.js';

const CHROME_HAR = join(ROOT, 'test', 'fixtures', 'chrome-gws.har');

const readStore = (path: string): Store => openStore(path, { readonly: true });

describe('gws-vcr import', () => {
  it('imports a Chrome HAR as a session whose Bayeux messages are decoded, secrets redacted', async () => {
    const db = tempDbPath();
    const result = await runCli(['import', CHROME_HAR, '--db', db]);
    expect(result).toEqual({
      code: 0,
      stdout: 'imported session 1 (15 exchanges, 36 messages)\n',
      stderr: 'left out 2 entries not sent to https://gws.example.com (2 other origins, 0 not http)\n',
    });
    const store = readStore(db);
    try {
      const session = store.resolveSession('latest');
      expect(session).toMatchObject({
        name: 'chrome-gws.har',
        source: 'har-import',
        upstream: 'https://gws.example.com',
      });
      const calls = store
        .messages(session.id, { channel: '/v2/me/calls' })
        .map((m) => (m.message as { data: { call: { id: string; state: string } } }).data.call);
      expect(calls.map((c) => `${c.id.slice(-1)} ${c.state}`)).toEqual([
        '5 Ringing',
        '5 Established',
        '5 Held',
        '6 Dialing',
        '5 Released',
        '6 Released',
      ]);
      const overWebSocket = store.messages(session.id, { transport: 'websocket' });
      expect(overWebSocket.map((m) => m.channel)).toContain('/v2/me/devices');
      const me = store.exchanges(session.id, { path: '/api/v2/me' })[0];
      const secret = (name: string) => me?.requestHeaders.find(([n]) => n === name)?.[1];
      // as the recorder writes them: the scheme and the cookie's name kept
      expect([secret('authorization'), secret('cookie')]).toEqual([
        'Basic [REDACTED]',
        'JSESSIONID=[REDACTED]',
      ]);
      expect(me?.responseHeaders?.find(([n]) => n === 'x-csrf-token')?.[1]).toBe('[REDACTED]');
      expect(me?.flags).toContain('redacted');
    } finally {
      store.close();
    }
  });

  it('leaves no secret anywhere in the database: headers, bodies, Bayeux ext, passwords, --redact-json keys', async () => {
    const har = JSON.parse(readFileSync(CHROME_HAR, 'utf8')) as {
      log: { entries: Array<{ request: { url: string; postData?: { text: string } } }> };
    };
    const post = (path: string) =>
      har.log.entries.find((e) => e.request.url.endsWith(path) && e.request.postData);
    const ready = post('/api/v2/me/channels/voice');
    const connect = post('/api/v2/notifications/connect');
    if (!ready?.request.postData || !connect?.request.postData) throw new Error('fixture changed');
    ready.request.postData.text = '{"operationName":"Ready","password":"hunter2-secret","pin":"4321-9876"}';
    const [message] = JSON.parse(connect.request.postData.text) as Array<Record<string, unknown>>;
    if (!message) throw new Error('fixture changed');
    // the CSRF token the server sent, repeated in a Bayeux ext
    message.ext = { 'x-csrf-token': '4a92be65-ec55-4aa2-b9df-9518fd870f2f' };
    connect.request.postData.text = JSON.stringify([message]);
    const file = join(tempDir(), 'with-secrets.har');
    writeFileSync(file, JSON.stringify(har));
    const db = tempDbPath();
    expect((await runCli(['import', file, '--db', db, '--redact-json', 'pin'])).code).toBe(0);
    const bytes = databaseBytes(db);
    for (const secret of [
      'YWdlbnQ1MDA1OnNlY3JldA==', // Basic credentials
      'node0f1cbj9o4qjyc1bmn5nhm2o2wb12', // JSESSIONID
      '4a92be65-ec55-4aa2-b9df-9518fd870f2f', // CSRF token, in headers and in the ext
      'hunter2-secret',
      '4321-9876',
    ]) {
      expect(bytes.includes(secret), secret).toBe(false);
    }
    expect(bytes).toContain('"operationName":"Ready"');
  });

  it('gives analyze a session it reports as one good two-step transfer, no proxy ever deployed', async () => {
    const db = tempDbPath();
    expect((await runCli(['import', CHROME_HAR, '--db', db])).code).toBe(0);
    const { code, stdout } = await runCli(['analyze', '--db', db, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { transfers: unknown[]; anomalies: unknown[]; calls: unknown[] };
    expect(report.calls).toHaveLength(2);
    expect(report.transfers).toEqual([
      expect.objectContaining({
        kind: 'two-step',
        ok: true,
        originalCallId: '011DJV5JI898NB2L04000VTAES000005',
        consultCallId: '011DJV5JI898NB2L04000VTAES000006',
        destination: '5001',
      }),
    ]);
    expect(report.anomalies).toEqual([]);
  });

  it('keeps secrets and takes a name when asked, and adds to a database that has sessions', async () => {
    const db = tempDbPath();
    await runCli(['import', CHROME_HAR, '--db', db]);
    const second = await runCli([
      'import',
      CHROME_HAR,
      '--db',
      db,
      '--name',
      'lab transfer',
      '--keep-secrets',
    ]);
    expect(second.stdout).toBe('imported session 2 (15 exchanges, 36 messages)\n');
    const store = readStore(db);
    try {
      const session = store.resolveSession('lab transfer');
      expect(session.id).toBe(2);
      const me = store.exchanges(2, { path: '/api/v2/me' })[0];
      expect(me?.requestHeaders.find(([n]) => n === 'authorization')?.[1]).toBe(
        'Basic YWdlbnQ1MDA1OnNlY3JldA==',
      );
    } finally {
      store.close();
    }
  });

  it('refuses a bad HAR with a message naming the file and what is wrong, and writes nothing', async () => {
    const dir = tempDir();
    const notJson = join(dir, 'notes.har');
    writeFileSync(notJson, 'this is not a HAR');
    const noUrl = join(dir, 'no-url.har');
    writeFileSync(
      noUrl,
      JSON.stringify({
        log: {
          version: '1.2',
          entries: [
            { startedDateTime: '2024-05-01T10:00:00.000Z', request: { method: 'GET' }, response: {} },
          ],
        },
      }),
    );
    const db = join(dir, 'rec.sqlite');
    const [a, b, c] = await Promise.all([
      runCli(['import', notJson, '--db', db]),
      runCli(['import', noUrl, '--db', db]),
      runCli(['import', join(dir, 'missing.har'), '--db', db]),
    ]);
    expect(a.code).toBe(1);
    expect(a.stdout).toBe('');
    expect(a.stderr).toMatch(
      new RegExp(
        `^gws-vcr: ${notJson}: not JSON \\(.+\\); a HAR file is a JSON document\\n  Pass a HAR 1.2 file`,
      ),
    );
    expect(b).toMatchObject({ code: 1, stdout: '' });
    expect(b.stderr.split('\n')[0]).toBe(
      `gws-vcr: ${noUrl}: entry 0: request.url: is missing, expected a string`,
    );
    expect(c).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`gws-vcr: cannot read ${join(dir, 'missing.har')} (ENOENT`),
    });
    expect(existsSync(db)).toBe(false);
  });

  it('prints what a hostile file holds only as inert text: no terminal escapes, no extra lines', async () => {
    const dir = tempDir();
    // JSON.parse quotes the start of what it could not read, and its message ends up in ours
    const hostile = join(dir, 'hostile.har');
    writeFileSync(hostile, '\u001b]0;owned\u0007\u001b[2J\nrm -rf ~\u202e');
    const { code, stderr } = await runCli(['import', hostile, '--db', join(dir, 'rec.sqlite')]);
    expect(code).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
    expect(stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202a-\u202e]/);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^gws-vcr: ${hostile}: not JSON \\(.+\\); a HAR file is a JSON document$`),
    );
    expect(lines[1]).toMatch(/^ {2}Pass a HAR 1\.2 file/);
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await runCli(['import', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: gws-vcr import [options] <file>');
    expect(stdout).toMatch(/--db <file> +recording database to add the session to/);
    expect(stdout).toContain('--name <label>');
    expect(stdout).toContain('--notifications-path <path>');
    expect(stdout).toContain('imported session N (X exchanges, Y messages)');
  });
});
