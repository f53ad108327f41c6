// The store's sessions and queries against a real SQLite file: every field round-trips, filters and order hold.
import { readFileSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { NewBayeuxRow, NewExchange, NewFrameRow } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import {
  makeExchange,
  makeFrame,
  makeMessage,
  makeSession,
  openTempStore,
  tempDbPath,
} from '../helpers/store-rows.js';

const everyExchangeField: NewExchange = {
  id: 7,
  kind: 'bayeux',
  method: 'POST',
  path: '/api/v2/notifications/connect',
  query: 'a=1&a=2&b=%20',
  requestHeaders: [
    ['Cookie', 'a=1'],
    ['cookie', 'b=2'],
    ['X-Empty', ''],
  ],
  requestBody: Buffer.from([0, 1, 2, 255, 0x7b]),
  requestBodyBytes: 123_456,
  status: 502,
  responseHeaders: [
    ['set-cookie', 'x=1'],
    ['set-cookie', 'y=2'],
  ],
  responseBody: Buffer.alloc(0),
  responseBodyBytes: 0,
  startMs: 0.000_123,
  firstByteMs: 12.345_678_9,
  endMs: 1_234_567.890_123,
  error: 'upstream unreachable: connect ECONNREFUSED 127.0.0.1:9',
  flags: ['upstream-unreachable', 'truncated', 'redacted'],
};

const nullExchange: NewExchange = {
  ...everyExchangeField,
  id: 8,
  kind: 'websocket',
  query: '',
  requestHeaders: [],
  requestBody: null,
  status: null,
  responseHeaders: null,
  responseBody: null,
  firstByteMs: null,
  endMs: null,
  error: null,
  flags: [],
};

const everyMessageField: NewBayeuxRow = {
  id: 3,
  exchangeId: 7,
  direction: 'to-server',
  transport: 'websocket',
  channel: '/meta/connect',
  clientId: 'abc123',
  messageId: '42',
  successful: false,
  atMs: 0.5,
  message: { channel: '/meta/connect', id: '42', ext: { 'é "x"': [1, null, true, { n: -2.5 }] } },
};

const everyFrameField: NewFrameRow = {
  id: 4,
  exchangeId: 8,
  direction: 'to-client',
  opcode: 'close',
  atMs: 99.999_9,
  payload: Buffer.from([0x03, 0xe8, 0x62, 0x79, 0x65]),
  payloadBytes: 5,
  flags: ['truncated'],
};

describe('store', () => {
  it('reads back every field of every row type exactly as written', async () => {
    const store = openTempStore();
    const session = store.createSession(makeSession());
    const writer = store.createWriter(session.id);
    writer.addExchange(everyExchangeField);
    writer.addExchange(nullExchange);
    writer.addMessage(everyMessageField);
    writer.addMessage({
      ...everyMessageField,
      id: 5,
      exchangeId: null,
      channel: null,
      clientId: null,
      messageId: null,
      successful: null,
      transport: 'long-polling',
      direction: 'to-client',
    });
    writer.addMessage({ ...everyMessageField, id: 6, successful: true });
    writer.addFrame(everyFrameField);
    writer.addFrame({
      ...everyFrameField,
      id: 9,
      opcode: 'ping',
      payload: Buffer.alloc(0),
      payloadBytes: 0,
      flags: [],
    });
    await writer.close();

    const sid = { sessionId: session.id };
    expect(store.exchanges(session.id)).toEqual([
      { ...everyExchangeField, ...sid },
      { ...nullExchange, ...sid },
    ]);
    expect(store.exchange(session.id, 8)).toEqual({ ...nullExchange, ...sid });
    expect(store.exchange(session.id, 99)).toBeNull();
    const messages = store.messages(session.id);
    expect(messages.map((m) => m.id)).toEqual([3, 5, 6]);
    expect(messages[0]).toEqual({ ...everyMessageField, ...sid });
    expect(messages[1]).toMatchObject({
      exchangeId: null,
      channel: null,
      clientId: null,
      messageId: null,
      successful: null,
    });
    expect(messages[2]?.successful).toBe(true);
    expect(store.frames(session.id)).toEqual([
      { ...everyFrameField, ...sid },
      {
        ...everyFrameField,
        id: 9,
        opcode: 'ping',
        payload: Buffer.alloc(0),
        payloadBytes: 0,
        flags: [],
        ...sid,
      },
    ]);
    expect(Buffer.isBuffer(store.frames(session.id)[0]?.payload)).toBe(true);
  });

  it('keeps sessions: created open, ended at a wall time, listed with their row counts', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    const a = store.createSession(
      makeSession({ name: 'first', originWallMs: Date.UTC(2024, 4, 1, 10, 0, 0, 250) }),
    );
    const b = store.createSession(
      makeSession({
        name: null,
        source: 'har-import',
        listenOrigin: null,
        upstream: 'https://gws.example.com',
      }),
    );
    expect(a).toEqual({
      id: 1,
      name: 'first',
      upstream: 'http://127.0.0.1:8080',
      source: 'record',
      listenOrigin: 'http://127.0.0.1:8090',
      originWallMs: Date.UTC(2024, 4, 1, 10, 0, 0, 250),
      startedAt: '2024-05-01T10:00:00.250Z',
      endedAt: null,
      notificationsPath: '/api/v2/notifications',
      rewriteOrigins: [],
    });
    const w = store.createWriter(a.id);
    w.addExchange(makeExchange({ id: w.nextExchangeId(), startMs: 1, endMs: 40 }));
    w.addMessage(makeMessage({ id: w.nextMessageId(), atMs: 55.5 }));
    w.addMessage(makeMessage({ id: w.nextMessageId(), atMs: 20 }));
    w.addFrame(makeFrame({ id: w.nextFrameId(), exchangeId: 1, atMs: 30 }));
    await w.close();
    store.endSession(a.id, Date.UTC(2024, 4, 1, 10, 1, 0, 0));
    store.close();

    const reopened = openStore(path, { readonly: true });
    try {
      expect(reopened.getSession(a.id)?.endedAt).toBe('2024-05-01T10:01:00.000Z');
      expect(reopened.listSessions()).toEqual([
        { ...a, endedAt: '2024-05-01T10:01:00.000Z', exchanges: 1, messages: 2, frames: 1, lastAtMs: 55.5 },
        { ...b, exchanges: 0, messages: 0, frames: 0, lastAtMs: null },
      ]);
      expect(reopened.getSession(3)).toBeNull();
    } finally {
      reopened.close();
    }
  });

  it('keeps the other origins a session rewrote, and reads a damaged list of them as none', () => {
    const path = tempDbPath();
    const store = openStore(path);
    store.createSession(makeSession({ rewriteOrigins: ['https://gws-lb.example'] }));
    const damaged = store.createSession(makeSession({ rewriteOrigins: ['https://other.example'] }));
    store.close();
    const raw = new BetterSqlite3(path);
    raw.prepare('UPDATE sessions SET rewrite_origins = ? WHERE id = ?').run('{"not": "a list"', damaged.id);
    raw.close();
    const reader = openStore(path, { readonly: true });
    expect(reader.listSessions().map((s) => s.rewriteOrigins)).toEqual([['https://gws-lb.example'], []]);
    reader.close();
  });

  it('resolves a session by id, digits, name or latest, and says what exists when it cannot', () => {
    const store = openTempStore();
    expect(() => store.resolveSession()).toThrow(
      expect.objectContaining({
        code: 'VCR_NO_SESSIONS',
        message: expect.stringContaining('holds no sessions yet'),
      }),
    );
    const one = store.createSession(makeSession({ name: 'morning' }));
    const two = store.createSession(makeSession({ name: 'evening' }));
    expect(store.resolveSession().id).toBe(two.id);
    expect(store.resolveSession('latest').id).toBe(two.id);
    expect(store.resolveSession(1).id).toBe(one.id);
    expect(store.resolveSession('1').id).toBe(one.id);
    expect(store.resolveSession('morning').id).toBe(one.id);
    let error: unknown;
    try {
      store.resolveSession(9);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'VCR_SESSION_NOT_FOUND' });
    expect((error as Error).message).toBe(`no session 9 in ${store.path}; it holds sessions 1, 2`);
    expect(() => store.resolveSession('nightly')).toThrow(/no session "nightly" .* it holds sessions 1, 2/);
  });

  it('returns rows ordered by time then id, whatever order they were added in', () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    store.writeRows(id, {
      exchanges: [
        makeExchange({ id: 1, startMs: 9 }),
        makeExchange({ id: 2, startMs: 3 }),
        makeExchange({ id: 3, startMs: 3 }),
      ],
      messages: [
        makeMessage({ id: 1, atMs: 5.5 }),
        makeMessage({ id: 2, atMs: 5.25 }),
        makeMessage({ id: 3, atMs: 0 }),
      ],
      frames: [makeFrame({ id: 2, exchangeId: 1, atMs: 1 }), makeFrame({ id: 1, exchangeId: 1, atMs: 1 })],
    });
    expect(store.exchanges(id).map((e) => e.id)).toEqual([2, 3, 1]);
    expect(store.messages(id).map((m) => m.id)).toEqual([3, 2, 1]);
    expect(store.frames(id).map((f) => f.id)).toEqual([1, 2]);
    expect([...store.iterateMessages(id)].map((m) => m.id)).toEqual([3, 2, 1]);
  });

  it('iterates a large session in chunks, honouring filters, offset and limit, while rows are written', async () => {
    const store = openTempStore({ iterateChunkRows: 100 });
    const { id } = store.createSession(makeSession());
    const messages = Array.from({ length: 1050 }, (_, i) =>
      makeMessage({ id: i + 1, atMs: Math.floor(i / 3), direction: i % 2 ? 'to-client' : 'to-server' }),
    );
    store.writeRows(id, { messages });
    const writer = store.createWriter(id);
    const seen: number[] = [];
    for (const m of store.iterateMessages(id, { direction: 'to-server' })) {
      seen.push(m.id);
      // Writing between chunks must not fail (no statement is left open across a yield).
      if (seen.length % 100 === 0) {
        writer.addMessage(makeMessage({ id: writer.nextMessageId(), atMs: 10_000 + seen.length }));
        await writer.flush();
      }
    }
    // the rows written meanwhile go to-client, after everything: the to-server walk is unchanged
    expect(seen).toEqual(messages.filter((m) => m.direction === 'to-server').map((m) => m.id));
    expect(seen).toHaveLength(525);
    expect(writer.stats).toMatchObject({ rowsFailed: 0, rowsWritten: 5 });
    const window = [...store.iterateMessages(id, { offset: 250, limit: 301 })].map((m) => m.id);
    expect(window).toEqual(store.messages(id, { offset: 250, limit: 301 }).map((m) => m.id));
    expect(window).toHaveLength(301);
  });

  it('iterates exchanges in chunks with the same rows, order and filters as exchanges()', () => {
    const store = openTempStore({ iterateChunkRows: 64 });
    const { id } = store.createSession(makeSession());
    const exchanges = Array.from({ length: 500 }, (_, i) =>
      makeExchange({
        id: 1000 + i,
        // ties on startMs across chunk boundaries: the (startMs, id) keyset must not skip or repeat one
        startMs: Math.floor((500 - i) / 7),
        kind: i % 3 ? 'http' : 'bayeux',
        requestBody: Buffer.from(`{"operationName":"Op${i}"}`),
      }),
    );
    store.writeRows(id, { exchanges: [...exchanges, everyExchangeField, nullExchange] });
    const http = [...store.iterateExchanges(id, { kind: 'http' })];
    expect(http).toEqual(store.exchanges(id, { kind: 'http' }));
    expect(http).toHaveLength(333);
    expect(new Set(http.map((e) => e.id)).size).toBe(333);
    const all = [...store.iterateExchanges(id)];
    expect(all).toHaveLength(502);
    expect(all.find((e) => e.id === 7)).toEqual({ ...everyExchangeField, sessionId: id });
    expect(all.find((e) => e.id === 8)).toEqual({ ...nullExchange, sessionId: id });
    const window = [...store.iterateExchanges(id, { offset: 100, limit: 150 })];
    expect(window).toEqual(store.exchanges(id, { offset: 100, limit: 150 }));
    expect(window).toHaveLength(150);
  });

  it('refuses writes when opened read-only, and rows for a session that does not exist', () => {
    const path = tempDbPath();
    const store = openStore(path);
    store.createSession(makeSession());
    expect(() => store.createWriter(5)).toThrow(expect.objectContaining({ code: 'VCR_SESSION_NOT_FOUND' }));
    expect(() => store.writeRows(5, { messages: [] })).toThrow(
      expect.objectContaining({ code: 'VCR_SESSION_NOT_FOUND' }),
    );
    store.close();
    const ro = openStore(path, { readonly: true });
    try {
      expect(() => ro.createSession(makeSession())).toThrow(/opened read-only/);
      expect(() => ro.createWriter(1)).toThrow(expect.objectContaining({ code: 'VCR_STORE_WRITE_FAILED' }));
    } finally {
      ro.close();
    }
  });

  it('writes imported rows all or nothing, and deletes a session with its rows', () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    expect(() =>
      store.writeRows(id, {
        messages: [makeMessage({ id: 1 }), makeMessage({ id: 2 }), makeMessage({ id: 1 })],
      }),
    ).toThrow(
      expect.objectContaining({ code: 'VCR_STORE_WRITE_FAILED', message: expect.stringContaining('UNIQUE') }),
    );
    expect(store.countMessages(id)).toBe(0);
    store.writeRows(id, { messages: [makeMessage({ id: 1 })], exchanges: [makeExchange({ id: 1 })] });
    store.deleteSession(id);
    expect(store.getSession(id)).toBeNull();
    expect(store.countMessages(id) + store.countExchanges(id)).toBe(0);
  });

  it('reports a recording damaged past its schema pages as VCR_STORE_CORRUPT when rows are read', () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { id } = store.createSession(makeSession());
    const messages = Array.from({ length: 2000 }, (_, i) =>
      makeMessage({ id: i + 1, message: { pad: 'x'.repeat(500) } }),
    );
    store.writeRows(id, { messages });
    store.close(); // checkpoints the WAL into the file
    const bytes = readFileSync(path);
    bytes.fill(0x5a, Math.floor(bytes.length * 0.5), Math.floor(bytes.length * 0.6));
    writeFileSync(path, bytes);
    const damaged = openStore(path, { readonly: true });
    try {
      expect(damaged.getSession(id)).not.toBeNull(); // the schema and sessions pages are intact
      expect(() => damaged.messages(id)).toThrow(
        expect.objectContaining({
          code: 'VCR_STORE_CORRUPT',
          message: `${path} is not a readable SQLite database (database disk image is malformed); it is damaged or not a database at all`,
        }),
      );
    } finally {
      damaged.close();
    }
  });

  it('closes idempotently, flushing writers the caller forgot', () => {
    const path = tempDbPath();
    const store = openStore(path);
    const { id } = store.createSession(makeSession());
    const writer = store.createWriter(id);
    writer.addMessage(makeMessage({ id: writer.nextMessageId() }));
    store.close();
    store.close();
    expect(writer.closed).toBe(true);
    const reopened = openStore(path, { readonly: true });
    expect(reopened.countMessages(id)).toBe(1);
    reopened.close();
  });
});
