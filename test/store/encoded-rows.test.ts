// Rows encoded for another thread are written exactly as the rows themselves would be, bodies byte for byte.
import { describe, expect, it } from 'vitest';
import { encodedRowCount, encodeRows, type RowBatch } from '../../src/store/index.js';
import { makeExchange, makeFrame, makeMessage, makeSession, openTempStore } from '../helpers/store-rows.js';

/** As postMessage hands it over: structured clone, the blob transferred. */
const handOver = <T extends { blob: ArrayBuffer }>(encoded: T): T =>
  structuredClone(encoded, { transfer: [encoded.blob] });

const batchOf = (count: number): Required<RowBatch> => ({
  exchanges: Array.from({ length: count }, (_, i) =>
    makeExchange({
      id: i + 1,
      // small Buffers come from Node's shared pool: only their own bytes may travel
      requestBody: i % 3 === 0 ? null : Buffer.from(`{"n":${i}}`),
      responseBody: i % 4 === 0 ? null : Buffer.from([0, 255, i % 256, 10, 13]),
      responseHeaders: i % 5 === 0 ? null : [['x-i', String(i)]],
      error: i % 2 ? `failed ${i}` : null,
      flags: i % 2 ? ['upstream-reset'] : [],
    }),
  ),
  messages: Array.from({ length: count }, (_, i) =>
    makeMessage({ id: i + 1, exchangeId: i + 1, successful: i % 2 === 0, message: { i, text: 'é"\\' } }),
  ),
  frames: Array.from({ length: count }, (_, i) =>
    makeFrame({ id: i + 1, exchangeId: 1, payload: Buffer.alloc(i % 3, i), payloadBytes: i % 3 }),
  ),
});

describe('encoded rows', () => {
  it.each([1, 9, 40])(
    'write %i rows per table, handed to the writer as another thread gets them, exactly',
    async (count) => {
      const store = openTempStore();
      const { id } = store.createSession(makeSession());
      const rows = batchOf(count);
      const encoded = encodeRows(rows);
      expect(encodedRowCount(encoded)).toBe(3 * count);
      const writer = store.createWriter(id);
      writer.addEncoded(handOver(encoded));
      await writer.flush();
      expect(writer.stats).toMatchObject({ rowsWritten: 3 * count, rowsFailed: 0 });
      expect(store.exchanges(id).map(({ sessionId: _, ...e }) => e)).toEqual(rows.exchanges);
      expect(store.messages(id).map(({ sessionId: _, ...m }) => m)).toEqual(rows.messages);
      expect(store.frames(id).map(({ sessionId: _, ...f }) => f)).toEqual(rows.frames);
    },
  );

  it('carries only the rows own bytes, in a buffer of its own that can be transferred', () => {
    const body = Buffer.from('{"statusCode":0}'); // a slice of Node's 8 KB pool
    const encoded = encodeRows({ exchanges: [makeExchange({ id: 1, responseBody: body })] });
    expect(encoded.blob.byteLength).toBe(body.length);
    expect(body.buffer.byteLength).toBeGreaterThan(body.length);
    handOver(encoded);
    expect(encoded.blob.byteLength).toBe(0); // moved, not copied
    expect(body.toString()).toBe('{"statusCode":0}');
  });

  it('fails the batch like any bad row, counted, when its values do not add up to its rows', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const errors: Error[] = [];
    const writer = store.createWriter(id, { onError: (err) => errors.push(err) });
    const encoded = encodeRows(batchOf(2));
    writer.addEncoded({ ...encoded, values: encoded.values.slice(1) });
    await writer.flush();
    expect(writer.stats).toMatchObject({ rowsWritten: 0, rowsFailed: 6 });
    expect(errors[0]?.message).toMatch(/encoded row batch holds/);
  });
});
