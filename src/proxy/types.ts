// The proxy's model: what the forwarders capture (raw, unredacted, in memory only) before rows are built from it.
import type { ExchangeKind, FrameOpcode, HeaderList, RowFlag } from '../store/index.js';

/** Allocates a session's row ids when a thing starts (the store's SessionWriter is one). */
export interface IdSource {
  nextExchangeId(): number;
  nextMessageId(): number;
  nextFrameId(): number;
}

/** One HTTP exchange or WebSocket upgrade as it passed, secrets included. Never stored or emitted as is. */
export interface CapturedExchange {
  id: number;
  kind: ExchangeKind;
  method: string;
  /** path without the query, as the client sent it */
  path: string;
  /** raw query string without '?'; '' if none */
  query: string;
  requestHeaders: HeaderList;
  /** kept bytes, at most maxBodyBytes; null if none */
  requestBody: Buffer | null;
  requestBodyBytes: number;
  isRequestTruncated: boolean;
  /** ms since session origin when the request body was complete; null if it never was */
  requestEndMs: number | null;
  /** status the client got (the proxy's own 502 included); null if none */
  status: number | null;
  /** headers as the upstream sent them (or the proxy's own error response); null if none */
  responseHeaders: HeaderList | null;
  /** body as the upstream sent it (before URL rewriting), at most maxBodyBytes */
  responseBody: Buffer | null;
  responseBodyBytes: number;
  isResponseTruncated: boolean;
  startMs: number;
  firstByteMs: number | null;
  endMs: number | null;
  error: string | null;
  flags: RowFlag[];
}

/** One WebSocket message or control frame as it passed, secrets included. */
export interface CapturedFrame {
  id: number;
  exchangeId: number;
  direction: 'to-server' | 'to-client';
  opcode: FrameOpcode;
  atMs: number;
  /** payload as sent by its sender (to-client: before URL rewriting), at most maxBodyBytes */
  payload: Buffer;
  payloadBytes: number;
  isTruncated: boolean;
  /** the connection's path is the notifications path: text frames hold Bayeux messages */
  isBayeux: boolean;
}
