// Converts between the data model's rows (types.ts) and the SQL columns of schema.ts, both ways.
import type {
  BayeuxRow,
  Exchange,
  FrameRow,
  HeaderList,
  NewBayeuxRow,
  NewExchange,
  NewFrameRow,
  RowFlag,
  Session,
  SessionSummary,
} from './types.js';

/** Column lists, in the order the INSERT statements bind them. */
export const EXCHANGE_COLUMNS = [
  'session_id',
  'id',
  'kind',
  'method',
  'path',
  'query',
  'request_headers',
  'request_body',
  'request_body_bytes',
  'status',
  'response_headers',
  'response_body',
  'response_body_bytes',
  'start_ms',
  'first_byte_ms',
  'end_ms',
  'error',
  'flags',
] as const;

export const MESSAGE_COLUMNS = [
  'session_id',
  'id',
  'exchange_id',
  'direction',
  'transport',
  'channel',
  'client_id',
  'message_id',
  'successful',
  'at_ms',
  'message',
] as const;

export const FRAME_COLUMNS = [
  'session_id',
  'id',
  'exchange_id',
  'direction',
  'opcode',
  'at_ms',
  'payload',
  'payload_bytes',
  'flags',
] as const;

/** A value an INSERT binds: what better-sqlite3 takes for TEXT, REAL/INTEGER, BLOB and NULL. */
export type SqlValue = string | number | Buffer | null;

const json = (value: unknown): string => JSON.stringify(value);

// What JSON.stringify escapes in a string (quote, backslash, controls, lone surrogates): then it encodes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A header list's JSON, exactly as JSON.stringify writes it. Written for every exchange recorded, twice:
 * header text almost never needs escaping, so the pairs are joined directly, without JSON.stringify's
 * toJSON lookup on each pair.
 */
export const headersJson = (headers: HeaderList): string => {
  let out = '[';
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as [string, string];
    if (NEEDS_ESCAPE.test(name) || NEEDS_ESCAPE.test(value)) return JSON.stringify(headers);
    out += i === 0 ? `["${name}","${value}"]` : `,["${name}","${value}"]`;
  }
  return `${out}]`;
};

const flagsJson = (flags: readonly RowFlag[]): string => (flags.length === 0 ? '[]' : json(flags));

export const exchangeParams = (sessionId: number, e: NewExchange): SqlValue[] => [
  sessionId,
  e.id,
  e.kind,
  e.method,
  e.path,
  e.query,
  headersJson(e.requestHeaders),
  e.requestBody,
  e.requestBodyBytes,
  e.status,
  e.responseHeaders === null ? null : headersJson(e.responseHeaders),
  e.responseBody,
  e.responseBodyBytes,
  e.startMs,
  e.firstByteMs,
  e.endMs,
  e.error,
  flagsJson(e.flags),
];

export const messageParams = (sessionId: number, m: NewBayeuxRow): SqlValue[] => [
  sessionId,
  m.id,
  m.exchangeId,
  m.direction,
  m.transport,
  m.channel,
  m.clientId,
  m.messageId,
  m.successful === null ? null : m.successful ? 1 : 0,
  m.atMs,
  json(m.message),
];

export const frameParams = (sessionId: number, f: NewFrameRow): SqlValue[] => [
  sessionId,
  f.id,
  f.exchangeId,
  f.direction,
  f.opcode,
  f.atMs,
  f.payload,
  f.payloadBytes,
  flagsJson(f.flags),
];

// Row tables are read in raw mode (arrays, not objects): a session of a million rows is read several times
// faster, and the decoders below read each column by its place in the *_COLUMNS lists.

/** An exchanges row as `SELECT ${EXCHANGE_COLUMNS}` returns it in raw mode. */
export type ExchangeSqlRow = [
  session_id: number,
  id: number,
  kind: Exchange['kind'],
  method: string,
  path: string,
  query: string,
  request_headers: string,
  request_body: Buffer | null,
  request_body_bytes: number,
  status: number | null,
  response_headers: string | null,
  response_body: Buffer | null,
  response_body_bytes: number,
  start_ms: number,
  first_byte_ms: number | null,
  end_ms: number | null,
  error: string | null,
  flags: string,
];

export type MessageSqlRow = [
  session_id: number,
  id: number,
  exchange_id: number | null,
  direction: BayeuxRow['direction'],
  transport: BayeuxRow['transport'],
  channel: string | null,
  client_id: string | null,
  message_id: string | null,
  successful: number | null,
  at_ms: number,
  message: string,
];

export type FrameSqlRow = [
  session_id: number,
  id: number,
  exchange_id: number,
  direction: FrameRow['direction'],
  opcode: FrameRow['opcode'],
  at_ms: number,
  payload: Buffer,
  payload_bytes: number,
  flags: string,
];

/** A row table as the read queries see it: its columns in raw-row order, and where its (time, id) order key sits. */
export interface RowTable {
  name: 'exchanges' | 'bayeux_messages' | 'ws_frames';
  /** "session_id, id, ..." in the order of the *SqlRow tuple */
  select: string;
  time: 'start_ms' | 'at_ms';
  timeAt: number;
  idAt: number;
}

const rowTable = (name: RowTable['name'], columns: readonly string[], time: RowTable['time']): RowTable => ({
  name,
  select: columns.join(', '),
  time,
  timeAt: columns.indexOf(time),
  idAt: columns.indexOf('id'),
});

export const EXCHANGES = rowTable('exchanges', EXCHANGE_COLUMNS, 'start_ms');
export const MESSAGES = rowTable('bayeux_messages', MESSAGE_COLUMNS, 'at_ms');
export const FRAMES = rowTable('ws_frames', FRAME_COLUMNS, 'at_ms');

export interface SessionSqlRow {
  id: number;
  name: string | null;
  upstream: string;
  source: Session['source'];
  listen_origin: string | null;
  origin_wall_ms: number;
  started_at: string;
  ended_at: string | null;
  notifications_path: string;
  /** JSON array; absent from a version-1 file, which a read-only connection reads as it is */
  rewrite_origins?: string;
}

export interface SessionSummarySqlRow extends SessionSqlRow {
  exchanges: number;
  messages: number;
  frames: number;
  last_at_ms: number | null;
}

export const toExchange = (r: ExchangeSqlRow): Exchange => ({
  id: r[1],
  sessionId: r[0],
  kind: r[2],
  method: r[3],
  path: r[4],
  query: r[5],
  requestHeaders: JSON.parse(r[6]) as HeaderList,
  requestBody: r[7],
  requestBodyBytes: r[8],
  status: r[9],
  responseHeaders: r[10] === null ? null : (JSON.parse(r[10]) as HeaderList),
  responseBody: r[11],
  responseBodyBytes: r[12],
  startMs: r[13],
  firstByteMs: r[14],
  endMs: r[15],
  error: r[16],
  flags: JSON.parse(r[17]) as RowFlag[],
});

export const toBayeuxRow = (r: MessageSqlRow): BayeuxRow => ({
  id: r[1],
  sessionId: r[0],
  exchangeId: r[2],
  direction: r[3],
  transport: r[4],
  channel: r[5],
  clientId: r[6],
  messageId: r[7],
  successful: r[8] === null ? null : r[8] !== 0,
  atMs: r[9],
  message: JSON.parse(r[10]) as Record<string, unknown>,
});

export const toFrameRow = (r: FrameSqlRow): FrameRow => ({
  id: r[1],
  sessionId: r[0],
  exchangeId: r[2],
  direction: r[3],
  opcode: r[4],
  atMs: r[5],
  payload: r[6],
  payloadBytes: r[7],
  flags: JSON.parse(r[8]) as RowFlag[],
});

export const toSession = (r: SessionSqlRow): Session => ({
  id: r.id,
  name: r.name,
  upstream: r.upstream,
  source: r.source,
  listenOrigin: r.listen_origin,
  originWallMs: r.origin_wall_ms,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  notificationsPath: r.notifications_path,
  rewriteOrigins: readOrigins(r.rewrite_origins),
});

/**
 * sessions.rewrite_origins as written: a JSON array of strings. Absent (a version-1 file) or anything else (a
 * file edited by hand) reads as none, so that the session's rows stay readable.
 */
const readOrigins = (text: string | undefined): string[] => {
  if (text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((o) => typeof o === 'string') ? value : [];
  } catch {
    return [];
  }
};

export const toSessionSummary = (r: SessionSummarySqlRow): SessionSummary => ({
  ...toSession(r),
  exchanges: r.exchanges,
  messages: r.messages,
  frames: r.frames,
  lastAtMs: r.last_at_ms,
});
