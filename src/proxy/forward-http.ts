// Forwards HTTP to the upstream through http-proxy, teeing both bodies and stamping times as they pass.
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import httpProxy from 'http-proxy';
import type { SessionClock } from '../common/clock.js';
import { type ErrorCode, errorBody } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { HeaderList, RowFlag } from '../store/index.js';
import { BodyCapture } from './body-capture.js';
import { rewriteSetCookie } from './cookies.js';
import { isTextual, OriginRewriter, rewriteLocation } from './rewrite-urls.js';
import type { CapturedExchange, IdSource } from './types.js';

export interface HttpForwarderOptions {
  upstream: URL;
  agent: Agent;
  clock: SessionClock;
  ids: IdSource;
  maxBodyBytes: number;
  isNotificationsPath: (path: string) => boolean;
  /** the origin clients reach the proxy on, from the request's Host header */
  publicOrigin: (req: IncomingMessage) => string;
  onExchange: (exchange: CapturedExchange) => void;
  logger: Logger;
}

export interface HttpForwarder {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Ends the exchanges in flight (held polls included) and resolves once each was handed to onExchange. */
  close(): Promise<void>;
}

/** Per-exchange state while it is in flight. */
interface InFlight {
  captured: CapturedExchange;
  requestBody: BodyCapture;
  responseBody: BodyCapture;
  rawResponseHeaders: string[] | null;
  res: ServerResponse;
  proxyReq: import('node:http').ClientRequest | null;
  proxyRes: IncomingMessage | null;
  isUpstreamConnected: boolean;
  isUpstreamFailed: boolean;
}

// RFC 9110 §7.6.1: hop-by-hop headers describe one connection, not the message; the proxy's own
// connection to the client gets its own (Node frames the body itself: length, chunked or close).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

const pairHeaders = (raw: string[]): HeaderList => {
  const list: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) list.push([raw[i] as string, raw[i + 1] as string]);
  return list;
};

const hasBody = (method: string | undefined, status: number): boolean =>
  method !== 'HEAD' && status !== 204 && status !== 304 && !(status >= 100 && status < 200);

export const createHttpForwarder = (options: HttpForwarderOptions): HttpForwarder => {
  const { upstream, clock, ids, maxBodyBytes, logger } = options;
  const upstreamOrigin = upstream.origin;
  const isDowngrade = upstream.protocol === 'https:';
  const inFlight = new Map<IncomingMessage, InFlight>();
  let whenIdle: (() => void) | null = null;

  const proxy = httpProxy.createProxyServer({
    target: upstreamOrigin,
    agent: options.agent,
    changeOrigin: true,
    selfHandleResponse: true,
    // a self-signed lab GWS is the usual upstream; the proxy is a debugging tool, not a trust boundary
    secure: false,
  });
  proxy.on('error', (err) => logger.warn({ err }, 'http-proxy error outside an exchange'));

  proxy.on('proxyReq', (proxyReq, req) => {
    const state = inFlight.get(req);
    if (!state) return;
    state.proxyReq = proxyReq;
    const socket = proxyReq.socket;
    if (socket && !socket.connecting) state.isUpstreamConnected = true;
    else
      socket?.once('connect', () => {
        state.isUpstreamConnected = true;
      });
  });

  proxy.on('proxyRes', (proxyRes, req, res) => {
    const state = inFlight.get(req);
    if (!state) {
      proxyRes.resume();
      return;
    }
    onResponse(state, proxyRes, req, res);
  });

  const onResponse = (
    state: InFlight,
    proxyRes: IncomingMessage,
    req: IncomingMessage,
    res: ServerResponse,
  ): void => {
    const { captured } = state;
    captured.firstByteMs = clock.atMs();
    const status = proxyRes.statusCode ?? 502;
    captured.status = status;
    state.proxyRes = proxyRes;
    state.rawResponseHeaders = proxyRes.rawHeaders;
    const proxyOrigin = options.publicOrigin(req);
    const swap = { from: upstreamOrigin, to: proxyOrigin };
    const encoding = proxyRes.headers['content-encoding'];
    const rewriter =
      hasBody(req.method, status) &&
      swap.from !== swap.to &&
      isTextual(proxyRes.headers['content-type']) &&
      (encoding === undefined || encoding === 'identity')
        ? new OriginRewriter([swap])
        : null;

    const raw = proxyRes.rawHeaders;
    const headers: string[] = [];
    let contentLengthAt = -1;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i] as string;
      let value = raw[i + 1] as string;
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower)) continue;
      if (lower === 'content-length') contentLengthAt = headers.length;
      else if (lower === 'location' || lower === 'content-location') value = rewriteLocation(value, swap);
      else if (lower === 'set-cookie') value = rewriteSetCookie(value, { isDowngrade });
      headers.push(name, value);
    }
    // an empty reason phrase would go out as is; undefined lets Node use the standard one
    const statusMessage = proxyRes.statusMessage || undefined;

    const onAbort = (): void => {
      if (res.writableFinished) return;
      state.isUpstreamFailed = true;
      captured.flags.push('upstream-reset');
      captured.error ??= `upstream ${upstreamOrigin} reset the connection mid-response`;
      res.destroy();
    };
    proxyRes.on('aborted', onAbort);
    proxyRes.on('error', onAbort);

    const write = (chunk: Buffer): void => {
      if (chunk.length === 0) return;
      if (!res.write(chunk)) {
        proxyRes.pause();
        res.once('drain', () => proxyRes.resume());
      }
    };

    // With a known length and a body to rewrite, wait for the first chunk: when it is the whole body
    // (the usual JSON answer) the rewritten length is exact. Otherwise the length is dropped and the
    // body goes out chunked, rewritten as it streams.
    const contentLength = contentLengthAt === -1 ? -1 : Number(headers[contentLengthAt + 1]);
    let isHeadPending = rewriter !== null && contentLength > 0;
    if (!isHeadPending) {
      if (rewriter && contentLengthAt !== -1 && contentLength !== 0) headers.splice(contentLengthAt, 2);
      res.writeHead(status, statusMessage, headers);
    }

    proxyRes.on('data', (chunk: Buffer) => {
      state.responseBody.add(chunk);
      if (!rewriter) {
        write(chunk);
        return;
      }
      if (isHeadPending) {
        isHeadPending = false;
        if (chunk.length === contentLength) {
          const body = rewriter.rewriteAll(chunk);
          headers[contentLengthAt + 1] = String(body.length);
          res.writeHead(status, statusMessage, headers);
          write(body);
          return;
        }
        headers.splice(contentLengthAt, 2);
        res.writeHead(status, statusMessage, headers);
      }
      write(rewriter.push(chunk));
    });
    proxyRes.on('end', () => {
      if (isHeadPending) res.writeHead(status, statusMessage, headers);
      const tail = rewriter?.end();
      res.end(tail && tail.length > 0 ? tail : undefined);
    });
  };

  const onProxyError = (err: Error, req: IncomingMessage, res: ServerResponse): void => {
    const state = inFlight.get(req);
    if (!state) return;
    const { captured } = state;
    state.isUpstreamFailed = true;
    const isReset = state.isUpstreamConnected || res.headersSent;
    captured.flags.push(isReset ? 'upstream-reset' : 'upstream-unreachable');
    const what = isReset
      ? `upstream ${upstreamOrigin} closed the connection before answering: ${err.message}`
      : `upstream ${upstreamOrigin} unreachable: ${err.message}`;
    captured.error = what;
    if (res.headersSent || res.destroyed || req.socket.destroyed) {
      res.destroy();
      return;
    }
    const code: ErrorCode = isReset ? 'VCR_UPSTREAM_RESET' : 'VCR_UPSTREAM_UNREACHABLE';
    const hint = isReset
      ? 'the request may or may not have been handled; retry it or check the upstream log'
      : 'check that the upstream is running and that --upstream points at it';
    const body = Buffer.from(
      JSON.stringify(errorBody(code, `gws-vcr: ${what}; ${hint}.`, { upstream: upstreamOrigin })),
    );
    const headers: HeaderList = [
      ['Content-Type', 'application/json'],
      ['Content-Length', String(body.length)],
    ];
    captured.status = 502;
    state.rawResponseHeaders = headers.flat();
    state.responseBody.add(body);
    res.writeHead(502, headers.flat());
    res.end(body);
  };

  const finish = (req: IncomingMessage, state: InFlight): void => {
    if (!inFlight.delete(req)) return;
    const { captured, res } = state;
    if (!res.writableFinished) {
      if (!state.isUpstreamFailed && !captured.flags.includes('client-aborted')) {
        captured.flags.push('client-aborted');
        captured.error ??= 'the client went away before the response ended';
      }
      state.proxyReq?.destroy();
      state.proxyRes?.destroy();
    }
    captured.requestBody = state.requestBody.body();
    captured.requestBodyBytes = state.requestBody.bytes;
    captured.isRequestTruncated = state.requestBody.isTruncated;
    captured.responseHeaders = state.rawResponseHeaders ? pairHeaders(state.rawResponseHeaders) : null;
    captured.responseBody = state.responseBody.body();
    captured.responseBodyBytes = state.responseBody.bytes;
    captured.isResponseTruncated = state.responseBody.isTruncated;
    if (captured.isRequestTruncated || captured.isResponseTruncated) captured.flags.push('truncated');
    try {
      options.onExchange(captured);
    } catch (err) {
      logger.error({ err, exchangeId: captured.id }, 'recording an exchange failed; traffic continues');
    }
    if (inFlight.size === 0) whenIdle?.();
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const startMs = clock.atMs();
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const state: InFlight = {
      captured: {
        id: ids.nextExchangeId(),
        kind: options.isNotificationsPath(path) ? 'bayeux' : 'http',
        method: req.method ?? 'GET',
        path,
        query: queryAt === -1 ? '' : url.slice(queryAt + 1),
        requestHeaders: pairHeaders(req.rawHeaders),
        requestBody: null,
        requestBodyBytes: 0,
        isRequestTruncated: false,
        requestEndMs: null,
        status: null,
        responseHeaders: null,
        responseBody: null,
        responseBodyBytes: 0,
        isResponseTruncated: false,
        startMs,
        firstByteMs: null,
        endMs: null,
        error: null,
        flags: [] as RowFlag[],
      },
      requestBody: new BodyCapture(maxBodyBytes),
      responseBody: new BodyCapture(maxBodyBytes),
      rawResponseHeaders: null,
      res,
      proxyReq: null,
      proxyRes: null,
      isUpstreamConnected: false,
      isUpstreamFailed: false,
    };
    inFlight.set(req, state);
    req.on('data', (chunk: Buffer) => state.requestBody.add(chunk));
    req.on('end', () => {
      state.captured.requestEndMs = clock.atMs();
    });
    res.on('finish', () => {
      state.captured.endMs = clock.atMs();
    });
    res.on('close', () => finish(req, state));

    // The recording should hold readable bodies and URLs must be rewritable: ask for identity encoding.
    delete req.headers['accept-encoding'];
    // Hop-by-hop: the client's `Connection: close` ends its own connection, not the pooled upstream one.
    delete req.headers.connection;
    delete req.headers['keep-alive'];
    delete req.headers['proxy-connection'];
    // Browsers send the proxy's origin; a CSRF-checking upstream expects its own.
    const proxyOrigin = options.publicOrigin(req);
    for (const name of ['origin', 'referer'] as const) {
      const value = req.headers[name];
      if (value !== undefined)
        req.headers[name] = rewriteLocation(value, { from: proxyOrigin, to: upstreamOrigin });
    }
    proxy.web(req, res, {}, (err) => onProxyError(err, req, res));
  };

  const close = async (): Promise<void> => {
    if (inFlight.size === 0) return;
    const idle = new Promise<void>((resolve) => {
      whenIdle = resolve;
    });
    for (const state of inFlight.values()) {
      state.captured.error ??= 'the recorder closed before the exchange ended';
      state.isUpstreamFailed = true;
      state.proxyReq?.destroy();
      state.res.destroy();
    }
    await idle;
    proxy.close();
  };

  return { handle, close };
};
