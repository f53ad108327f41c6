// Forwards HTTP to the upstream through http-proxy, teeing both bodies and stamping times as they pass.
import type { Agent, ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Stream } from 'node:stream';
import httpProxy from 'http-proxy';
import type { ErrorCode } from '../common/errors.js';
import { type ErrorAnswer, errorAnswer, unreachableHint } from './captured-parts.js';
import { Exchange, type Forwarder, STATE, stateOf, type Tagged } from './http-exchange.js';
import { onResponse, onUpstreamData, onUpstreamEnd } from './http-response-relay.js';
import { rewriteLocation } from './rewrite-urls.js';
import type { CapturedExchange, ForwarderOptions } from './types.js';

export interface HttpForwarderOptions extends ForwarderOptions {
  agent: Agent;
  onExchange: (exchange: CapturedExchange) => void;
  /**
   * A long-poll on the notifications path still waiting for its answer (a held /meta/connect), its request
   * complete: emitted once, so that its request reaches the disk while it is held, not only once it ends.
   */
  onHeldExchange: (exchange: CapturedExchange) => void;
  /** how often in-flight exchanges are looked over for held long-polls, in ms (the recorder's batch window) */
  heldSweepMs: number;
}

export interface HttpForwarder {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Ends the exchanges in flight (held polls included) and resolves once each was handed to onExchange. */
  close(): Promise<void>;
}

/** RFC 9112 §6.3: a request has a body only if it says so with Content-Length or Transfer-Encoding. */
const hasRequestBody = (req: IncomingMessage): boolean => {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};

/**
 * What http-proxy pipes into the upstream request: given `options.buffer`, it pipes that instead of the
 * client's request. Most GWS requests (GETs, long-polls' answers aside) have no body: their upstream request
 * is ended at once, without a stream pipe set up and torn down for nothing; a request with a body is piped
 * as http-proxy would. `next` is the request whose body was to be sent (null: none), set just before each
 * `web` call, which reaches `pipe` synchronously.
 */
const requestSource = {
  next: null as IncomingMessage | null,
  pipe(upstream: ClientRequest): ClientRequest {
    const req = requestSource.next;
    requestSource.next = null;
    if (req !== null) return req.pipe(upstream);
    upstream.end();
    return upstream;
  },
};

/**
 * http-proxy's `deleteLength` step gives a DELETE or OPTIONS without Content-Length a `Content-Length: 0`
 * and drops its Transfer-Encoding: a chunked body would then be recorded but never reach the upstream. The
 * forwarder keeps the header for a bodiless one itself (`handle`) and sends a body as framed.
 */
const withoutDeleteLength = (proxy: object): void => {
  const passes = (proxy as { webPasses?: unknown }).webPasses;
  if (Array.isArray(passes)) {
    (proxy as { webPasses: unknown[] }).webPasses = passes.filter(
      (pass) => (pass as { name?: unknown }).name !== 'deleteLength',
    );
  }
};

function onRequestData(this: IncomingMessage, chunk: Buffer): void {
  stateOf(this)?.requestBody.add(chunk);
}

function onRequestEnd(this: IncomingMessage): void {
  const state = stateOf(this);
  if (state) state.requestEndMs = state.forwarder.options.clock.atMs();
}

function onResponseFinish(this: ServerResponse): void {
  const state = stateOf(this);
  if (state) state.endMs = state.forwarder.options.clock.atMs();
}

function onResponseClose(this: ServerResponse): void {
  const state = stateOf(this);
  if (state) finish(state);
}

function onUpstreamConnect(this: ClientRequest): void {
  const state = stateOf(this);
  if (state) state.isUpstreamConnected = true;
}

const onProxyReq = (proxyReq: ClientRequest, req: IncomingMessage): void => {
  const state = stateOf(req);
  if (!state) return;
  state.proxyReq = proxyReq;
  const socket = proxyReq.socket;
  // A pooled socket carried a request before; a new one can carry this one once it connected and, to an
  // https upstream, finished the TLS handshake: a failure before then means no request reached the upstream.
  if (socket && !socket.connecting) state.isUpstreamConnected = true;
  else if (socket) {
    (proxyReq as Tagged)[STATE] = state;
    socket.once(
      state.forwarder.isTlsUpstream ? 'secureConnect' : 'connect',
      onUpstreamConnect.bind(proxyReq),
    );
  }
};

const onProxyError = (err: Error, req: IncomingMessage, res: ServerResponse): void => {
  const state = stateOf(req);
  if (!state || state.isFinished) return;
  const upstreamOrigin = state.forwarder.upstreamOrigin;
  const { proxyRes } = state;
  if (proxyRes !== null) {
    // The response had begun. Bytes after a complete one (more than its Content-Length) spoil the
    // upstream connection, not this response, which goes on to the client as it came.
    if (proxyRes.complete) {
      state.forwarder.options.logger.debug(
        { err, exchangeId: state.id },
        'upstream sent bytes after a complete response; its connection is dropped',
      );
      return;
    }
    // Cut mid-response: whatever already went to the client cannot be taken back, nor mixed with an answer
    // of the proxy's own; the client is cut off too and the exchange recorded as reset.
    state.isUpstreamFailed = true;
    state.flag = 'upstream-reset';
    state.error ??= `upstream ${upstreamOrigin} broke off its response: ${err.message}`;
    proxyRes.off('data', onUpstreamData);
    proxyRes.off('end', onUpstreamEnd);
    res.destroy();
    return;
  }
  state.isUpstreamFailed = true;
  const isReset = state.isUpstreamConnected || res.headersSent;
  state.flag = isReset ? 'upstream-reset' : 'upstream-unreachable';
  const what = isReset
    ? `upstream ${upstreamOrigin} closed the connection before answering: ${err.message}`
    : `upstream ${upstreamOrigin} unreachable: ${err.message}`;
  state.error = what;
  if (res.headersSent || res.destroyed || req.socket.destroyed) {
    res.destroy();
    return;
  }
  const code: ErrorCode = isReset ? 'VCR_UPSTREAM_RESET' : 'VCR_UPSTREAM_UNREACHABLE';
  const hint = isReset
    ? 'the request may or may not have been handled; retry it or check the upstream log'
    : unreachableHint(err);
  answer(state, 502, errorAnswer(code, `gws-vcr: ${what}; ${hint}.`, { upstream: upstreamOrigin }));
};

/** Answers a request the proxy cannot forward as sent with a 400 JSON error; the exchange is recorded on close. */
const refuseRequest = (state: Exchange, err: Error): void => {
  const { res } = state;
  state.isUpstreamFailed = true;
  state.error = `cannot forward this request to ${state.forwarder.upstreamOrigin}: ${err.message}`;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  answer(
    state,
    400,
    errorAnswer('VCR_PROXY_BAD_REQUEST', `gws-vcr: ${state.error}; send a path such as /api/v2/me.`),
  );
};

/** Sends the proxy's own answer, recorded as the exchange's response. */
const answer = (state: Exchange, status: number, { body, rawHeaders }: ErrorAnswer): void => {
  state.status = status;
  state.rawResponseHeaders = rawHeaders;
  state.responseBody.add(body);
  state.res.writeHead(status, rawHeaders);
  state.res.end(body);
};

const finish = (state: Exchange): void => {
  if (state.isFinished) return;
  state.isFinished = true;
  const { forwarder, res } = state;
  if (state.prev) state.prev.next = state.next;
  else forwarder.head = state.next;
  if (state.next) state.next.prev = state.prev;
  forwarder.count -= 1;
  if (!res.writableFinished) {
    if (!state.isUpstreamFailed && state.flag === null) {
      state.flag = 'client-aborted';
      state.error ??= 'the client went away before the response ended';
    }
    state.proxyReq?.destroy();
    state.proxyRes?.destroy();
  }
  try {
    forwarder.options.onExchange(state.captured());
  } catch (err) {
    forwarder.options.logger.error(
      { err, exchangeId: state.id },
      'recording an exchange failed; traffic continues',
    );
  }
  if (forwarder.count === 0) forwarder.whenIdle?.();
};

export const createHttpForwarder = (options: HttpForwarderOptions): HttpForwarder => {
  const forwarder: Forwarder = {
    options,
    upstreamOrigin: options.upstream.origin,
    rewrittenFrom: options.rewrittenFrom,
    isTlsUpstream: options.upstream.protocol === 'https:',
    patternsByOrigin: new Map(),
    head: null,
    count: 0,
    whenIdle: null,
  };
  const proxy = httpProxy.createProxyServer({
    target: forwarder.upstreamOrigin,
    agent: options.agent,
    changeOrigin: true,
    selfHandleResponse: true,
    secure: options.isUpstreamCertificateChecked,
    // its type says a Stream; http-proxy only ever calls its pipe()
    buffer: requestSource as unknown as Stream,
  });
  withoutDeleteLength(proxy);
  proxy.on('error', (err) => options.logger.warn({ err }, 'http-proxy error outside an exchange'));
  proxy.on('proxyReq', onProxyReq);
  proxy.on('proxyRes', onResponse);
  // http-proxy also takes the callback as third argument, and then copies no per-request options object;
  // its type declarations only know (req, res, options?, callback?).
  const web = proxy.web.bind(proxy) as unknown as (
    req: IncomingMessage,
    res: ServerResponse,
    callback: typeof onProxyError,
  ) => void;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const state = new Exchange(forwarder, req, res);
    (req as Tagged)[STATE] = state;
    (res as Tagged)[STATE] = state;
    state.next = forwarder.head;
    if (forwarder.head) forwarder.head.prev = state;
    forwarder.head = state;
    forwarder.count += 1;
    // Decided once, from the headers as the client sent them: the body is recorded and sent, or neither.
    const isBodySent = hasRequestBody(req);
    if (isBodySent) {
      req.on('data', onRequestData);
      req.on('end', onRequestEnd);
    } else {
      // Its head was all of it; Node drains the (empty) stream once the response is sent.
      state.requestEndMs = state.startMs;
    }
    res.on('finish', onResponseFinish);
    res.on('close', onResponseClose);

    const headers = req.headers;
    // The recording should hold readable bodies and URLs must be rewritable: ask for identity encoding, in
    // words, as a request without Accept-Encoding takes any coding (RFC 9110 §12.5.3). A server that encodes
    // anyway is still redacted (coded-body.ts), but its URLs are not rewritten.
    headers['accept-encoding'] = 'identity';
    // Hop-by-hop: the client's `Connection: close` ends its own connection, not the pooled upstream one.
    if (headers.connection !== undefined) delete headers.connection;
    if (headers['keep-alive'] !== undefined) delete headers['keep-alive'];
    if (headers['proxy-connection'] !== undefined) delete headers['proxy-connection'];
    // Browsers send the proxy's origin; a CSRF-checking upstream expects its own.
    if (headers.origin !== undefined || headers.referer !== undefined) {
      const swap = { from: state.proxyOrigin, to: forwarder.upstreamOrigin };
      if (headers.origin !== undefined) headers.origin = rewriteLocation(headers.origin, swap);
      if (headers.referer !== undefined) headers.referer = rewriteLocation(headers.referer, swap);
    }
    // What http-proxy's deleteLength step did, for the requests it did it well for.
    if (!isBodySent && (req.method === 'DELETE' || req.method === 'OPTIONS')) headers['content-length'] = '0';
    requestSource.next = isBodySent ? req : null;
    try {
      web(req, res, onProxyError);
    } catch (err) {
      // http-proxy throws on a target it cannot parse (e.g. `GET http://[`): the client's mistake, never a crash.
      refuseRequest(state, err as Error);
    } finally {
      requestSource.next = null;
    }
  };

  // Held long-polls are looked for on a timer, not per request: a REST exchange is over long before a sweep
  // would see it, and one kept waiting by the upstream is recorded once it ends, as every exchange is.
  const sweep = setInterval(() => {
    for (let state = forwarder.head; state; state = state.next) {
      if (state.heldRecording !== 'none' || state.status !== null || state.requestEndMs === null) continue;
      if (state.kind() !== 'bayeux') continue;
      try {
        options.onHeldExchange(state.captured());
        state.heldRecording = 'done';
      } catch (err) {
        // Not tried again (it would fail every sweep); the final row then carries the request's messages.
        state.heldRecording = 'failed';
        options.logger.error(
          { err, exchangeId: state.id },
          'recording a held long-poll failed; traffic continues',
        );
      }
    }
  }, options.heldSweepMs);
  sweep.unref();

  const close = async (): Promise<void> => {
    clearInterval(sweep);
    if (forwarder.count > 0) {
      const idle = new Promise<void>((resolve) => {
        forwarder.whenIdle = resolve;
      });
      for (let state = forwarder.head; state; state = state.next) {
        state.error ??= 'the recorder closed before the exchange ended';
        state.isUpstreamFailed = true;
        state.proxyReq?.destroy();
        state.res.destroy();
      }
      await idle;
    }
    proxy.close();
  };

  return { handle, close };
};
