// Rows packed into bytes the moment they are added: no row objects wait on the JS heap, and the bytes move to another thread without a copy.
import {
  EXCHANGE_COLUMNS,
  exchangeParams,
  FRAME_COLUMNS,
  frameParams,
  MESSAGE_COLUMNS,
  messageParams,
  type SqlValue,
} from './row-codec.js';
import type { NewBayeuxRow, NewExchange, NewFrameRow } from './types.js';

/**
 * A batch of rows as RowPacker wrote them: each row is a table tag and the SQL values its INSERT binds
 * (session id left out), each value a type tag and its bytes. `bytes` is the batch's own ArrayBuffer, so
 * `postMessage(rows, [rows.bytes])` transfers it.
 */
export interface PackedRows {
  bytes: ArrayBuffer;
  /** the rows fill `bytes` up to here */
  byteLength: number;
  exchanges: number;
  messages: number;
  frames: number;
}

/** The rows of a PackedRows, per table: each row's values (session id left out) one after another. */
export interface UnpackedRows {
  exchanges: SqlValue[];
  messages: SqlValue[];
  frames: SqlValue[];
}

/** Values per row of each table once session_id is left out. */
const PACKED_WIDTHS = {
  exchanges: EXCHANGE_COLUMNS.length - 1,
  messages: MESSAGE_COLUMNS.length - 1,
  frames: FRAME_COLUMNS.length - 1,
} as const;

/** The row a packer takes for each kind. */
export interface RowKinds {
  exchange: NewExchange;
  message: NewBayeuxRow;
  frame: NewFrameRow;
}
export type RowKind = keyof RowKinds;

/** Per kind: its table tag in the bytes, its INSERT parameters, and the count it adds to. */
const KINDS: {
  [K in RowKind]: {
    tag: number;
    params: (sessionId: number, row: RowKinds[K]) => SqlValue[];
    count: keyof Counts;
  };
} = {
  exchange: { tag: 1, params: exchangeParams, count: 'exchanges' },
  message: { tag: 2, params: messageParams, count: 'messages' },
  frame: { tag: 3, params: frameParams, count: 'frames' },
};

type Counts = Pick<PackedRows, 'exchanges' | 'messages' | 'frames'>;
const VALUE = { null: 0, number: 1, text: 2, blob: 3 } as const;

/** Bounds of a fresh batch buffer's size, which follows the size of the batch before it. */
const MIN_BYTES = 16 * 1024;
const MAX_START_BYTES = 4 * 1024 * 1024;

/**
 * Packs rows as they come, so that no row object waits out a batch window (and survives a young GC or two
 * doing so) on the recorder's thread. `take` hands the batch over and starts a new one.
 */
export class RowPacker {
  #buf = Buffer.allocUnsafeSlow(MIN_BYTES);
  #at = 0;
  #counts: Counts = { exchanges: 0, messages: 0, frames: 0 };

  /** rows packed since the last `take` */
  get rows(): number {
    const c = this.#counts;
    return c.exchanges + c.messages + c.frames;
  }

  /** Packs one row; throws (packing nothing of it) if a value is not one SQLite can take. */
  add<K extends RowKind>(kind: K, row: RowKinds[K]): void {
    const { tag, params, count } = KINDS[kind];
    this.#row(tag, params(0, row));
    this.#counts[count] += 1;
  }

  /** The rows packed so far, or null if none; the packer starts over with a new buffer. */
  take(): PackedRows | null {
    if (this.rows === 0) return null;
    const packed: PackedRows = {
      bytes: this.#buf.buffer as ArrayBuffer,
      byteLength: this.#at,
      ...this.#counts,
    };
    // Busy traffic fills about what it filled last window; a quiet spell shrinks the buffer back.
    this.#buf = Buffer.allocUnsafeSlow(
      Math.min(MAX_START_BYTES, Math.max(MIN_BYTES, Math.ceil(this.#at * 1.25))),
    );
    this.#at = 0;
    this.#counts = { exchanges: 0, messages: 0, frames: 0 };
    return packed;
  }

  /** Writes a table tag and `params` from index 1 (index 0 is the session id, not packed). */
  #row(table: number, params: SqlValue[]): void {
    const start = this.#at;
    try {
      this.#reserve(1);
      this.#buf[this.#at++] = table;
      for (let i = 1; i < params.length; i++) this.#value(params[i] as SqlValue);
    } catch (err) {
      // A row is packed whole or not at all: the batch stays readable.
      this.#at = start;
      throw err;
    }
  }

  #value(value: SqlValue): void {
    if (value === null) {
      this.#reserve(1);
      this.#buf[this.#at++] = VALUE.null;
    } else if (typeof value === 'number') {
      this.#reserve(9);
      this.#buf[this.#at] = VALUE.number;
      this.#buf.writeDoubleLE(value, this.#at + 1);
      this.#at += 9;
    } else if (typeof value === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      this.#reserve(5 + value.length * 3);
      const length = this.#buf.write(value, this.#at + 5);
      this.#buf[this.#at] = VALUE.text;
      this.#buf.writeUInt32LE(length, this.#at + 1);
      this.#at += 5 + length;
    } else if (Buffer.isBuffer(value)) {
      this.#reserve(5 + value.length);
      this.#buf[this.#at] = VALUE.blob;
      this.#buf.writeUInt32LE(value.length, this.#at + 1);
      value.copy(this.#buf, this.#at + 5);
      this.#at += 5 + value.length;
    } else {
      throw new TypeError(`a row value must be null, a number, a string or a Buffer, not ${typeof value}`);
    }
  }

  #reserve(bytes: number): void {
    if (this.#at + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#at + bytes));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;
  }
}

/** Rows a PackedRows holds. */
export const packedRowCount = (p: PackedRows): number => p.exchanges + p.messages + p.frames;

/**
 * Reads a batch back into per-table value arrays; BLOB values are views of `packed.bytes`, not copies.
 * Throws if the bytes do not hold the rows the batch counts (a batch is all or nothing).
 */
export const unpackRows = (packed: PackedRows): UnpackedRows => {
  const buf = Buffer.from(packed.bytes, 0, packed.byteLength);
  const out: UnpackedRows = { exchanges: [], messages: [], frames: [] };
  // indexed by table tag (KINDS)
  const widths = [0, PACKED_WIDTHS.exchanges, PACKED_WIDTHS.messages, PACKED_WIDTHS.frames];
  const targets = [null, out.exchanges, out.messages, out.frames];
  let at = 0;
  const need = (bytes: number): void => {
    if (at + bytes > buf.length) throw new Error(`a packed row batch ends mid-value at byte ${at}`);
  };
  while (at < buf.length) {
    const table = buf[at++] as number;
    const target = targets[table];
    if (!target) throw new Error(`a packed row batch holds an unknown table tag ${table} at byte ${at - 1}`);
    for (let v = 0; v < (widths[table] as number); v++) {
      need(1);
      const type = buf[at++];
      if (type === VALUE.null) target.push(null);
      else if (type === VALUE.number) {
        need(8);
        target.push(buf.readDoubleLE(at));
        at += 8;
      } else if (type === VALUE.text || type === VALUE.blob) {
        need(4);
        const length = buf.readUInt32LE(at);
        at += 4;
        need(length);
        target.push(
          type === VALUE.text ? buf.toString('utf8', at, at + length) : buf.subarray(at, at + length),
        );
        at += length;
      } else
        throw new Error(`a packed row batch holds an unknown value tag ${String(type)} at byte ${at - 1}`);
    }
  }
  const counts = {
    exchanges: out.exchanges.length / PACKED_WIDTHS.exchanges,
    messages: out.messages.length / PACKED_WIDTHS.messages,
    frames: out.frames.length / PACKED_WIDTHS.frames,
  };
  if (
    counts.exchanges !== packed.exchanges ||
    counts.messages !== packed.messages ||
    counts.frames !== packed.frames
  ) {
    throw new Error(
      `a packed row batch holds ${counts.exchanges}/${counts.messages}/${counts.frames} rows, ` +
        `not the ${packed.exchanges}/${packed.messages}/${packed.frames} it counts`,
    );
  }
  return out;
};
