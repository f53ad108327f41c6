// An Upgrade to anything but WebSocket (h2c, from `curl --http2`) is ignored, as RFC 9110 §7.8 lets a server do:
// the request is served as the plain HTTP/1.1 request it also is.
import { type IncomingMessage, type Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** RFC 6455 §4.1: a WebSocket opening handshake names `websocket` in its Upgrade header. */
export const isWebSocketUpgrade = (req: IncomingMessage): boolean =>
  (req.headers.upgrade ?? '').split(',').some((protocol) => protocol.trim().toLowerCase() === 'websocket');

// Hop-by-hop parts of an upgrade request that mean nothing once the upgrade is ignored.
const UPGRADE_ONLY = new Set(['upgrade', 'http2-settings']);

/** The request's head as it would have been sent without the upgrade: Upgrade and its Connection tokens left out. */
const headWithoutUpgrade = (req: IncomingMessage): Buffer => {
  const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (UPGRADE_ONLY.has(lower)) continue;
    let value = raw[i + 1] as string;
    if (lower === 'connection') {
      value = value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token !== '' && !UPGRADE_ONLY.has(token.toLowerCase()))
        .join(', ');
      if (value === '') continue;
    }
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
};

/**
 * The response Node's server still holds `socket` for, if any: until its 'finish' is handled (written out is not
 * enough), the server queues later responses behind it. `_httpMessage`: Node has no public name for it.
 */
const responseInFlight = (socket: Duplex): ServerResponse | null => {
  const message = (socket as { _httpMessage?: unknown })._httpMessage;
  return message instanceof ServerResponse ? message : null;
};

/**
 * Node's parser stops keeping a request's headers once it holds `maxHeadersCount` pairs' worth of entries (2,000
 * entries when unset, 1,000 headers) and drops the rest: a head rebuilt from what it kept could lose the
 * Content-Length that frames the body, and the body would be parsed as another request.
 */
const hasAllHeaders = (server: Server, req: IncomingMessage): boolean => {
  const keptEntries = typeof server.maxHeadersCount === 'number' ? server.maxHeadersCount * 2 : 2000;
  return keptEntries <= 0 || req.rawHeaders.length < keptEntries;
};

const refuseTooManyHeaders = (socket: Duplex): void => {
  socket.on('error', () => socket.destroy());
  socket.end(
    'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
  );
};

/**
 * Hands the connection back to `server` with the request put back in front of what followed it, minus the
 * upgrade: the server parses it again and emits it as a `request`, and the connection goes on as any other.
 * Responses still going out on it (earlier requests pipelined before this one) are let finish first: the server
 * queues responses per connection as it parses them, and the new parse would queue behind one whose end it never
 * hears of; a refusal written meanwhile would land inside their bodies.
 */
export const serveWithoutUpgrade = (
  server: Server,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void => {
  // Node took its own error listener off the socket when it handed the upgrade over: a reset while waiting must
  // not become an uncaught error.
  const onWaitError = (): void => {
    socket.destroy();
  };
  socket.on('error', onWaitError);
  const reparse = (): void => {
    if (socket.destroyed) return;
    const earlier = responseInFlight(socket);
    if (earlier) {
      earlier.once('close', reparse);
      return;
    }
    if (!hasAllHeaders(server, req)) {
      refuseTooManyHeaders(socket);
      return;
    }
    socket.off('error', onWaitError);
    // The last earlier response's end started the connection's keep-alive timer, which the new parse does not
    // clear: it would cut a request answered later than keepAliveTimeout (a held long-poll).
    if (socket instanceof Socket) socket.setTimeout(0);
    socket.unshift(Buffer.concat([headWithoutUpgrade(req), head]));
    server.emit('connection', socket);
  };
  reparse();
};
