// Query filters against a real SQLite file: time windows, Bayeux channel wildcards, text search, pagination.
import { describe, expect, it } from 'vitest';
import { makeExchange, makeFrame, makeMessage, makeSession, openTempStore } from '../helpers/store-rows.js';

describe('row filters', () => {
  it('filters messages by time, channel (with Bayeux wildcards), direction, client, exchange, transport and text', () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const other = store.createSession(makeSession());
    const rows = [
      makeMessage({ id: 1, atMs: 1, channel: '/meta/handshake', direction: 'to-server', clientId: null }),
      makeMessage({
        id: 2,
        atMs: 2,
        channel: '/v2/me/calls',
        exchangeId: 5,
        message: { data: { callState: 'Ringing' } },
      }),
      makeMessage({
        id: 3,
        atMs: 3,
        channel: '/v2/me/calls/sub',
        clientId: 'client-2',
        transport: 'websocket',
      }),
      makeMessage({ id: 4, atMs: 4, channel: '/v2/me', message: { data: { text: '50%_off' } } }),
      makeMessage({ id: 5, atMs: 5, channel: null }),
    ];
    store.writeRows(id, { messages: rows });
    store.writeRows(other.id, { messages: [makeMessage({ id: 1, atMs: 2 })] });
    const ids = (filter: Parameters<typeof store.messages>[1]): number[] =>
      store.messages(id, filter).map((m) => m.id);

    expect(ids({ fromMs: 2, toMs: 4 })).toEqual([2, 3, 4]);
    expect(ids({ channel: '/v2/me/calls' })).toEqual([2]);
    expect(ids({ channel: '/v2/me/*' })).toEqual([2]);
    expect(ids({ channel: '/v2/**' })).toEqual([2, 3, 4]);
    expect(ids({ channel: '/meta/*' })).toEqual([1]);
    expect(ids({ direction: 'to-server' })).toEqual([1]);
    expect(ids({ clientId: 'client-2' })).toEqual([3]);
    expect(ids({ exchangeId: 5 })).toEqual([2]);
    expect(ids({ transport: 'websocket' })).toEqual([3]);
    expect(ids({ text: 'ringing' })).toEqual([2]);
    expect(ids({ text: '%_' })).toEqual([4]);
    expect(ids({ text: '%' })).toEqual([4]);
    expect(ids({ channel: '/v2/**', offset: 1, limit: 1 })).toEqual([3]);
    expect(store.countMessages(id, { channel: '/v2/**', offset: 1, limit: 1 })).toBe(3);
    expect(store.countMessages(id)).toBe(5);
    expect(store.countMessages(other.id)).toBe(1);
  });

  it('filters exchanges by kind, method, path, time and text, and frames by exchange, opcode and direction', () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    store.writeRows(id, {
      exchanges: [
        makeExchange({ id: 1, startMs: 1, method: 'POST', path: '/api/v2/me/calls/c1', query: 'x=transfer' }),
        makeExchange({ id: 2, startMs: 2, kind: 'bayeux', method: 'POST', path: '/api/v2/notifications' }),
        makeExchange({ id: 3, startMs: 3, kind: 'websocket', path: '/api/v2/notifications' }),
      ],
      frames: [
        makeFrame({ id: 1, exchangeId: 3, opcode: 'text', direction: 'to-server' }),
        makeFrame({
          id: 2,
          exchangeId: 3,
          opcode: 'ping',
          direction: 'to-client',
          payload: Buffer.from('hb'),
        }),
        makeFrame({ id: 3, exchangeId: 4, opcode: 'text', direction: 'to-client' }),
      ],
    });
    const ids = (filter: Parameters<typeof store.exchanges>[1]): number[] =>
      store.exchanges(id, filter).map((e) => e.id);
    expect(ids({ kind: 'bayeux' })).toEqual([2]);
    expect(ids({ method: 'POST' })).toEqual([1, 2]);
    expect(ids({ path: '/api/v2/notifications' })).toEqual([2, 3]);
    expect(ids({ fromMs: 1.5 })).toEqual([2, 3]);
    expect(ids({ text: 'TRANSFER' })).toEqual([1]);
    expect(ids({ limit: 2 })).toEqual([1, 2]);
    expect(store.countExchanges(id, { path: '/api/v2/notifications' })).toBe(2);
    const frameIds = (filter: Parameters<typeof store.frames>[1]): number[] =>
      store.frames(id, filter).map((f) => f.id);
    expect(frameIds({ exchangeId: 3 })).toEqual([1, 2]);
    expect(frameIds({ opcode: 'ping' })).toEqual([2]);
    expect(frameIds({ direction: 'to-client' })).toEqual([2, 3]);
    expect(frameIds({ text: 'meta/connect' })).toEqual([1, 3]);
    expect(store.countFrames(id, { exchangeId: 3 })).toBe(2);
    expect([...store.iterateFrames(id, { exchangeId: 3 })].map((f) => f.id)).toEqual([1, 2]);
  });
});
