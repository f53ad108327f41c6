// Rows packed into bytes as they are added, for another thread: the bytes move there without a copy.
import type { SqlValue } from './row-codec.js';
import {
  checkSqlValue,
  emptyRowValues,
  ROW_KINDS,
  ROW_WIDTHS,
  type RowKind,
  type RowKinds,
  type RowTable,
  type RowValues,
} from './row-values.js';

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

/** Each table's tag in the bytes; TABLES[tag] reads it back. */
const TAGS: Record<RowTable, number> = { exchanges: 1, messages: 2, frames: 3 };
const TABLES: Array<RowTable | undefined> = [];
for (const [table, tag] of Object.entries(TAGS)) TABLES[tag] = table as RowTable;

type Counts = Pick<PackedRows, RowTable>;
const VALUE = { null: 0, number: 1, text: 2, blob: 3 } as const;

/** Bounds of a fresh batch buffer's size, which follows the size of the batch before it. */
const MIN_BYTES = 16 * 1024;
const MAX_START_BYTES = 4 * 1024 * 1024;

/**
 * Packs rows as they come into bytes another thread can be handed (the off-thread writer's); `take` hands
 * the batch over and starts a new one. A writer on its own thread keeps rows as values (RowCollector).
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
    const { table, params } = ROW_KINDS[kind];
    this.#row(TAGS[table], params(0, row));
    this.#counts[table] += 1;
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
      const length = writeText(this.#buf, value, this.#at + 5);
      this.#buf[this.#at] = VALUE.text;
      this.#buf.writeUInt32LE(length, this.#at + 1);
      this.#at += 5 + length;
    } else if (Buffer.isBuffer(value)) {
      this.#reserve(5 + value.length);
      this.#buf[this.#at] = VALUE.blob;
      this.#buf.writeUInt32LE(value.length, this.#at + 1);
      this.#buf.set(value, this.#at + 5);
      this.#at += 5 + value.length;
    } else {
      checkSqlValue(value);
    }
  }

  #reserve(bytes: number): void {
    if (this.#at + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.#buf.length * 2, this.#at + bytes));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;
  }
}

/** Short ASCII strings (a row's kind, method, path, flags) are copied here: cheaper than a call into C++. */
const MAX_COPIED_TEXT = 32;

/** Writes `text` as UTF-8 at `at` (room for it reserved); returns the bytes written. */
const writeText = (buf: Buffer, text: string, at: number): number => {
  if (text.length <= MAX_COPIED_TEXT) {
    let i = 0;
    for (; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0x80) break;
      buf[at + i] = unit;
    }
    if (i === text.length) return i;
  }
  return buf.write(text, at);
};

/** Rows a PackedRows holds. */
export const packedRowCount = (p: PackedRows): number => p.exchanges + p.messages + p.frames;

/**
 * Reads a batch back into the values its rows bind; BLOB values are views of `packed.bytes`, not copies.
 * Throws if the bytes do not hold the rows the batch counts (a batch is all or nothing).
 */
export const unpackRows = (packed: PackedRows): RowValues => {
  const buf = Buffer.from(packed.bytes, 0, packed.byteLength);
  const out = emptyRowValues();
  let at = 0;
  const need = (bytes: number): void => {
    if (at + bytes > buf.length) throw new Error(`a packed row batch ends mid-value at byte ${at}`);
  };
  while (at < buf.length) {
    const tag = buf[at++] as number;
    const table = TABLES[tag];
    if (!table) throw new Error(`a packed row batch holds an unknown table tag ${tag} at byte ${at - 1}`);
    const target = out[table];
    for (let v = 0; v < ROW_WIDTHS[table]; v++) {
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
    exchanges: out.exchanges.length / ROW_WIDTHS.exchanges,
    messages: out.messages.length / ROW_WIDTHS.messages,
    frames: out.frames.length / ROW_WIDTHS.frames,
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
