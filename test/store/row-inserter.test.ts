// Multi-row inserts: whatever the batch size, every row lands in its own columns, in order, later duplicates winning.
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { NewBayeuxRow, NewExchange, NewFrameRow } from '../../src/store/index.js';
import { RowInserter } from '../../src/store/row-inserter.js';
import { makeExchange, makeFrame, makeMessage, makeSession, openTempStore } from '../helpers/store-rows.js';

/** A second connection to the store's file, as the writer's own would be. */
const openWriter = (path: string) => {
  const db = new BetterSqlite3(path);
  onTestFinished(() => {
    db.close();
  });
  return { db, inserter: new RowInserter(db) };
};

/** Rows that differ in every column the table has, so a value bound one place off would show. */
const rowsFor = (count: number) => ({
  exchanges: Array.from(
    { length: count },
    (_, i): NewExchange =>
      makeExchange({
        id: i + 1,
        method: i % 2 ? 'POST' : 'GET',
        path: `/api/v2/me/calls/${i}`,
        query: i % 3 ? `n=${i}` : '',
        requestHeaders: [['x-row', String(i)]],
        requestBody: i % 2 ? Buffer.from(`{"operationName":"Op${i}"}`) : null,
        requestBodyBytes: i % 2 ? 23 + String(i).length : 0,
        status: 200 + i,
        responseHeaders: i % 4 ? [['x-answer', String(i)]] : null,
        responseBody: Buffer.from(`{"statusCode":${i}}`),
        error: i % 5 ? null : `error ${i}`,
        flags: i % 6 ? [] : ['truncated'],
      }),
  ),
  messages: Array.from(
    { length: count },
    (_, i): NewBayeuxRow =>
      makeMessage({
        id: i + 1,
        exchangeId: i % 2 ? i : null,
        direction: i % 2 ? 'to-server' : 'to-client',
        clientId: `client-${i}`,
        messageId: i % 3 ? String(i) : null,
        successful: i % 3 === 0 ? null : i % 3 === 1,
        message: { channel: '/v2/me/calls', id: String(i) },
      }),
  ),
  frames: Array.from(
    { length: count },
    (_, i): NewFrameRow =>
      makeFrame({
        id: i + 1,
        exchangeId: 1000 + i,
        opcode: i % 2 ? 'binary' : 'text',
        payload: Buffer.from(`frame ${i}`),
        payloadBytes: 6 + String(i).length,
      }),
  ),
});

describe('row inserter', () => {
  // Sizes on both sides of each statement size (32, 8, 1 rows per run) and one that uses all three.
  it.each([1, 7, 8, 9, 31, 32, 33, 75])('stores a batch of %i rows per table exactly, in order', (count) => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const { db, inserter } = openWriter(store.path);
    const rows = rowsFor(count);
    db.transaction(() => inserter.insert(id, rows))();
    expect(store.exchanges(id).map(({ sessionId: _, ...e }) => e)).toEqual(rows.exchanges);
    expect(store.messages(id).map(({ sessionId: _, ...m }) => m)).toEqual(rows.messages);
    expect(store.frames(id).map(({ sessionId: _, ...f }) => f)).toEqual(rows.frames);
  });

  it('lets the later of two exchanges with one id win, inside one statement and across statements', () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const { db, inserter } = openWriter(store.path);
    const exchanges = Array.from({ length: 41 }, (_, i) => makeExchange({ id: i + 1 }));
    // 3 twice in the first 32-row statement; 30 in it and again in the 8-row one; 40 there and in the last.
    exchanges[5] = makeExchange({ id: 3, status: 101, endMs: 5000 });
    exchanges[33] = makeExchange({ id: 30, status: 204 });
    exchanges[40] = makeExchange({ id: 40, status: 500 });
    db.transaction(() => inserter.insert(id, { exchanges }))();
    const stored = new Map(store.exchanges(id).map((e) => [e.id, e]));
    expect(stored.size).toBe(38);
    expect(stored.get(3)).toMatchObject({ status: 101, endMs: 5000 });
    expect(stored.get(30)?.status).toBe(204);
    expect(stored.get(40)?.status).toBe(500);
  });

  it('fails the whole statement on a bad row, so the caller can roll back the batch', () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const { db, inserter } = openWriter(store.path);
    const messages = rowsFor(40).messages;
    messages[20] = makeMessage({ id: 7 });
    expect(() => db.transaction(() => inserter.insert(id, { messages }))()).toThrow(/UNIQUE constraint/);
    expect(store.countMessages(id)).toBe(0);
  });
});
