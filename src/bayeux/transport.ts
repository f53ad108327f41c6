// What a Bayeux transport is (long-polling, WebSocket) and what it needs from the server that mounts it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { BatchContext, BatchResult } from './message-handler.js';
import type { BayeuxMessage, TransportName } from './types.js';

/** A way for clients to reach the server; each one ends what it holds open when closed. */
export interface Transport {
  readonly name: TransportName;
  /** ends held requests and open sockets; resolves when they are gone */
  close(): Promise<void>;
}

/** The server as a transport sees it. */
export interface TransportHost {
  readonly isClosed: boolean;
  readonly logger: Logger;
  handleBatch(messages: BayeuxMessage[], ctx: BatchContext): BatchResult;
}

/** The request's URL, or null when its target cannot be read as one (a peer can send anything). */
export const requestUrl = (req: IncomingMessage): URL | null => {
  try {
    return new URL(req.url ?? '/', 'http://bayeux.invalid');
  } catch {
    return null;
  }
};

/** Answers an HTTP request with the JSON error shape; a response already ended or torn down is left alone. */
export const sendError = (
  res: ServerResponse,
  statusCode: number,
  code: 'VCR_BAYEUX_BAD_REQUEST' | 'VCR_BAYEUX_CLOSED',
  message: string,
): void => {
  if (res.writableEnded || res.destroyed) return;
  if (!res.headersSent) res.writeHead(statusCode, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(errorBody(code, message)));
};

/** Refuses an HTTP upgrade with a bare status line, and closes the socket. */
export const refuseUpgrade = (socket: Duplex, status: '404 Not Found' | '503 Service Unavailable'): void => {
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
};
