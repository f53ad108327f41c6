// Answers to a WebSocket upgrade that is not relayed, written on the client's socket as plain HTTP.
import type { Duplex } from 'node:stream';
import type { HeaderList } from '../store/index.js';
import { type ErrorAnswer, pairHeaders } from './captured-parts.js';
import type { CapturedExchange } from './types.js';

/** Answers the client's upgrade with a plain HTTP response (the upstream refused, or was not there). */
export const answerOnSocket = (
  socket: Duplex,
  status: number,
  reason: string,
  headers: HeaderList,
  body: Buffer,
): void => {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${reason}`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]));
};

/** Answers the upgrade with the proxy's own error, recorded as the exchange's response. */
export const answerWithError = (
  captured: CapturedExchange,
  socket: Duplex,
  status: number,
  reason: string,
  { body, rawHeaders }: ErrorAnswer,
): void => {
  const headers = pairHeaders([...rawHeaders, 'Connection', 'close']);
  captured.status = status;
  captured.responseHeaders = headers;
  captured.responseBody = body;
  captured.responseBodyBytes = body.length;
  answerOnSocket(socket, status, reason, headers, body);
};
