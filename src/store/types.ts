// The recording's data model: sessions, HTTP exchanges, Bayeux messages and WebSocket frames, as stored and read back.
//
// Times: every `...Ms` field is ms since the session's origin on one monotonic clock (fractional, sub-ms);
// `Session.originWallMs` anchors that origin to the wall clock.
// Ids: `Exchange.id`, `BayeuxRow.id` and `FrameRow.id` are sequence numbers within their session (1, 2, ...),
// allocated by the session's writer when the thing starts, so rows can point at each other before they are written.

/** Raw header pairs in the order they came, duplicates kept (Node's rawHeaders paired up). */
export type HeaderList = Array<[name: string, value: string]>;

export type Direction = 'to-server' | 'to-client';

/** 'long-polling' also covers callback-polling; 'websocket' is a Bayeux message carried in a WebSocket frame */
export type MessageTransport = 'long-polling' | 'websocket';

/** Why a row is marked as unusual. Stored as a JSON array of these strings. */
export type RowFlag =
  /** a body that was meant to be JSON (notifications path, JSON content type) did not parse */
  | 'malformed-json'
  /** JSON on the notifications path that is not an array/object of Bayeux messages */
  | 'not-bayeux'
  /** a body or frame longer than the recorder's max body size: stored cut, counted whole */
  | 'truncated'
  /** the client went away before the exchange ended */
  | 'client-aborted'
  /** the upstream could not be reached; the client got a 502 from the proxy */
  | 'upstream-unreachable'
  /** the upstream closed or reset the connection mid-exchange */
  | 'upstream-reset'
  /**
   * a secret was replaced by "[REDACTED]"; or a body came in a Content-Encoding the recorder could not undo,
   * so it could not be checked for secrets and was not stored (its byte count was)
   */
  | 'redacted';

export type SessionSource = 'record' | 'har-import';

export interface Session {
  id: number;
  /** --name given to `record`, or the HAR file name on import; null if none */
  name: string | null;
  /** upstream origin the proxy forwarded to (e.g. "http://127.0.0.1:8080"); for an import, the origin seen in the HAR */
  upstream: string;
  source: SessionSource;
  /** origin the recorder served clients on ("http://127.0.0.1:8090"): absolute URLs in recorded client requests use it; null for imports */
  listenOrigin: string | null;
  /** wall-clock ms since the epoch of atMs 0 */
  originWallMs: number;
  /** ISO-8601 of originWallMs */
  startedAt: string;
  /** ISO-8601 of the moment the session was closed; null while recording, or if the recorder was killed */
  endedAt: string | null;
  /** Bayeux path prefix the recorder decoded (default "/api/v2/notifications") */
  notificationsPath: string;
  /**
   * other origins the upstream wrote into its answers (`--rewrite-origin`: the load balancer GWS's
   * externalApiUrlV2 names, say), rewritten to the recorder's origin like `upstream`; [] if none
   */
  rewriteOrigins: string[];
}

export interface SessionSummary extends Session {
  /** HTTP request/response pairs, WebSocket upgrades included */
  exchanges: number;
  /** Bayeux messages, both directions, both transports */
  messages: number;
  /** WebSocket frames, both directions */
  frames: number;
  /** time of the latest thing recorded (ms since origin: an exchange's end or start, a message, a frame); null if nothing */
  lastAtMs: number | null;
}

/** 'http' plain REST; 'bayeux' a long-poll POST on the notifications path; 'websocket' an upgrade and its connection */
export type ExchangeKind = 'http' | 'bayeux' | 'websocket';

export interface Exchange {
  /** sequence number within the session */
  id: number;
  sessionId: number;
  kind: ExchangeKind;
  method: string;
  /** path without the query, as the client sent it */
  path: string;
  /** raw query string without '?'; '' if none */
  query: string;
  requestHeaders: HeaderList;
  /** body as stored (redacted, maybe truncated); null if the request had none */
  requestBody: Buffer | null;
  /** bytes the client really sent */
  requestBodyBytes: number;
  /** HTTP status the client got; null if it never got one (client aborted first) */
  status: number | null;
  /** null if no response started */
  responseHeaders: HeaderList | null;
  /** body as stored (as the upstream sent it, redacted, maybe truncated); null if none */
  responseBody: Buffer | null;
  /** bytes the upstream really sent */
  responseBodyBytes: number;
  /** request start: first byte of the request seen by the proxy */
  startMs: number;
  /** first byte of the response seen by the proxy; null if none came */
  firstByteMs: number | null;
  /** response fully sent to the client (websocket: connection closed); null if it never ended cleanly */
  endMs: number | null;
  /** what went wrong, for people ("upstream unreachable: connect ECONNREFUSED 127.0.0.1:9"); null if nothing */
  error: string | null;
  flags: RowFlag[];
}

export interface BayeuxRow {
  /** sequence number within the session */
  id: number;
  sessionId: number;
  /** the long-poll exchange or the WebSocket connection (its upgrade exchange) that carried it */
  exchangeId: number | null;
  direction: Direction;
  transport: MessageTransport;
  /** e.g. "/meta/connect", "/v2/me/calls"; null only if the message had none */
  channel: string | null;
  clientId: string | null;
  /** Bayeux message id */
  messageId: string | null;
  /** null when the message has no `successful` field (requests, data deliveries) */
  successful: boolean | null;
  /** when the message passed the proxy; for a held /meta/connect's response, when that response passed */
  atMs: number;
  /** the whole message as it was sent (redacted) */
  message: Record<string, unknown>;
}

export type FrameOpcode = 'text' | 'binary' | 'ping' | 'pong' | 'close';

export interface FrameRow {
  /** sequence number within the session */
  id: number;
  sessionId: number;
  /** the upgrade exchange of the connection */
  exchangeId: number;
  direction: Direction;
  opcode: FrameOpcode;
  atMs: number;
  /** payload as stored (redacted, maybe truncated); for 'close', the close code as two bytes and the reason */
  payload: Buffer;
  /** bytes really sent */
  payloadBytes: number;
  flags: RowFlag[];
}

/** Rows handed to the writer: everything but the session, which the writer knows. */
export type NewExchange = Omit<Exchange, 'sessionId'>;
export type NewBayeuxRow = Omit<BayeuxRow, 'sessionId'>;
export type NewFrameRow = Omit<FrameRow, 'sessionId'>;

export interface NewSession {
  name: string | null;
  upstream: string;
  source: SessionSource;
  listenOrigin: string | null;
  originWallMs: number;
  notificationsPath: string;
  /** [] if left out */
  rewriteOrigins?: string[];
}

/** How the writer is doing; failures never reach traffic, they are counted here. */
export interface WriterStats {
  rowsWritten: number;
  rowsFailed: number;
  batches: number;
  /** message of the most recent failure; null if none */
  lastError: string | null;
}

/** Filters shared by the query functions and the dashboard API; all optional, times in ms since origin. */
export interface RowFilter {
  fromMs?: number;
  toMs?: number;
  channel?: string;
  direction?: Direction;
  /** substring searched in the message JSON (bayeux), path and query (exchanges), payload (frames) */
  text?: string;
  offset?: number;
  limit?: number;
}

// Per-table filters. Times: fromMs and toMs are both inclusive, on startMs (exchanges) or atMs (messages, frames).
// `channel` is exact, or a Bayeux wildcard: "/v2/me/*" (one more segment), "/v2/**" (any depth).
// `text` is a case-insensitive (ASCII) substring. Fields a table does not have are ignored
// (`channel` for exchanges and frames, `direction` for exchanges).

export interface ExchangeFilter extends RowFilter {
  kind?: ExchangeKind;
  /** exact, e.g. "POST" */
  method?: string;
  /** exact path without the query */
  path?: string;
}

export interface MessageFilter extends RowFilter {
  clientId?: string;
  /** messages carried by this exchange (long-poll POST or WebSocket connection) */
  exchangeId?: number;
  transport?: MessageTransport;
}

export interface FrameFilter extends RowFilter {
  exchangeId?: number;
  opcode?: FrameOpcode;
}
