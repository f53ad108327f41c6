// Relays WebSocket upgrades with ws on both sides: subprotocols, close codes and ping/pong passed on, every frame seen.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { capPayload } from './body-capture.js';
import { errorAnswer, pairHeaders, requestLine, unreachableHint } from './captured-parts.js';
import { rewriteSetCookie } from './cookies.js';
import { OriginRewriter, rewriteLocation, swapsTo } from './rewrite-urls.js';
import type { CapturedExchange, CapturedFrame, ForwarderOptions } from './types.js';
import { type Connection, frameRecorder, passClose, relay } from './ws-relay.js';
import { answerOnSocket, answerWithError } from './ws-upgrade-answer.js';

export interface WebSocketForwarderOptions extends ForwarderOptions {
  /** called when the upgrade was answered (isFinal false) and again when the connection ended (isFinal true) */
  onExchange: (exchange: CapturedExchange, isFinal: boolean) => void;
  onFrame: (frame: CapturedFrame) => void;
  /** ms a closing peer gets to finish the close handshake when the recorder shuts down */
  closeGraceMs: number;
}

export interface WebSocketForwarder {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every relayed connection (1001 to both sides) and resolves once each was recorded. */
  close(): Promise<void>;
}

// Handshake headers belong to each hop; ws writes its own for the upstream leg.
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

/** Bytes a client may send before its upgrade is answered (a WebSocket client sends none). */
const MAX_EARLY_BYTES = 64 * 1024;

const CLOSED_BEFORE_ANSWER = 'the recorder closed before the upgrade was answered';
const CLIENT_LEFT_BEFORE_ANSWER = 'the client went away before the upgrade was answered';

export const createWebSocketForwarder = (options: WebSocketForwarderOptions): WebSocketForwarder => {
  const { upstream, clock, ids, maxBodyBytes, logger } = options;
  const upstreamOrigin = upstream.origin;
  const upstreamWsOrigin = upstreamOrigin.replace(/^http/, 'ws');
  const isDowngrade = upstream.protocol === 'https:';
  const connections = new Set<Connection>();
  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  /** set by close(): an upgrade still waiting on the upstream is ended by the recorder, not refused by it */
  let isClosing = false;
  const upgradeCookies = new WeakMap<IncomingMessage, string[]>();
  let whenIdle: (() => void) | null = null;
  const recordFrame = frameRecorder(options, options.onFrame);

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    autoPong: false,
    clientTracking: false,
    maxPayload: 2 ** 31 - 1,
    handleProtocols: (_offered, req) => chosenProtocol.get(req) ?? false,
  });
  // The client's 101 carries the cookies the upstream set on its own 101.
  wss.on('headers', (headers, req) => {
    for (const cookie of upgradeCookies.get(req) ?? []) headers.push(`Set-Cookie: ${cookie}`);
  });

  const finish = (conn: Connection): void => {
    if (!connections.delete(conn)) return;
    conn.captured.endMs = clock.atMs();
    report(conn.captured, true);
    if (connections.size === 0) whenIdle?.();
  };

  const report = (captured: CapturedExchange, isFinal: boolean): void => {
    try {
      options.onExchange(captured, isFinal);
    } catch (err) {
      logger.error(
        { err, exchangeId: captured.id },
        'recording a websocket exchange failed; traffic continues',
      );
    }
  };

  /** Answers an upgrade the recorder cannot forward with a 400 JSON error, and records it as final. */
  const refuseUpgrade = (captured: CapturedExchange, socket: Duplex, reason: string): void => {
    const what = `cannot forward this WebSocket upgrade to ${upstreamOrigin}: ${reason}`;
    captured.firstByteMs = clock.atMs();
    captured.endMs = captured.firstByteMs;
    captured.error = what;
    socket.on('error', (err) => logger.debug({ err, exchangeId: captured.id }, 'client socket error'));
    answerWithError(
      captured,
      socket,
      400,
      'Bad Request',
      errorAnswer(
        'VCR_PROXY_BAD_REQUEST',
        `gws-vcr: ${what}; send a path-only target and distinct, valid subprotocols.`,
      ),
    );
    report(captured, true);
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const startMs = clock.atMs();
    const captured: CapturedExchange = {
      id: ids.nextExchangeId(),
      kind: 'websocket',
      ...requestLine(req),
      requestBody: null,
      requestBodyBytes: 0,
      isRequestTruncated: false,
      requestEndMs: startMs,
      isRequestRecorded: false,
      status: null,
      responseHeaders: null,
      responseBody: null,
      responseBodyBytes: 0,
      isResponseTruncated: false,
      startMs,
      firstByteMs: null,
      endMs: null,
      error: null,
      flags: [],
    };
    const proxyOrigin = options.publicOrigin(req);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of captured.requestHeaders) {
      const lower = name.toLowerCase();
      if (NOT_FORWARDED.has(lower)) continue;
      const forwarded =
        lower === 'origin' ? rewriteLocation(value, { from: proxyOrigin, to: upstreamOrigin }) : value;
      const previous = headers[lower];
      headers[lower] =
        previous === undefined
          ? forwarded
          : Array.isArray(previous)
            ? [...previous, forwarded]
            : [previous, forwarded];
    }
    const protocols = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    let up: WebSocket;
    try {
      // An absolute-form target goes on in origin-form; any other exactly as the client sent it.
      const sent = req.url ?? '/';
      const target = sent.startsWith('/')
        ? sent
        : captured.query === ''
          ? captured.path
          : `${captured.path}?${captured.query}`;
      up = new WebSocket(upstreamWsOrigin + target, protocols, {
        headers: headers as Record<string, string>,
        perMessageDeflate: false,
        autoPong: false,
        followRedirects: false,
        maxPayload: 2 ** 31 - 1,
        rejectUnauthorized: options.isUpstreamCertificateChecked,
      });
    } catch (err) {
      // ws throws on what it cannot send (a target that is no path, a fragment, bad or repeated
      // subprotocols): the client's mistake, answered and recorded, never a crash.
      refuseUpgrade(captured, socket, (err as Error).message);
      return;
    }
    const conn: Connection = {
      captured,
      client: null,
      upstream: up,
      socket,
      isClientClosed: false,
      isUpstreamClosed: false,
    };
    connections.add(conn);
    let isOpen = false;
    /** the client got an answer on its socket: a 101 (ws's), the upstream's refusal, or the proxy's error */
    let isAnswered = false;

    socket.on('error', (err) => logger.debug({ err, exchangeId: captured.id }, 'client socket error'));
    const onEarlyClose = (): void => {
      if (isOpen || captured.flags.includes('client-aborted')) return;
      captured.flags.push('client-aborted');
      captured.error ??= CLIENT_LEFT_BEFORE_ANSWER;
      up.terminate();
    };
    socket.once('close', onEarlyClose);
    // The server's sockets allow half-open connections: a client that leaves shows as 'end', which needs the
    // socket read. A WebSocket client sends nothing before its 101; whatever comes is kept for ws all the same.
    const early: Buffer[] = [];
    let earlyBytes = 0;
    const keepEarly = (chunk: Buffer): void => {
      earlyBytes += chunk.length;
      // Reading takes TCP's back-pressure off the client: one that sends on regardless is cut off.
      if (earlyBytes > MAX_EARLY_BYTES) {
        captured.error ??= `the client sent over ${MAX_EARLY_BYTES} bytes before its upgrade was answered`;
        early.length = 0;
        socket.destroy();
        return;
      }
      early.push(chunk);
    };
    socket.on('data', keepEarly);
    socket.once('end', onEarlyClose);
    socket.resume(); // the http server left the upgraded socket paused

    up.on('upgrade', (res) => {
      captured.firstByteMs = clock.atMs();
      captured.status = res.statusCode ?? 101;
      captured.responseHeaders = pairHeaders(res.rawHeaders);
      const cookies = res.headers['set-cookie'];
      if (cookies)
        upgradeCookies.set(
          req,
          cookies.map((c) => rewriteSetCookie(c, { isDowngrade })),
        );
    });
    up.on('unexpected-response', (_request, res) => {
      captured.firstByteMs = clock.atMs();
      captured.status = res.statusCode ?? 502;
      captured.responseHeaders = pairHeaders(res.rawHeaders);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        const [body, isTruncated] = capPayload(all, maxBodyBytes);
        captured.responseBody = body.length > 0 ? body : null;
        captured.responseBodyBytes = all.length;
        if (isTruncated) captured.flags.push('truncated');
        captured.error = `upstream refused the WebSocket upgrade with HTTP ${captured.status}`;
        const relayed = (captured.responseHeaders ?? []).filter(([name]) => {
          const lower = name.toLowerCase();
          return lower !== 'connection' && lower !== 'transfer-encoding' && lower !== 'content-length';
        });
        relayed.push(['Content-Length', String(all.length)], ['Connection', 'close']);
        isAnswered = true;
        answerOnSocket(socket, captured.status ?? 502, res.statusMessage ?? '', relayed, all);
        up.terminate();
      });
      res.on('error', () => up.terminate());
    });
    up.on('error', (err) => {
      if (isOpen) {
        // ws's reason for dropping the connection: the close handler's generic one must not hide it.
        captured.error ??= `upstream ${upstreamOrigin} broke the WebSocket protocol: ${err.message}`;
        logger.debug({ err, exchangeId: captured.id }, 'upstream websocket error');
        return;
      }
      if (isAnswered || captured.flags.includes('client-aborted')) return;
      if (isClosing) {
        captured.error ??= CLOSED_BEFORE_ANSWER;
        return;
      }
      isAnswered = true;
      // With a status, the upstream answered 101, but with a handshake ws refuses (no subprotocol of those
      // offered, a wrong Sec-WebSocket-Accept): a browser would refuse it too, so the client is told why.
      const isBadHandshake = captured.status !== null;
      const what = isBadHandshake
        ? `upstream ${upstreamOrigin} answered the WebSocket upgrade with a handshake that cannot be relayed: ${err.message}`
        : `upstream ${upstreamOrigin} unreachable for a WebSocket upgrade: ${err.message}`;
      const hint = isBadHandshake
        ? "check the upstream's WebSocket endpoint (its subprotocols) or connect to it directly to compare"
        : unreachableHint(err);
      captured.flags.push(isBadHandshake ? 'upstream-reset' : 'upstream-unreachable');
      captured.error = what;
      answerWithError(
        captured,
        socket,
        502,
        'Bad Gateway',
        errorAnswer(
          isBadHandshake ? 'VCR_UPSTREAM_BAD_RESPONSE' : 'VCR_UPSTREAM_UNREACHABLE',
          `gws-vcr: ${what}; ${hint}.`,
          { upstream: upstreamOrigin },
        ),
      );
    });
    up.once('close', () => {
      if (!isOpen) {
        socket.off('close', onEarlyClose);
        socket.off('end', onEarlyClose);
        socket.off('data', keepEarly);
        early.length = 0;
        // Nothing was answered (the client left, or the recorder closed): the socket must not linger.
        if (!isAnswered && !socket.destroyed) socket.destroy();
        finish(conn);
      }
    });
    up.once('open', () => {
      isOpen = true;
      isAnswered = true;
      socket.off('close', onEarlyClose);
      socket.off('end', onEarlyClose);
      // ws takes the socket over within this turn (handleUpgrade), before more data can be emitted.
      socket.off('data', keepEarly);
      if (socket.destroyed) {
        captured.flags.push('client-aborted');
        captured.error = CLIENT_LEFT_BEFORE_ANSWER;
        conn.isClientClosed = true;
        up.on('close', () => finish(conn));
        up.terminate();
        return;
      }
      if (up.protocol) chosenProtocol.set(req, up.protocol);
      // ws answers a handshake it finds invalid (a bad key or version) with a 400 of its own and never
      // calls back: end the upstream leg then, or the connection would be held open and never recorded.
      const onRefused = (): void => {
        captured.status = 400;
        captured.responseHeaders = null;
        captured.error =
          'the client sent an invalid WebSocket handshake (answered 400); the upstream side was closed';
        conn.isClientClosed = true;
        up.once('close', () => finish(conn));
        up.terminate();
      };
      socket.once('close', onRefused);
      wss.handleUpgrade(req, socket, early.length ? Buffer.concat([head, ...early]) : head, (client) => {
        socket.off('close', onRefused);
        report(captured, false);
        relay(
          conn,
          client,
          options.isNotificationsPath(captured.path),
          new OriginRewriter(swapsTo(options.rewrittenFrom, proxyOrigin)),
          { recordFrame, finish, upstreamOrigin, logger },
        );
      });
    });
  };

  const close = async (): Promise<void> => {
    isClosing = true;
    if (connections.size > 0) {
      const idle = new Promise<void>((resolve) => {
        whenIdle = resolve;
      });
      for (const conn of connections) {
        if (conn.client) {
          passClose(conn.client, 1001, Buffer.from('gws-vcr recorder shutting down'));
          passClose(conn.upstream, 1001, Buffer.from('gws-vcr recorder shutting down'));
        } else {
          conn.captured.error ??= CLOSED_BEFORE_ANSWER;
          conn.upstream.terminate();
          conn.socket.destroy();
        }
      }
      const timer = setTimeout(() => {
        for (const conn of connections) {
          conn.client?.terminate();
          conn.upstream.terminate();
        }
      }, options.closeGraceMs);
      await idle;
      clearTimeout(timer);
    }
    wss.close();
  };

  return { handleUpgrade, close };
};
