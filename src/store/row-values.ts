// Rows as their INSERTs bind them, collected per table in the order they come: what every batch is written from.
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
 * A batch of rows, per table: each row's INSERT values (session id left out) one after another, in the
 * order the rows were added. The writer on the forwarding thread collects rows straight into this; a batch
 * packed on another thread (PackedRows) is unpacked into it. Either way one insert path writes it.
 */
export interface RowValues {
  exchanges: SqlValue[];
  messages: SqlValue[];
  frames: SqlValue[];
}
export type RowTable = keyof RowValues;

/** Values per row of each table once session_id is left out. */
export const ROW_WIDTHS: Readonly<Record<RowTable, number>> = {
  exchanges: EXCHANGE_COLUMNS.length - 1,
  messages: MESSAGE_COLUMNS.length - 1,
  frames: FRAME_COLUMNS.length - 1,
};

/** The row a writer takes for each kind. */
export interface RowKinds {
  exchange: NewExchange;
  message: NewBayeuxRow;
  frame: NewFrameRow;
}
export type RowKind = keyof RowKinds;

/** Per kind: the table its rows go to and its INSERT parameters (session id first). */
export const ROW_KINDS: {
  [K in RowKind]: { table: RowTable; params: (sessionId: number, row: RowKinds[K]) => SqlValue[] };
} = {
  exchange: { table: 'exchanges', params: exchangeParams },
  message: { table: 'messages', params: messageParams },
  frame: { table: 'frames', params: frameParams },
};

export const emptyRowValues = (): RowValues => ({ exchanges: [], messages: [], frames: [] });

/** Rows a batch holds. */
export const rowValueCount = (v: RowValues): number =>
  v.exchanges.length / ROW_WIDTHS.exchanges +
  v.messages.length / ROW_WIDTHS.messages +
  v.frames.length / ROW_WIDTHS.frames;

/** Throws unless `value` is one SQLite can take as a parameter: a row is refused whole before any of it is kept. */
export const checkSqlValue = (value: unknown): void => {
  if (value === null || typeof value === 'number' || typeof value === 'string' || Buffer.isBuffer(value))
    return;
  throw new TypeError(`a row value must be null, a number, a string or a Buffer, not ${typeof value}`);
};

/**
 * Collects rows as the values their INSERTs bind, so a batch is bound from them as they are: no copy of the
 * bodies, no encoding and decoding of every string on the way (`npm run bench -- --only=writer` prints what
 * adding and writing a row cost). `take` hands the batch over and starts a new one.
 */
export class RowCollector {
  #values = emptyRowValues();
  #rows = 0;

  /** rows added since the last `take` */
  get rows(): number {
    return this.#rows;
  }

  /** Adds one row; throws (adding nothing of it) if a value is not one SQLite can take. */
  add<K extends RowKind>(kind: K, row: RowKinds[K]): void {
    const { table, params } = ROW_KINDS[kind];
    const values = params(0, row);
    for (let i = 1; i < values.length; i++) checkSqlValue(values[i]);
    const target = this.#values[table];
    for (let i = 1; i < values.length; i++) target.push(values[i] as SqlValue);
    this.#rows += 1;
  }

  /** The rows added so far, or null if none; the collector starts over. */
  take(): RowValues | null {
    if (this.#rows === 0) return null;
    const values = this.#values;
    this.#values = emptyRowValues();
    this.#rows = 0;
    return values;
  }
}
