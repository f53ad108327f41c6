// Inserts row batches into the three row tables with multi-row INSERT statements: the recorder's per-row write cost.
import type { Database, Statement } from 'better-sqlite3';
import { EXCHANGE_COLUMNS, FRAME_COLUMNS, MESSAGE_COLUMNS, type SqlValue } from './row-codec.js';
import { RowCollector, type RowValues } from './row-values.js';
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
class TableInserter {
  readonly #runs: Array<{ rows: number; statement: Statement; params: SqlValue[] }>;
  /** values per row, session id left out */
  readonly #width: number;

  constructor(db: Database, head: string, columns: readonly string[]) {
    const tuple = `(${columns.map(() => '?').join(', ')})`;
    this.#runs = ROWS_PER_RUN.map((rows) => ({
      rows,
      statement: db.prepare(`${head} (${columns.join(', ')}) VALUES ${Array(rows).fill(tuple).join(', ')}`),
      params: new Array<SqlValue>(rows * columns.length),
    }));
    this.#width = columns.length - 1;
  }

  /**
   * Inserts rows given as their values one after another, session id left out, in their order: with
   * INSERT OR REPLACE, a later row of the same key wins.
   */
  insert(sessionId: number, values: readonly SqlValue[]): void {
    const width = this.#width;
    const count = values.length / width;
    let at = 0;
    for (const { rows: size, statement, params } of this.#runs) {
      for (; count - at >= size; at += size) {
        let p = 0;
        for (let row = at; row < at + size; row++) {
          params[p++] = sessionId;
          const from = row * width;
          for (let v = 0; v < width; v++) params[p++] = values[from + v] as SqlValue;
        }
        // Spread, not the array: better-sqlite3 looks each of an array's values up through V8's object API
        // (a property lookup per value, 5-7% of the store worker's CPU profile); arguments it reads directly.
        // Safe as every value is a SqlValue (checked as rows are added), never an array a spread would flatten.
        statement.run(...params);
        // Let go of the bodies bound: they may be large and this array lives as long as the store.
        params.fill(null);
      }
    }
  }
}

/** Prepared inserts for the three row tables, shared by the writer and bulk imports. */
export class RowInserter {
  readonly #exchanges: TableInserter;
  readonly #messages: TableInserter;
  readonly #frames: TableInserter;

  constructor(db: Database) {
    // An exchange may be added again with the same id to complete it (e.g. a WebSocket connection stored
    // at its upgrade and again at its close): the later row replaces the earlier, in one batch too.
    this.#exchanges = new TableInserter(db, 'INSERT OR REPLACE INTO exchanges', EXCHANGE_COLUMNS);
    this.#messages = new TableInserter(db, 'INSERT INTO bayeux_messages', MESSAGE_COLUMNS);
    this.#frames = new TableInserter(db, 'INSERT INTO ws_frames', FRAME_COLUMNS);
  }

  /**
   * Inserts the rows; the caller owns the transaction. They are collected first, as the writer's are, so
   * both reach the tables by the one path below; a value SQLite cannot take throws before any is inserted.
   */
  insert(sessionId: number, rows: RowBatch): void {
    const collector = new RowCollector();
    for (const row of rows.exchanges ?? []) collector.add('exchange', row);
    for (const row of rows.messages ?? []) collector.add('message', row);
    for (const row of rows.frames ?? []) collector.add('frame', row);
    const values = collector.take();
    if (values) this.insertValues(sessionId, values);
  }

  /** Inserts a batch of row values (collected here, or unpacked from another thread); the caller owns the transaction. */
  insertValues(sessionId: number, rows: RowValues): void {
    this.#exchanges.insert(sessionId, rows.exchanges);
    this.#messages.insert(sessionId, rows.messages);
    this.#frames.insert(sessionId, rows.frames);
  }
}
