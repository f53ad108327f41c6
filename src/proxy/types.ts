// The proxy's model: what the forwarders capture (raw, unredacted, in memory only) before rows are built from it.
import type { IncomingMessage } from 'node:http';
import type { SessionClock } from '../common/clock.js';
import type { Logger } from '../common/logger.js';
import type { FrameOpcode, NewExchange } from '../store/index.js';

/** Allocates a session's row ids when a thing starts (the store's SessionWriter is one). */
export interface IdSource {
  nextExchangeId(): number;
  nextMessageId(): number;
  nextFrameId(): number;
}

/** What the HTTP and the WebSocket forwarder both take from the recorder. */
export interface ForwarderOptions {
  upstream: URL;
  /**
   * every spelling of the origins the upstream names itself by in its answers, rewritten to the proxy's: its own
   * first, then --rewrite-origin's (GWS writes the one its externalApiUrlV2 option names)
   */
  rewrittenFrom: readonly string[];
  clock: SessionClock;
  ids: IdSource;
  /** bodies and frames are relayed whole and captured up to this many bytes */
  maxBodyBytes: number;
  isNotificationsPath: (path: string) => boolean;
  /** the origin clients reach the proxy on, from the request's Host header */
  publicOrigin: (req: IncomingMessage) => string;
  /** true: an https upstream's certificate must verify (`record --verify-upstream`); false: any is taken */
  isUpstreamCertificateChecked: boolean;
  logger: Logger;
}

/**
 * One HTTP exchange or WebSocket upgrade as it passed, secrets included: the store's exchange row before redaction,
 * plus what building the row needs. Bodies are the kept bytes (at most maxBodyBytes) as their sender sent them (the
 * response before URL rewriting); status and response headers are the proxy's own when it answered the error itself.
 * Never stored or emitted as is.
 */
export interface CapturedExchange extends NewExchange {
  isRequestTruncated: boolean;
  /**
   * its request's Bayeux messages were already emitted as rows, with a provisional row of the exchange, while
   * it waited for its answer (a held long-poll): the exchange's final row does not emit them again
   */
  isRequestRecorded: boolean;
  /** ms since session origin when the request body was complete; null if it never was */
  requestEndMs: number | null;
  isResponseTruncated: boolean;
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
