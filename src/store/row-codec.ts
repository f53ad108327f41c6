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

type SqlValue = string | number | Buffer | null;

const json = (value: unknown): string => JSON.stringify(value);

export const exchangeParams = (sessionId: number, e: NewExchange): SqlValue[] => [
  sessionId,
  e.id,
  e.kind,
  e.method,
  e.path,
  e.query,
  json(e.requestHeaders),
  e.requestBody,
  e.requestBodyBytes,
  e.status,
  e.responseHeaders === null ? null : json(e.responseHeaders),
  e.responseBody,
  e.responseBodyBytes,
  e.startMs,
  e.firstByteMs,
  e.endMs,
  e.error,
  json(e.flags),
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
  json(f.flags),
];

export interface ExchangeSqlRow {
  session_id: number;
  id: number;
  kind: Exchange['kind'];
  method: string;
  path: string;
  query: string;
  request_headers: string;
  request_body: Buffer | null;
  request_body_bytes: number;
  status: number | null;
  response_headers: string | null;
  response_body: Buffer | null;
  response_body_bytes: number;
  start_ms: number;
  first_byte_ms: number | null;
  end_ms: number | null;
  error: string | null;
  flags: string;
}

export interface MessageSqlRow {
  session_id: number;
  id: number;
  exchange_id: number | null;
  direction: BayeuxRow['direction'];
  transport: BayeuxRow['transport'];
  channel: string | null;
  client_id: string | null;
  message_id: string | null;
  successful: number | null;
  at_ms: number;
  message: string;
}

export interface FrameSqlRow {
  session_id: number;
  id: number;
  exchange_id: number;
  direction: FrameRow['direction'];
  opcode: FrameRow['opcode'];
  at_ms: number;
  payload: Buffer;
  payload_bytes: number;
  flags: string;
}

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
}

export interface SessionSummarySqlRow extends SessionSqlRow {
  exchanges: number;
  messages: number;
  frames: number;
  last_at_ms: number | null;
}

export const toExchange = (r: ExchangeSqlRow): Exchange => ({
  id: r.id,
  sessionId: r.session_id,
  kind: r.kind,
  method: r.method,
  path: r.path,
  query: r.query,
  requestHeaders: JSON.parse(r.request_headers) as HeaderList,
  requestBody: r.request_body,
  requestBodyBytes: r.request_body_bytes,
  status: r.status,
  responseHeaders: r.response_headers === null ? null : (JSON.parse(r.response_headers) as HeaderList),
  responseBody: r.response_body,
  responseBodyBytes: r.response_body_bytes,
  startMs: r.start_ms,
  firstByteMs: r.first_byte_ms,
  endMs: r.end_ms,
  error: r.error,
  flags: JSON.parse(r.flags) as RowFlag[],
});

export const toBayeuxRow = (r: MessageSqlRow): BayeuxRow => ({
  id: r.id,
  sessionId: r.session_id,
  exchangeId: r.exchange_id,
  direction: r.direction,
  transport: r.transport,
  channel: r.channel,
  clientId: r.client_id,
  messageId: r.message_id,
  successful: r.successful === null ? null : r.successful !== 0,
  atMs: r.at_ms,
  message: JSON.parse(r.message) as Record<string, unknown>,
});

export const toFrameRow = (r: FrameSqlRow): FrameRow => ({
  id: r.id,
  sessionId: r.session_id,
  exchangeId: r.exchange_id,
  direction: r.direction,
  opcode: r.opcode,
  atMs: r.at_ms,
  payload: r.payload,
  payloadBytes: r.payload_bytes,
  flags: JSON.parse(r.flags) as RowFlag[],
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
});

export const toSessionSummary = (r: SessionSummarySqlRow): SessionSummary => ({
  ...toSession(r),
  exchanges: r.exchanges,
  messages: r.messages,
  frames: r.frames,
  lastAtMs: r.last_at_ms,
});
