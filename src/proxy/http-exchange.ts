// One HTTP exchange in flight through the forwarder: its state, what it captured, and how its listeners find it.
import { type ClientRequest, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { splitTarget } from '../common/under-path.js';
import { BodyCapture } from './body-capture.js';
import { pairHeaders, requestLine } from './captured-parts.js';
import type { HttpForwarderOptions } from './forward-http.js';
import type { OriginPatterns, OriginRewriter } from './rewrite-urls.js';
import type { CapturedExchange } from './types.js';

// The recorder's REST path, benchmarked against bare http-proxy (`npm run bench -- --only=recorder`; the
// target is 0.85x its throughput): per request it allocates one state object and no closures. Listeners
// are module-level functions that find their state through a symbol on the request or response; tsx
// (esbuild keepNames) would otherwise name every per-request closure at runtime.
export const STATE = Symbol('gws-vcr exchange');

export interface Tagged {
  [STATE]?: Exchange;
}

/** What the forwarder shares with each of its exchanges. */
export interface Forwarder {
  readonly options: HttpForwarderOptions;
  readonly upstreamOrigin: string;
  /** options.rewrittenFrom: what responses are rewritten from */
  readonly rewrittenFrom: readonly string[];
  /**
   * the upstream is https: the proxy's connection to it is usable once the TLS handshake is done, and, as
   * the proxy serves plain http, its cookies are downgraded
   */
  readonly isTlsUpstream: boolean;
  readonly patternsByOrigin: Map<string, OriginPatterns>;
  /** in-flight exchanges, a doubly linked list: O(1) add and remove, no hashing */
  head: Exchange | null;
  count: number;
  whenIdle: (() => void) | null;
}

/** One exchange in flight. */
export class Exchange {
  readonly forwarder: Forwarder;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly id: number;
  readonly startMs: number;
  readonly proxyOrigin: string;
  readonly requestBody: BodyCapture;
  readonly responseBody: BodyCapture;
  requestEndMs: number | null = null;
  firstByteMs: number | null = null;
  endMs: number | null = null;
  status: number | null = null;
  rawResponseHeaders: string[] | null = null;
  error: string | null = null;
  flag: 'upstream-reset' | 'upstream-unreachable' | 'client-aborted' | null = null;
  proxyReq: ClientRequest | null = null;
  proxyRes: IncomingMessage | null = null;
  isUpstreamConnected = false;
  isUpstreamFailed = false;
  isFinished = false;
  /** 'done': onHeldExchange emitted the request's messages as rows already */
  heldRecording: 'none' | 'done' | 'failed' = 'none';
  #kind: 'bayeux' | 'http' | null = null;
  // response streaming
  rewriter: OriginRewriter | null = null;
  headers: string[] = [];
  statusMessage: string | undefined = undefined;
  contentLengthAt = -1;
  contentLength = -1;
  isHeadPending = false;
  isResponseEnded = false;
  prev: Exchange | null = null;
  next: Exchange | null = null;

  constructor(forwarder: Forwarder, req: IncomingMessage, res: ServerResponse) {
    const { options } = forwarder;
    this.forwarder = forwarder;
    this.req = req;
    this.res = res;
    this.startMs = options.clock.atMs();
    this.id = options.ids.nextExchangeId();
    this.proxyOrigin = options.publicOrigin(req);
    this.requestBody = new BodyCapture(options.maxBodyBytes);
    this.responseBody = new BodyCapture(options.maxBodyBytes);
  }

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.res.write(chunk) && this.proxyRes) {
      this.proxyRes.pause();
      this.res.once('drain', onResponseDrain);
    }
  }

  /** False if Node refused the upstream's status line or headers (the exchange is then cut off and flagged). */
  writeHead(): boolean {
    try {
      try {
        this.res.writeHead(this.status ?? 502, this.statusMessage, this.headers);
      } catch (err) {
        // llhttp lets a reason phrase through that Node will not write (a DEL byte): the phrase means
        // nothing, so the status goes out with its standard one.
        const isBadPhrase = (err as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR';
        if (!isBadPhrase || this.statusMessage === undefined || this.res.headersSent) throw err;
        const status = this.status ?? 502;
        // writeHead kept the refused phrase on the response: name the standard one, not just leave it out.
        this.statusMessage = STATUS_CODES[status] ?? 'Unknown';
        this.res.writeHead(status, this.statusMessage, this.headers);
      }
      return true;
    } catch (err) {
      // Bad input from a peer must never crash the proxy: record it and end this exchange only.
      this.isUpstreamFailed = true;
      this.flag = 'upstream-reset';
      this.error = `upstream ${this.forwarder.upstreamOrigin} sent a response Node cannot relay: ${(err as Error).message}`;
      this.proxyRes?.destroy();
      this.res.destroy();
      return false;
    }
  }

  /** 'bayeux' on the notifications path; worked out once, from `path` when the caller has it */
  kind(path = splitTarget(this.req.url ?? '/').path): 'bayeux' | 'http' {
    this.#kind ??= this.forwarder.options.isNotificationsPath(path) ? 'bayeux' : 'http';
    return this.#kind;
  }

  captured(): CapturedExchange {
    const request = requestLine(this.req);
    const flags: CapturedExchange['flags'] = this.flag ? [this.flag] : [];
    if (this.requestBody.isTruncated || this.responseBody.isTruncated) flags.push('truncated');
    return {
      id: this.id,
      kind: this.#kind ?? this.kind(request.path),
      ...request,
      requestBody: this.requestBody.body(),
      requestBodyBytes: this.requestBody.bytes,
      isRequestTruncated: this.requestBody.isTruncated,
      requestEndMs: this.requestEndMs,
      isRequestRecorded: this.heldRecording === 'done',
      status: this.status,
      responseHeaders: this.rawResponseHeaders ? pairHeaders(this.rawResponseHeaders) : null,
      responseBody: this.responseBody.body(),
      responseBodyBytes: this.responseBody.bytes,
      isResponseTruncated: this.responseBody.isTruncated,
      startMs: this.startMs,
      firstByteMs: this.firstByteMs,
      endMs: this.endMs,
      error: this.error,
      flags,
    };
  }
}

export const stateOf = (emitter: object): Exchange | undefined => (emitter as Tagged)[STATE];

/** The client took what was written: the upstream response paused for it (`Exchange.write`) goes on. */
export function onResponseDrain(this: ServerResponse): void {
  stateOf(this)?.proxyRes?.resume();
}
