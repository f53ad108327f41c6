// Row batches handed from the recorder's thread to the store worker in shared memory, without a message per batch.
import type { PackedRows } from '../store/index.js';

/** The shared memory of a SharedBatches, as it crosses to the other thread (workerData). */
export interface SharedBatchBuffers {
  /** per slot: SLOT_FIELDS Int32s; then the worker's sleep flag */
  control: SharedArrayBuffer;
  /** the slots' bytes, `slotBytes` each */
  data: SharedArrayBuffer;
  slots: number;
  slotBytes: number;
}

type BatchCounts = Pick<PackedRows, 'exchanges' | 'messages' | 'frames'>;

const FREE = 0;
const FULL = 1;
// Fields of a slot's control record.
const STATE = 0;
const SEQ = 1;
const LENGTH = 2;
const EXCHANGES = 3;
const MESSAGES = 4;
const FRAMES = 5;
const SLOT_FIELDS = 6;

/**
 * Batches are handed over every half window and the reader looks for them every half window: a row waits at
 * most one window before it is written, as with a writer on the recorder's own thread.
 */
export const handOverMs = (batchWindowMs: number): number => Math.max(1, batchWindowMs / 2);

export const SHARED_BATCH_DEFAULTS = {
  /** a busy recorder fills a few hundred KB per 25 ms hand-over; a bigger batch goes by message */
  slots: 4,
  slotBytes: 1024 * 1024,
} as const;

/**
 * Why not a message per batch: waking a sleeping thread costs the sender far more than the copy (on two
 * busy cores, each wake-up preempted the forwarding thread for hundreds of µs), so under load the worker
 * looks for batches on its own timer and nothing wakes it. It says when it goes to sleep (idle for a while);
 * only then does the recorder's thread wake it, with a message.
 *
 * Batch `seq` goes to slot `seq % slots`, if that slot is free and the batch fits; the worker reads the
 * batches in `seq` order (those that went by message included) and frees each slot once it has copied the
 * rows out. One writing thread, one reading thread.
 */
export class SharedBatches {
  readonly buffers: SharedBatchBuffers;
  readonly #control: Int32Array;
  readonly #sleepAt: number;

  private constructor(buffers: SharedBatchBuffers) {
    this.buffers = buffers;
    this.#control = new Int32Array(buffers.control);
    this.#sleepAt = buffers.slots * SLOT_FIELDS;
  }

  static create(options: Partial<Pick<SharedBatchBuffers, 'slots' | 'slotBytes'>> = {}): SharedBatches {
    const { slots, slotBytes } = { ...SHARED_BATCH_DEFAULTS, ...options };
    return new SharedBatches({
      control: new SharedArrayBuffer((slots * SLOT_FIELDS + 1) * Int32Array.BYTES_PER_ELEMENT),
      data: new SharedArrayBuffer(slots * slotBytes),
      slots,
      slotBytes,
    });
  }

  /** The same slots, seen from the other thread. */
  static attach(buffers: SharedBatchBuffers): SharedBatches {
    return new SharedBatches(buffers);
  }

  /** Writer's side: copies batch `seq` into its slot; false if the slot is still taken or the batch too big. */
  offer(seq: number, batch: { bytes: Uint8Array } & BatchCounts): boolean {
    const { slots, slotBytes, data } = this.buffers;
    const slot = seq % slots;
    const at = slot * SLOT_FIELDS;
    if (batch.bytes.length > slotBytes || Atomics.load(this.#control, at + STATE) !== FREE) return false;
    new Uint8Array(data, slot * slotBytes, batch.bytes.length).set(batch.bytes);
    const c = this.#control;
    c[at + SEQ] = seq;
    c[at + LENGTH] = batch.bytes.length;
    c[at + EXCHANGES] = batch.exchanges;
    c[at + MESSAGES] = batch.messages;
    c[at + FRAMES] = batch.frames;
    // The release store: the reader that sees FULL sees the bytes and fields written before it.
    Atomics.store(c, at + STATE, FULL);
    return true;
  }

  /**
   * Reader's side: if batch `seq` is in its slot, passes it to `read` (which must copy what it keeps: the
   * slot is written again once this returns), frees the slot and returns true.
   */
  read(seq: number, read: (rows: PackedRows) => void): boolean {
    const { slots, slotBytes, data } = this.buffers;
    const slot = seq % slots;
    const at = slot * SLOT_FIELDS;
    const c = this.#control;
    if (Atomics.load(c, at + STATE) !== FULL || c[at + SEQ] !== seq) return false;
    try {
      read({
        bytes: data,
        byteOffset: slot * slotBytes,
        byteLength: c[at + LENGTH] as number,
        exchanges: c[at + EXCHANGES] as number,
        messages: c[at + MESSAGES] as number,
        frames: c[at + FRAMES] as number,
      });
    } finally {
      Atomics.store(c, at + STATE, FREE);
    }
    return true;
  }

  /** Reader's side: it stops looking for batches until woken. */
  fallAsleep(): void {
    Atomics.store(this.#control, this.#sleepAt, 1);
  }

  /** Reader's side: it looks for batches again. */
  awake(): void {
    Atomics.store(this.#control, this.#sleepAt, 0);
  }

  /** Writer's side, after an offer: true once if the reader was asleep (the caller then wakes it). */
  takeSleeping(): boolean {
    return Atomics.exchange(this.#control, this.#sleepAt, 0) === 1;
  }

  get isReaderAsleep(): boolean {
    return Atomics.load(this.#control, this.#sleepAt) === 1;
  }
}
