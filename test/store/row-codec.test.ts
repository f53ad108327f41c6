// Property: any row the recorder can produce is read back from SQLite exactly as it was written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  FrameOpcode,
  HeaderList,
  NewBayeuxRow,
  NewExchange,
  NewFrameRow,
  RowFlag,
} from '../../src/store/index.js';
import { headersJson } from '../../src/store/row-codec.js';
import { makeSession, openTempStore } from '../helpers/store-rows.js';

// Strings as the recorder produces them: decoded from bytes, so any code point but no lone surrogates.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null });
// Times: sub-ms doubles; -0 is excluded because SQLite stores -0.0 as 0 (no recorder clock yields it).
const ms = fc.double({ min: 0, max: 1e10, noNaN: true, noDefaultInfinity: true });
const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const headers: fc.Arbitrary<HeaderList> = fc.array(fc.tuple(text, text), { maxLength: 6 });
const flags: fc.Arbitrary<RowFlag[]> = fc.subarray<RowFlag>([
  'malformed-json',
  'not-bayeux',
  'truncated',
  'client-aborted',
  'upstream-unreachable',
  'upstream-reset',
  'redacted',
]);
const direction = fc.constantFrom('to-server' as const, 'to-client' as const);
// JSON values survive JSON text: no -0 (JSON has none) and no "__proto__" key (an object literal's prototype).
const jsonObject = fc
  .dictionary(text, fc.jsonValue({ noUnicodeString: false }), { maxKeys: 6 })
  .filter((o) => !JSON.stringify(o).includes('"__proto__"'))
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

const exchangeBody = fc.record({
  kind: fc.constantFrom('http' as const, 'bayeux' as const, 'websocket' as const),
  method: text,
  path: text,
  query: text,
  requestHeaders: headers,
  requestBody: maybe(bytes),
  requestBodyBytes: count,
  status: maybe(fc.integer({ min: 100, max: 599 })),
  responseHeaders: maybe(headers),
  responseBody: maybe(bytes),
  responseBodyBytes: count,
  startMs: ms,
  firstByteMs: maybe(ms),
  endMs: maybe(ms),
  error: maybe(text),
  flags,
});

const messageBody = fc.record({
  exchangeId: maybe(fc.integer({ min: 1, max: 2 ** 31 })),
  direction,
  transport: fc.constantFrom('long-polling' as const, 'websocket' as const),
  channel: maybe(text),
  clientId: maybe(text),
  messageId: maybe(text),
  successful: maybe(fc.boolean()),
  atMs: ms,
  message: jsonObject,
});

const frameBody = fc.record({
  exchangeId: fc.integer({ min: 1, max: 2 ** 31 }),
  direction,
  opcode: fc.constantFrom<FrameOpcode>('text', 'binary', 'ping', 'pong', 'close'),
  atMs: ms,
  payload: bytes,
  payloadBytes: count,
  flags,
});

/** Gives rows ids 1..n, as the writer would, and sorts them the way the store returns them. */
const withIds = <T extends object>(rows: T[]): Array<T & { id: number }> =>
  rows.map((row, i) => ({ ...row, id: i + 1 }));
const byTime =
  <T extends { id: number }>(time: (row: T) => number) =>
  (a: T, b: T): number =>
    time(a) - time(b) || a.id - b.id;

describe('row codec', () => {
  it('round-trips arbitrary exchanges, Bayeux rows and frames exactly, through the batched writer', async () => {
    const store = openTempStore();
    await fc.assert(
      fc.asyncProperty(
        fc.array(exchangeBody, { maxLength: 8 }),
        fc.array(messageBody, { maxLength: 8 }),
        fc.array(frameBody, { maxLength: 8 }),
        async (exchangeRows, messageRows, frameRows) => {
          const { id: sessionId } = store.createSession(makeSession());
          const exchanges: NewExchange[] = withIds(exchangeRows);
          const messages: NewBayeuxRow[] = withIds(messageRows);
          const frames: NewFrameRow[] = withIds(frameRows);
          const writer = store.createWriter(sessionId);
          for (const e of exchanges) writer.addExchange(e);
          for (const m of messages) writer.addMessage(m);
          for (const f of frames) writer.addFrame(f);
          await writer.close();
          expect(writer.stats.rowsFailed).toBe(0);
          const sid = { sessionId };
          expect(store.exchanges(sessionId)).toEqual(
            exchanges.map((e) => ({ ...e, ...sid })).sort(byTime((e) => e.startMs)),
          );
          expect(store.messages(sessionId)).toEqual(
            messages.map((m) => ({ ...m, ...sid })).sort(byTime((m) => m.atMs)),
          );
          expect(store.frames(sessionId)).toEqual(
            frames.map((f) => ({ ...f, ...sid })).sort(byTime((f) => f.atMs)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes a header list as the very JSON text JSON.stringify writes, escapes and lone surrogates included', () => {
    const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    const anyText = fc.oneof(text, fc.string({ unit: codeUnit, maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(anyText, anyText), { maxLength: 6 }), (list) => {
        expect(headersJson(list)).toBe(JSON.stringify(list));
      }),
      { numRuns: 500 },
    );
  });
});
