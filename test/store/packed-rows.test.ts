// Rows packed into bytes (as the recorder's writers hold them, and hand them to a worker) are written exactly as given.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type NewExchange,
  type PackedRows,
  packedRowCount,
  RowPacker,
  unpackRows,
} from '../../src/store/index.js';
import { exchangeParams, frameParams, messageParams } from '../../src/store/row-codec.js';
import { makeExchange, makeFrame, makeMessage, makeSession, openTempStore } from '../helpers/store-rows.js';

/** As postMessage hands it over: structured clone, the bytes transferred. */
const handOver = (packed: PackedRows): PackedRows => structuredClone(packed, { transfer: [packed.bytes] });

const rowsOf = (count: number) => ({
  exchanges: Array.from({ length: count }, (_, i) =>
    makeExchange({
      id: i + 1,
      // small Buffers come from Node's shared pool: only their own bytes may travel
      requestBody: i % 3 === 0 ? null : Buffer.from(`{"n":${i}}`),
      responseBody: i % 4 === 0 ? null : Buffer.from([0, 255, i % 256, 10, 13]),
      responseHeaders: i % 5 === 0 ? null : [['x-i', String(i)]],
      error: i % 2 ? `failed ${i} ✓ 😀` : null,
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

const packAll = (rows: ReturnType<typeof rowsOf>): PackedRows => {
  const packer = new RowPacker();
  for (const e of rows.exchanges) packer.add('exchange', e);
  for (const m of rows.messages) packer.add('message', m);
  for (const f of rows.frames) packer.add('frame', f);
  const packed = packer.take();
  if (!packed) throw new Error('nothing packed');
  return packed;
};

describe('packed rows', () => {
  it.each([1, 9, 400])(
    'write %i rows per table, handed to a writer as another thread gets them, exactly',
    async (count) => {
      const store = openTempStore();
      const { id } = store.createSession(makeSession());
      const rows = rowsOf(count);
      const packed = packAll(rows);
      expect(packedRowCount(packed)).toBe(3 * count);
      const writer = store.createWriter(id);
      writer.addPacked(handOver(packed));
      await writer.flush();
      expect(writer.stats).toMatchObject({ rowsWritten: 3 * count, rowsFailed: 0 });
      expect(store.exchanges(id).map(({ sessionId: _, ...e }) => e)).toEqual(rows.exchanges);
      expect(store.messages(id).map(({ sessionId: _, ...m }) => m)).toEqual(rows.messages);
      expect(store.frames(id).map(({ sessionId: _, ...f }) => f)).toEqual(rows.frames);
    },
  );

  it('unpacks to the very values the INSERTs would bind, whatever the text and bytes', () => {
    const text = fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null });
    const bytes = fc.option(
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      { nil: null },
    );
    const exchange = fc.record({
      id: fc.nat(),
      method: fc.string({ maxLength: 8 }),
      path: fc.string({ unit: 'binary', maxLength: 40 }),
      error: text,
      requestBody: bytes,
      responseBody: bytes,
      startMs: fc.double({ noNaN: true }),
      endMs: fc.option(fc.double({ noNaN: true }), { nil: null }),
      requestHeaders: fc.array(
        fc.tuple(fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 20 })),
        {
          maxLength: 4,
        },
      ),
    });
    fc.assert(
      fc.property(fc.array(exchange, { minLength: 1, maxLength: 20 }), (overs) => {
        const rows = overs.map((o) => makeExchange(o as Partial<NewExchange> & Pick<NewExchange, 'id'>));
        const packer = new RowPacker();
        for (const row of rows) packer.add('exchange', row);
        const unpacked = unpackRows(handOver(packer.take() as PackedRows));
        expect(unpacked.exchanges).toEqual(rows.flatMap((row) => exchangeParams(0, row).slice(1)));
        expect(unpacked.messages).toEqual([]);
      }),
    );
    const message = makeMessage({ id: 7, message: { channel: '/v2/me/calls', data: { n: '\u2028😀' } } });
    const frame = makeFrame({ id: 3, exchangeId: 1, payload: Buffer.from([1, 2, 3]), payloadBytes: 3 });
    const packer = new RowPacker();
    packer.add('message', message);
    packer.add('frame', frame);
    const unpacked = unpackRows(packer.take() as PackedRows);
    expect(unpacked.messages).toEqual(messageParams(0, message).slice(1));
    expect(unpacked.frames).toEqual(frameParams(0, frame).slice(1));
  });

  it('grows past its buffer for a large row and starts the next batch at about the last one’s size', () => {
    const packer = new RowPacker();
    const big = Buffer.alloc(3 * 1024 * 1024, 7);
    packer.add('exchange', makeExchange({ id: 1, responseBody: big }));
    const first = packer.take() as PackedRows;
    expect(first.byteLength).toBeGreaterThan(big.length);
    const stored = unpackRows(first).exchanges.find((v) => Buffer.isBuffer(v) && v.length === big.length);
    expect((stored as Buffer).equals(big)).toBe(true);
    expect(packer.take()).toBeNull();
    packer.add('exchange', makeExchange({ id: 2 }));
    const second = packer.take() as PackedRows;
    // sized for a batch like the big one, then back to small once a quiet batch went by
    expect(second.bytes.byteLength).toBeGreaterThanOrEqual(first.byteLength);
    packer.add('exchange', makeExchange({ id: 3 }));
    expect((packer.take() as PackedRows).bytes.byteLength).toBeLessThan(64 * 1024);
  });

  it('refuses a row with a value SQLite cannot take, and keeps the rows packed before it', () => {
    const packer = new RowPacker();
    packer.add('exchange', makeExchange({ id: 1 }));
    expect(() =>
      packer.add('exchange', { ...makeExchange({ id: 2 }), error: undefined as unknown as null }),
    ).toThrow(/must be null, a number, a string or a Buffer, not undefined/);
    const unpacked = unpackRows(packer.take() as PackedRows);
    expect(unpacked.exchanges).toEqual(exchangeParams(0, makeExchange({ id: 1 })).slice(1));
  });

  it('moves its bytes to another thread, never the Node pool slab a small body sits in', () => {
    const body = Buffer.from('{"statusCode":0}'); // a slice of Node's 8 KB pool
    const packer = new RowPacker();
    packer.add('exchange', makeExchange({ id: 1, responseBody: body }));
    const packed = packer.take() as PackedRows;
    handOver(packed);
    expect(packed.bytes.byteLength).toBe(0); // moved, not copied
    expect(body.toString()).toBe('{"statusCode":0}');
  });

  it('fails alone, counted, when its bytes do not hold the rows it counts: the rows around it are written', async () => {
    const store = openTempStore();
    const { id } = store.createSession(makeSession());
    const errors: Error[] = [];
    const writer = store.createWriter(id, { onError: (err) => errors.push(err) });
    const packed = packAll(rowsOf(2));
    writer.addPacked({ ...packed, byteLength: packed.byteLength - 3 });
    writer.addExchange(makeExchange({ id: 10 }));
    await writer.flush();
    expect(writer.stats).toMatchObject({ rowsWritten: 1, rowsFailed: 6 });
    expect(errors[0]?.message).toMatch(/packed row batch ends mid-value/);
    writer.addExchange(makeExchange({ id: 11 }));
    await writer.flush();
    expect(store.exchanges(id).map((e) => e.id)).toEqual([10, 11]);
  });
});
