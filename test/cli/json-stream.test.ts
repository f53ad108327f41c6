// Streamed JSON: the pieces join to exactly JSON.stringify(value, null, 2), and writes wait for a full sink to drain.
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPieces, writeJson } from '../../src/cli/json-stream.js';

const joined = (value: unknown, chunkItems?: number): string => [...jsonPieces(value, chunkItems)].join('');

/** A sink that says "full" on every `fullEvery`-th write and drains on the next tick, as a slow pipe would. */
const slowSink = (fullEvery: number) => {
  const emitter = new EventEmitter();
  const writes: string[] = [];
  let waits = 0;
  return {
    writes,
    waits: () => waits,
    once: (event: 'drain', listener: () => void) => emitter.once(event, listener),
    write(text: string): boolean {
      writes.push(text);
      if (writes.length % fullEvery !== 0) return true;
      waits++;
      setImmediate(() => emitter.emit('drain'));
      return false;
    },
  };
};

describe('json stream', () => {
  it('writes what JSON.stringify(value, null, 2) writes, whatever the chunk size', () => {
    const reports = fc.oneof(
      fc.jsonValue(),
      fc.array(fc.jsonValue()),
      fc.dictionary(fc.string(), fc.oneof(fc.array(fc.jsonValue()), fc.jsonValue())),
    );
    fc.assert(
      fc.property(reports, fc.integer({ min: 1, max: 4 }), (value, chunkItems) => {
        expect(joined(value, chunkItems)).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 400 },
    );
  });

  it('leaves out and nulls what JSON.stringify does, and calls toJSON', () => {
    const value = {
      gone: undefined,
      fn: () => 1,
      list: [undefined, () => 1, new Date(0), { at: new Date(1) }, [], {}],
      boxed: [new String('s'), new Number(2), new Boolean(false)],
      text: 'two\nlines "quoted" \u2028',
      nested: { deeper: { deepest: [1, { a: [] }] } },
      buffer: Buffer.from('hi'),
      empty: { only: undefined },
    };
    for (const chunkItems of [1, 2, 1000]) {
      expect(joined(value, chunkItems)).toBe(JSON.stringify(value, null, 2));
      expect(joined(value.list, chunkItems)).toBe(JSON.stringify(value.list, null, 2));
    }
    expect(joined({ __proto__: [1], toJSON: undefined })).toBe(
      JSON.stringify({ __proto__: [1], toJSON: undefined }, null, 2),
    );
    expect(joined({ at: new Date(0) }, 1)).toBe(JSON.stringify({ at: new Date(0) }, null, 2));
    expect(joined([])).toBe('[]');
    expect(joined({})).toBe('{}');
    expect(joined('x')).toBe('"x"');
  });

  it('splits a report into pieces no bigger than one member, and writes it all after drains', async () => {
    const report = {
      session: { id: 1 },
      calls: Array.from({ length: 2000 }, (_, i) => ({
        id: `call-${i}`,
        states: [{ state: 'Ringing', atMs: i }],
      })),
      stats: { messages: 2000 },
    };
    const expected = JSON.stringify(report, null, 2);
    // no piece holds more than one chunk of 100 calls
    const biggest = Math.max(...[...jsonPieces(report, 100)].map((p) => p.length));
    expect(biggest).toBeLessThanOrEqual(JSON.stringify({ a: report.calls.slice(-100) }, null, 2).length);
    expect(biggest * 15).toBeLessThan(expected.length);
    const sink = slowSink(3);
    await writeJson(sink, report, { writeChars: 4096, chunkItems: 100 });
    expect(sink.writes.join('')).toBe(`${expected}\n`);
    expect(sink.writes.length).toBeGreaterThan(10);
    expect(sink.waits()).toBeGreaterThan(2);
  });
});
