// Row batches as SQL values in flat arrays plus one transferable buffer of bytes: cheap to hand to a worker thread.
import {
  EXCHANGE_COLUMNS,
  exchangeParams,
  FRAME_COLUMNS,
  frameParams,
  MESSAGE_COLUMNS,
  messageParams,
} from './row-codec.js';
import type { RowBatch } from './row-inserter.js';

/**
 * A RowBatch encoded for `postMessage`: each table's rows as the values its INSERT binds, session id left
 * out, in one flat array; BLOB columns hold an index into `spans` (or null), whose [offset, length] pairs
 * locate the bytes in `blob`. Structured clone copies flat strings and numbers fast and builds no row
 * objects on the other side; `blob` is transferred, not copied: pass `[encoded.blob]` as transfer list.
 */
export interface EncodedRows {
  exchanges: number;
  messages: number;
  frames: number;
  /** exchanges' values, then messages', then frames', each row `columns - 1` values */
  values: Array<string | number | null>;
  spans: number[];
  blob: ArrayBuffer;
}

type SqlValue = string | number | Buffer | null;

/** Columns after session_id, per table, and which of them are BLOBs (indexes into a row's values). */
export const ENCODED_TABLES = {
  exchanges: { width: EXCHANGE_COLUMNS.length - 1, blobs: blobColumns(EXCHANGE_COLUMNS) },
  messages: { width: MESSAGE_COLUMNS.length - 1, blobs: blobColumns(MESSAGE_COLUMNS) },
  frames: { width: FRAME_COLUMNS.length - 1, blobs: blobColumns(FRAME_COLUMNS) },
} as const;

function blobColumns(columns: readonly string[]): number[] {
  const blobs = new Set(['request_body', 'response_body', 'payload']);
  return columns.flatMap((column, i) => (blobs.has(column) ? [i - 1] : []));
}

/** Encodes a batch (on the thread that recorded it); the rows' own buffers are copied into `blob`. */
export const encodeRows = (rows: RowBatch): EncodedRows => {
  const values: Array<string | number | null> = [];
  const buffers: Buffer[] = [];
  const spans: number[] = [];
  let blobBytes = 0;
  const add = (params: SqlValue[]): void => {
    for (let i = 1; i < params.length; i++) {
      const value = params[i] as SqlValue;
      if (!Buffer.isBuffer(value)) {
        values.push(value);
        continue;
      }
      values.push(spans.length / 2);
      spans.push(blobBytes, value.length);
      buffers.push(value);
      blobBytes += value.length;
    }
  };
  for (const e of rows.exchanges ?? []) add(exchangeParams(0, e));
  for (const m of rows.messages ?? []) add(messageParams(0, m));
  for (const f of rows.frames ?? []) add(frameParams(0, f));
  // Its own ArrayBuffer (never a slice of Node's shared pool), so that it can be transferred.
  const blob = Buffer.allocUnsafeSlow(blobBytes);
  let at = 0;
  for (const buffer of buffers) at += buffer.copy(blob, at);
  return {
    exchanges: rows.exchanges?.length ?? 0,
    messages: rows.messages?.length ?? 0,
    frames: rows.frames?.length ?? 0,
    values,
    spans,
    blob: blob.buffer as ArrayBuffer,
  };
};

/** How many rows an encoded batch holds. */
export const encodedRowCount = (e: EncodedRows): number => e.exchanges + e.messages + e.frames;
