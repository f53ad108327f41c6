// HAR 1.2 as gws-vcr writes and reads it: the standard fields, Chrome's `_` extensions, and ours (`_gwsVcr`).
//
// Spec: http://www.softwareishard.com/blog/har-12-spec/ . Chrome DevTools adds `_resourceType`, `_initiator`,
// `_priority`, `_transferSize` and, on a WebSocket entry, `_webSocketMessages`. Custom fields must start with
// `_` (spec, "Custom Fields"); ours live under `_gwsVcr` so that a gws-vcr export imports back losslessly.
import type {
  ExchangeKind,
  NewBayeuxRow,
  NewExchange,
  NewFrameRow,
  NewSession,
  RowFlag,
  SessionSource,
} from './types.js';

export interface HarNameValue {
  name: string;
  value: string;
  comment?: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string | null;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

export interface HarPostData {
  mimeType: string;
  text?: string;
  params?: Array<HarNameValue & { fileName?: string; contentType?: string }>;
  /** ours: 'base64' when `text` holds base64 of a body that is not UTF-8 (HAR 1.2 has no encoding here) */
  _encoding?: 'base64';
}

export interface HarRequest {
  method: string;
  /** absolute URL: `https://host/path?query` (Chrome writes `wss://` for a WebSocket) */
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  postData?: HarPostData;
  /** -1 when not known */
  headersSize: number;
  /** -1 when not known; 0 when there is no body */
  bodySize: number;
}

export interface HarContent {
  /** length of the decoded body in bytes */
  size: number;
  compression?: number;
  mimeType: string;
  /** absent when the body is not known; base64 when `encoding` says so */
  text?: string;
  encoding?: string;
}

export interface HarResponse {
  /** 0 when no response came (Chrome's convention for a failed or cancelled request) */
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** Chrome: bytes on the wire, headers included */
  _transferSize?: number;
  /** Chrome: why the request failed, e.g. "net::ERR_CONNECTION_REFUSED" */
  _error?: string | null;
}

/** ms; -1 when it does not apply. `send`, `wait` and `receive` are required and never -1. */
export interface HarTimings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}

/** One WebSocket frame as Chrome writes it in `_webSocketMessages`. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** wall clock, seconds since the epoch (fractional) */
  time: number;
  /** RFC 6455 opcode: 1 text, 2 binary, 8 close, 9 ping, 10 pong */
  opcode: number;
  /** text frames as text; other frames base64 */
  data: string;
  /** ours: the frame row's exact fields */
  _gwsVcr?: HarFrameExtra;
}

export interface HarFrameExtra {
  id: number;
  /** exact atMs (the `time` above is rounded by the double it is written as) */
  atMs: number;
  payloadBytes: number;
  flags: RowFlag[];
  /** the payload is base64 in `data` even though the opcode is text (not valid UTF-8, e.g. truncated) */
  isBase64?: boolean;
}

/** A frame kept at the log level, with the exchange it belongs to. */
export interface HarOrphanFrame extends HarWebSocketMessage {
  exchangeId: number;
}

/** What HAR has no place for, per exchange: exact times and ids, flags, sizes, absent-vs-empty. */
export interface HarEntryExtra {
  id: number;
  kind: ExchangeKind;
  startMs: number;
  firstByteMs: number | null;
  endMs: number | null;
  /** null when the client got no status (HAR has 0) */
  status: number | null;
  /** false when no response started (HAR has []) */
  hasResponseHeaders: boolean;
  requestBodyBytes: number;
  responseBodyBytes: number;
  error: string | null;
  flags: RowFlag[];
  /** the path and raw query exactly as stored (a reader of the URL might re-encode them) */
  path: string;
  query: string;
  /** base64 of the stored response body when `content.text` holds its decoded (decompressed) form */
  rawResponseBody?: string;
  /** the Bayeux rows this exchange carried, as recorded */
  messages?: HarMessageRow[];
}

/** A Bayeux row as carried in a gws-vcr export: the row as written, without its session. */
export type HarMessageRow = NewBayeuxRow;

/** The session a gws-vcr export came from, and rows no entry carries. */
export interface HarLogExtra {
  /** version of this `_gwsVcr` layout */
  formatVersion: 1;
  session: {
    id: number;
    name: string | null;
    upstream: string;
    source: SessionSource;
    listenOrigin: string | null;
    /** exact, fractional */
    originWallMs: number;
    endedAt: string | null;
    notificationsPath: string;
    /** absent in exports from before it existed: [] */
    rewriteOrigins?: string[];
  };
  /** messages whose exchange is not in the file (a killed recorder never wrote it), or with none */
  orphanMessages: HarMessageRow[];
  /** frames whose upgrade exchange is not in the file (or is not a WebSocket entry) */
  orphanFrames: HarOrphanFrame[];
}

export interface HarEntry {
  pageref?: string;
  /** ISO-8601 with ms */
  startedDateTime: string;
  /** ms: the sum of the timings that apply */
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, unknown>;
  timings: HarTimings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** Chrome: 'xhr', 'fetch', 'websocket', 'document', 'script', ... */
  _resourceType?: string;
  _initiator?: unknown;
  _priority?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  _gwsVcr?: HarEntryExtra;
}

export interface HarLog {
  version: string;
  creator: { name: string; version: string; comment?: string };
  browser?: { name: string; version: string; comment?: string };
  pages?: unknown[];
  entries: HarEntry[];
  comment?: string;
  _gwsVcr?: HarLogExtra;
}

export interface Har {
  log: HarLog;
}

/** Why entries of a HAR were left out of an import. */
export interface HarSkipped {
  /** entries of an origin other than the session's upstream (the page, a CDN) */
  otherOrigin: number;
  /** entries whose URL is not http(s) or ws(s) (data:, blob:, chrome-extension:) */
  notHttp: number;
}

/** A HAR read into store rows, ready to be written as one new session. */
export interface HarImport {
  session: NewSession;
  /** ids 1..n in start order (or as exported) */
  exchanges: NewExchange[];
  frames: NewFrameRow[];
  /** Bayeux rows a gws-vcr export carried, restored as recorded; empty for a HAR from elsewhere */
  messages: NewBayeuxRow[];
  /**
   * ms since origin when each exchange's request was fully sent (HAR timings blocked + dns + connect + send), by
   * exchange id: when the recorder would have stamped a long-poll's to-server messages. Empty for a gws-vcr export.
   */
  requestSentMs: Record<number, number>;
  /** wall-clock end of the session: as exported (null if the recording never ended cleanly), else its last row */
  endedAtWallMs: number | null;
  /** true when the HAR came from `gws-vcr export` and its Bayeux rows are in `messages`: nothing to decode */
  hasRecordedMessages: boolean;
  skipped: HarSkipped;
}
