// `gws-vcr sessions` as users run it: the real bin in a child process against real recording files.
import { existsSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatSessionsTable } from '../../src/cli/sessions.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { makeExchange, makeFrame, makeMessage, makeSession, tempDbPath } from '../helpers/store-rows.js';

/** Two sessions: one ended with REST, a long-poll, a WebSocket and messages both ways; one still open and empty. */
const recordTwoSessions = async (path: string): Promise<void> => {
  const store = openStore(path);
  const started = Date.UTC(2024, 4, 1, 10, 0, 0, 0);
  const first = store.createSession(makeSession({ name: 'transfer', originWallMs: started }));
  const w = store.createWriter(first.id);
  w.addExchange(makeExchange({ id: w.nextExchangeId(), kind: 'http' }));
  const poll = w.nextExchangeId();
  w.addMessage(makeMessage({ id: w.nextMessageId(), exchangeId: poll, direction: 'to-server' }));
  w.addMessage(makeMessage({ id: w.nextMessageId(), exchangeId: poll, direction: 'to-client' }));
  w.addExchange(makeExchange({ id: poll, kind: 'bayeux', method: 'POST' }));
  const socket = w.nextExchangeId();
  w.addFrame(makeFrame({ id: w.nextFrameId(), exchangeId: socket }));
  w.addMessage(makeMessage({ id: w.nextMessageId(), exchangeId: socket, transport: 'websocket' }));
  w.addExchange(makeExchange({ id: socket, kind: 'websocket', status: 101 }));
  await w.close();
  store.endSession(first.id, started + 65_000);
  store.createSession(
    makeSession({ name: null, upstream: 'https://gws.example.com', originWallMs: started + 3_600_000 }),
  );
  store.close();
};

describe('gws-vcr sessions', () => {
  it('--json prints exactly a JSON array of the sessions with their counts', async () => {
    const db = tempDbPath();
    await recordTwoSessions(db);
    const { code, stdout, stderr } = await runCli(['sessions', '--db', db, '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const sessions = JSON.parse(stdout) as unknown[];
    expect(sessions).toEqual([
      expect.objectContaining({
        id: 1,
        name: 'transfer',
        upstream: 'http://127.0.0.1:8080',
        startedAt: '2024-05-01T10:00:00.000Z',
        endedAt: '2024-05-01T10:01:05.000Z',
        exchanges: 3,
        messages: 3,
        frames: 1,
        durationMs: 65_000,
      }),
      expect.objectContaining({
        id: 2,
        name: null,
        upstream: 'https://gws.example.com',
        startedAt: '2024-05-01T11:00:00.000Z',
        endedAt: null,
        exchanges: 0,
        messages: 0,
        durationMs: null,
      }),
    ]);
  });

  it('prints a table for people, and says how to record when there is nothing yet', async () => {
    const db = tempDbPath();
    await recordTwoSessions(db);
    const table = await runCli(['sessions', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')).toEqual([
      'ID  NAME      STARTED (UTC)        DURATION  EXCHANGES  MESSAGES  UPSTREAM',
      ' 1  transfer  2024-05-01 10:00:00  1m 05s            3         3  http://127.0.0.1:8080',
      ' 2  -         2024-05-01 11:00:00  -                 0         0  https://gws.example.com',
      '',
    ]);

    const empty = tempDbPath('empty.sqlite');
    openStore(empty).close();
    const [text, json] = await Promise.all([
      runCli(['sessions', '--db', empty]),
      runCli(['sessions', '--db', empty, '--json']),
    ]);
    expect(text).toMatchObject({ code: 0, stdout: expect.stringContaining(`No sessions in ${empty} yet`) });
    expect(text.stdout).toContain(`gws-vcr record --upstream http://GWS-HOST:PORT --db ${empty}`);
    expect(json).toMatchObject({ code: 0, stdout: '[]\n' });
  });

  it('exits 1 with a message for a missing, foreign or corrupt file, creating nothing', async () => {
    const missing = tempDbPath('missing.sqlite');
    const foreign = tempDbPath('foreign.sqlite');
    const foreignDb = new BetterSqlite3(foreign);
    foreignDb.exec('CREATE TABLE songs (title TEXT)');
    foreignDb.close();
    const corrupt = tempDbPath('corrupt.sqlite');
    writeFileSync(corrupt, 'x'.repeat(4096));
    const [a, b, c] = await Promise.all([
      runCli(['sessions', '--db', missing, '--json']),
      runCli(['sessions', '--db', foreign]),
      runCli(['sessions', '--db', corrupt]),
    ]);
    expect(a).toEqual({
      code: 1,
      stdout: '',
      stderr: `gws-vcr: ${missing} does not exist\n  Record a session with \`gws-vcr record --upstream URL --db ${missing}\`, or pass --db a file written by it.\n`,
    });
    expect(b).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `gws-vcr: ${foreign} is not a gws-vcr database (no table gws_vcr_meta; it holds songs); pass --db a file written by \`gws-vcr record\`\n`,
    });
    expect(existsSync(missing)).toBe(false);
    expect(c).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`gws-vcr: ${corrupt} is not a readable SQLite database`),
    });
  });

  it('explains itself with --help', async () => {
    const { code, stdout } = await runCli(['sessions', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: gws-vcr sessions [options]');
    expect(stdout).toMatch(
      /--db <file> +recording database to read \(default: "recordings\/gws-vcr.sqlite"\)/,
    );
    expect(stdout).toContain('--json');
  });
});

describe('sessions table', () => {
  it('keeps terminal control characters in recorded names out of the output', () => {
    const table = formatSessionsTable([
      {
        ...makeSession({ name: 'evil\u001b[2Jname', upstream: 'http://x\u0007' }),
        id: 1,
        startedAt: '2024-01-01T00:00:00.000Z',
        endedAt: null,
        exchanges: 0,
        messages: 0,
        frames: 0,
        lastAtMs: 1500,
      },
    ]);
    const controls = [...table].filter(
      (c) => c !== '\n' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
    );
    expect(controls).toEqual([]);
    expect(table).toContain('evil?[2Jname');
    expect(table).toContain('1.5s (not ended)');
  });

  it('formats durations from milliseconds to hours', () => {
    expect([850, 12_345, 245_000, 7_380_000].map(formatDuration)).toEqual([
      '850ms',
      '12.3s',
      '4m 05s',
      '2h 03m',
    ]);
  });
});
