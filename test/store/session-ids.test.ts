import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionIds } from '../../src/store/session-ids.js';

describe('session ids', () => {
  it('continues each kind after the last stored id, independently of the others', () => {
    const ids = new SessionIds({ exchange: 4, message: 0, frame: 9 });
    expect([ids.nextExchangeId(), ids.nextMessageId(), ids.nextExchangeId(), ids.nextFrameId()]).toEqual([
      5, 1, 6, 10,
    ]);
    expect(ids.last).toEqual({ exchange: 6, message: 1, frame: 10 });
  });

  it('never hands out an id at or below one already stored, nor the same id twice', () => {
    const kind = fc.constantFrom('exchange', 'message', 'frame');
    const stored = fc.record({ exchange: fc.nat(), message: fc.nat(), frame: fc.nat() });
    fc.assert(
      fc.property(stored, fc.array(kind), (last, calls) => {
        const ids = new SessionIds(last);
        const next = {
          exchange: () => ids.nextExchangeId(),
          message: () => ids.nextMessageId(),
          frame: () => ids.nextFrameId(),
        };
        const given = { exchange: [] as number[], message: [] as number[], frame: [] as number[] };
        for (const k of calls) given[k].push(next[k]());
        for (const k of ['exchange', 'message', 'frame'] as const) {
          expect(given[k]).toEqual(given[k].map((_, i) => last[k] + i + 1));
        }
      }),
    );
  });

  it('keeps its own copy of the ids it was given', () => {
    const last = { exchange: 1, message: 1, frame: 1 };
    const ids = new SessionIds(last);
    ids.nextExchangeId();
    ids.last.message = 50;
    expect(last).toEqual({ exchange: 1, message: 1, frame: 1 });
    expect(ids.nextMessageId()).toBe(2);
  });
});
