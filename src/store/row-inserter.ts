// Inserts row batches into the three row tables with multi-row INSERT statements: the recorder's per-row write cost.
import type { Database, Statement } from 'better-sqlite3';
import { PACKED_WIDTHS, type PackedRows, unpackRows } from './packed-rows.js';
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

export interface RowBatch {
  exchanges?: readonly NewExchange[];
  messages?: readonly NewBayeuxRow[];
  frames?: readonly NewFrameRow[];
}

/**
 * Rows bound per statement, largest first; a batch is cut into as many of the largest as fit, then the
 * next size down. Each `run` pays a fixed cost (better-sqlite3's call, SQLite opening a cursor on the table
 * and each of its indexes) that the rows bound in it share; past 32 rows the share is too small to matter.
 */
const ROWS_PER_RUN = [32, 8, 1] as const;

/** The prepared INSERTs of one table, one per size in ROWS_PER_RUN. */
class TableInserter<Row> {
  readonly #runs: Array<{ rows: number; statement: Statement; params: SqlValue[] }>;
  readonly #toParams: (sessionId: number, row: Row) => SqlValue[];

  constructor(
    db: Database,
    head: string,
    columns: readonly string[],
    toParams: (sessionId: number, row: Row) => SqlValue[],
  ) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    this.#runs = ROWS_PER_RUN.map((rows) => ({
      rows,
      statement: db.prepare(`${head} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`),
      params: new Array<SqlValue>(rows * columns.length),
    }));
    this.#toParams = toParams;
  }

  /** Rows are inserted in their order: with INSERT OR REPLACE, a later row of the same key wins. */
  insert(sessionId: number, rows: readonly Row[]): void {
    this.#insert(rows.length, (params, p, i) => {
      const values = this.#toParams(sessionId, rows[i] as Row);
      for (let v = 0; v < values.length; v++) params[p++] = values[v] as SqlValue;
      return p;
    });
  }

  /** Inserts rows given as their values one after another, `width` per row, session id left out. */
  insertValues(sessionId: number, values: readonly SqlValue[], width: number): void {
    this.#insert(values.length / width, (params, p, i) => {
      params[p++] = sessionId;
      const from = i * width;
      for (let v = 0; v < width; v++) params[p++] = values[from + v] as SqlValue;
      return p;
    });
  }

  /** Runs the statements over `count` rows, each written into the bound values by `fill`. */
  #insert(count: number, fill: (params: SqlValue[], p: number, row: number) => number): void {
    let at = 0;
    for (const { rows: size, statement, params } of this.#runs) {
      for (; count - at >= size; at += size) {
        let p = 0;
        for (let i = at; i < at + size; i++) p = fill(params, p, i);
        statement.run(params);
        // Let go of the bodies bound: they may be large and this array lives as long as the store.
        params.fill(null);
      }
    }
  }
}

/** Prepared inserts for the three row tables, shared by the writer and bulk imports. */
export class RowInserter {
  readonly #exchanges: TableInserter<NewExchange>;
  readonly #messages: TableInserter<NewBayeuxRow>;
  readonly #frames: TableInserter<NewFrameRow>;

  constructor(db: Database) {
    // An exchange may be added again with the same id to complete it (e.g. a WebSocket connection stored
    // at its upgrade and again at its close): the later row replaces the earlier, in one batch too.
    this.#exchanges = new TableInserter(
      db,
      'INSERT OR REPLACE INTO exchanges',
      EXCHANGE_COLUMNS,
      exchangeParams,
    );
    this.#messages = new TableInserter(db, 'INSERT INTO bayeux_messages', MESSAGE_COLUMNS, messageParams);
    this.#frames = new TableInserter(db, 'INSERT INTO ws_frames', FRAME_COLUMNS, frameParams);
  }

  /** Inserts the rows; the caller owns the transaction. */
  insert(sessionId: number, rows: RowBatch): void {
    if (rows.exchanges?.length) this.#exchanges.insert(sessionId, rows.exchanges);
    if (rows.messages?.length) this.#messages.insert(sessionId, rows.messages);
    if (rows.frames?.length) this.#frames.insert(sessionId, rows.frames);
  }

  /** Inserts a batch RowPacker made (on another thread, maybe); the caller owns the transaction. */
  insertPacked(sessionId: number, packed: PackedRows): void {
    const rows = unpackRows(packed);
    this.#exchanges.insertValues(sessionId, rows.exchanges, PACKED_WIDTHS.exchanges);
    this.#messages.insertValues(sessionId, rows.messages, PACKED_WIDTHS.messages);
    this.#frames.insertValues(sessionId, rows.frames, PACKED_WIDTHS.frames);
  }
}
