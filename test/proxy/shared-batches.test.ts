// Batches in shared memory: each in its slot in turn, read once in order, refused when the slot is taken or too small.
import { describe, expect, it } from 'vitest';
import { SharedBatches } from '../../src/proxy/shared-batches.js';
import type { PackedRows } from '../../src/store/index.js';

const batch = (text: string, exchanges = 1) => ({
  bytes: Buffer.from(text),
  exchanges,
  messages: 2,
  frames: 3,
});

/** What `read` hands over for batch `seq`, copied out of the slot; null if it is not there. */
type ReadOut = { text: string; rows: Omit<PackedRows, 'bytes' | 'byteOffset' | 'byteLength'> };
const readOut = (reader: SharedBatches, seq: number): ReadOut | null => {
  const seen: ReadOut[] = [];
  const found = reader.read(seq, ({ bytes, byteOffset, byteLength, ...rows }) => {
    seen.push({ text: Buffer.from(bytes, byteOffset, byteLength).toString(), rows });
  });
  expect(found).toBe(seen.length === 1);
  return seen[0] ?? null;
};

describe('SharedBatches', () => {
  it('hands each batch to the other side once, by number, with its row counts', () => {
    const writer = SharedBatches.create({ slots: 2, slotBytes: 16 });
    const reader = SharedBatches.attach(writer.buffers);
    expect(writer.offer(1, batch('one', 4))).toBe(true);
    expect(writer.offer(2, batch('two'))).toBe(true);
    expect(readOut(reader, 5)).toBeNull(); // slot 1 holds batch 1, not 5
    expect(readOut(reader, 1)).toEqual({ text: 'one', rows: { exchanges: 4, messages: 2, frames: 3 } });
    expect(readOut(reader, 1)).toBeNull();
    // batch 3 goes where batch 1 was, now read; batch 4's slot still holds batch 2
    expect(writer.offer(3, batch('three'))).toBe(true);
    expect(writer.offer(4, batch('four'))).toBe(false);
    expect(readOut(reader, 2)?.text).toBe('two');
    expect(readOut(reader, 3)?.text).toBe('three');
  });

  it('refuses a batch bigger than a slot, which then goes another way', () => {
    const writer = SharedBatches.create({ slots: 2, slotBytes: 4 });
    expect(writer.offer(1, batch('12345'))).toBe(false);
    expect(writer.offer(1, batch('1234'))).toBe(true);
  });

  it('frees the slot even when reading the batch throws', () => {
    const writer = SharedBatches.create({ slots: 1, slotBytes: 8 });
    const reader = SharedBatches.attach(writer.buffers);
    writer.offer(1, batch('bad'));
    expect(() =>
      reader.read(1, () => {
        throw new Error('unreadable');
      }),
    ).toThrow('unreadable');
    expect(writer.offer(2, batch('good'))).toBe(true);
  });

  it('tells the writer, once, that the reader fell asleep', () => {
    const writer = SharedBatches.create();
    const reader = SharedBatches.attach(writer.buffers);
    expect(writer.takeSleeping()).toBe(false);
    reader.fallAsleep();
    expect(writer.isReaderAsleep).toBe(true);
    expect(writer.takeSleeping()).toBe(true);
    expect(writer.takeSleeping()).toBe(false);
    reader.fallAsleep();
    reader.awake();
    expect(writer.takeSleeping()).toBe(false);
  });
});
