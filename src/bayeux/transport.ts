// What a Bayeux transport is (long-polling, WebSocket) and what it needs from the server that mounts it.
import type { IncomingMessage } from 'node:http';
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
