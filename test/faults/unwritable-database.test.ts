// Fault: the database stops taking writes mid-session (disk full, locked by another process); traffic goes on, the failure is counted and reported once.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { type ClientTransport, connectClient, type TestClient } from '../helpers/cometd-client.js';
import { recordingLogger } from '../helpers/logger.js';
import { send, startHttpUpstream, startTestRecorder } from '../helpers/recorder.js';
import { request, ringCall, startTestSimulator } from '../helpers/simulator.js';
import { tempDir } from '../helpers/store-rows.js';

const TRANSPORTS: ClientTransport[] = ['long-polling', 'websocket'];

const stateOf = (data: unknown): string | undefined => (data as { call?: { state?: string } }).call?.state;
const noteOf = (data: unknown): unknown =>
  (data as { call?: { userData?: { note?: unknown } } }).call?.userData?.note;

/** Where the recorder writes rows: each lock test runs with both. */
const WRITER_PLACES: Array<[string, boolean]> = [
  ['on a worker thread', true],
  ['on the forwarding thread', false],
];

/**
 * Another connection holding the file's write lock, as `gws-vcr import` writing a large HAR into the same file
 * in one transaction does; `ROLLBACK` lets go. Closed when the test ends.
 */
const holdWriteLock = (dbPath: string): BetterSqlite3.Database => {
  const other = new BetterSqlite3(dbPath);
  onTestFinished(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
  });
  other.exec('BEGIN IMMEDIATE');
  return other;
};

describe('the database becoming unwritable mid-session', () => {
  it('on a full disk: clients on both transports get every notification, the loss is counted and reported once', async () => {
    // A recording file whose disk has 256 KiB left: the login fits, a large attached-data burst does not.
    const dbPath = join(tempDir(), 'filling.sqlite');
    openStore(dbPath).close();
    const logger = recordingLogger();
    const store = openStore(dbPath, { maxSizeBytes: statSync(dbPath).size + 256 * 1024, logger });
    const simulator = await startTestSimulator();
    // the recorder's default writer, on a worker thread with its own connection: opened with the store's cap
    const { recorder } = await startTestRecorder(simulator.url, { store, logger, isWriterOffThread: true });

    const clients: TestClient[] = [];
    for (const transport of TRANSPORTS) {
      const client = await connectClient({ url: `${recorder.url}/api/v2/notifications`, transport });
      onTestFinished(() => client.disconnect());
      await client.subscribe('/v2/me/calls');
      clients.push(client);
    }
    const callId = await ringCall(simulator, '5005', '5000');
    for (const client of clients) await client.next('/v2/me/calls', (m) => stateOf(m.data) === 'Ringing');
    await recorder.flush();
    expect(recorder.stats).toMatchObject({ rowsFailed: 0, lastError: null });

    // The disk fills: each notification of this call now carries 300 KB of attached data.
    const note = 'n'.repeat(300 * 1024);
    const attached = await request(`${recorder.url}/api/v2/me/calls/${callId}`, {
      body: { operationName: 'AttachUserData', userData: { note } },
    });
    expect(attached.body).toEqual({ statusCode: 0 });
    const answered = await request(`${recorder.url}/api/v2/me/calls/${callId}`, {
      body: { operationName: 'Answer' },
    });
    expect(answered.body).toEqual({ statusCode: 0 });
    for (const client of clients) {
      const changed = await client.next('/v2/me/calls', (m) => noteOf(m.data) === note);
      expect(stateOf(changed.data)).toBe('Ringing');
      await client.next('/v2/me/calls', (m) => stateOf(m.data) === 'Established');
    }
    await recorder.flush();

    expect(recorder.stats.rowsFailed).toBeGreaterThan(0);
    expect(recorder.stats.lastError).toMatch(/full/i);
    // Reported when writes start failing, not once per failed batch: smaller batches may still fit in
    // the last free pages, so failures can come in runs, each reported once.
    const errors = logger.lines.filter((l) => l.level === 'error');
    const recoveries = logger.lines.filter((l) => l.level === 'warn' && /recovered/.test(l.msg ?? ''));
    expect(errors[0]?.msg).toMatch(/store write failed; traffic continues/);
    expect(errors.length).toBeLessThanOrEqual(recoveries.length + 1);
    // What was written before the disk filled stays readable, and the recorder still closes cleanly.
    await recorder.close();
    expect(
      store
        .messages(recorder.sessionId, { channel: '/v2/me/calls' })
        .filter((m) => stateOf(m.message.data) === 'Ringing' && noteOf(m.message.data) === undefined),
    ).toHaveLength(TRANSPORTS.length);
  });

  it.each(WRITER_PLACES)(
    'while another process holds the write lock, writer %s: requests are not held up, and no row vanishes silently',
    async (_, isWriterOffThread) => {
      const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
      const { recorder, store, dbPath } = await startTestRecorder(upstream.url, { isWriterOffThread });
      expect((await send(`${recorder.url}/before`)).text).toBe('ok');
      await recorder.flush();

      const other = holdWriteLock(dbPath);
      const startedMs = performance.now();
      expect((await send(`${recorder.url}/during`)).text).toBe('ok');
      const written = recorder.flush(); // a batch meets the lock
      expect((await send(`${recorder.url}/during-again`)).text).toBe('ok');
      const elapsedMs = performance.now() - startedMs;
      other.exec('ROLLBACK');
      await written;
      // SQLite waits for a lock (5 s by default); on the forwarding thread that wait would hold up every
      // request and notification of the proxy.
      expect(elapsedMs).toBeLessThan(1000);

      expect((await send(`${recorder.url}/after`)).text).toBe('ok');
      await recorder.flush();
      // Writing resumes, and every row is either on disk or counted as lost.
      expect(store.exchanges(recorder.sessionId).map((e) => e.path)).toContain('/after');
      const { exchanges, rowsWritten, rowsFailed } = recorder.stats;
      expect(rowsWritten + rowsFailed).toBe(exchanges);
    },
  );

  it.each(WRITER_PLACES)(
    'writer %s: rows a lock held back are written once it is released, with no more traffic, and both are logged',
    async (_, isWriterOffThread) => {
      const upstream = await startHttpUpstream((_req, res) => res.end('ok'));
      const logger = recordingLogger();
      const { recorder, store, dbPath } = await startTestRecorder(upstream.url, {
        isWriterOffThread,
        logger,
      });
      const other = holdWriteLock(dbPath);
      expect((await send(`${recorder.url}/held`)).text).toBe('ok');
      const said = (text: string) => logger.lines.some((l) => l.level === 'warn' && l.msg?.includes(text));
      await vi.waitFor(() => expect(said('database locked by another connection')).toBe(true), {
        timeout: 5000,
      });
      other.exec('ROLLBACK');
      // A worker's log line crosses to this thread after its commit, which this connection may see first.
      await vi.waitFor(
        () => {
          expect(store.exchanges(recorder.sessionId).map((e) => e.path)).toContain('/held');
          expect(said('database lock released')).toBe(true);
        },
        { timeout: 2000 },
      );
    },
  );
});
