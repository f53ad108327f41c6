// One relayed WebSocket connection: frames, pings and closes passed between the legs, each frame recorded.
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { Direction, FrameOpcode } from '../store/index.js';
import { capPayload } from './body-capture.js';
import type { OriginRewriter } from './rewrite-urls.js';
import type { CapturedExchange, CapturedFrame, ForwarderOptions } from './types.js';

/** A WebSocket upgrade in flight or relayed: the exchange it is recorded as, and both legs. */
export interface Connection {
  captured: CapturedExchange;
  /** null until the upstream accepted and the client got its 101 */
  client: WebSocket | null;
  upstream: WebSocket;
  /** the client's socket, as the http server handed it over */
  socket: Duplex;
  isClientClosed: boolean;
  isUpstreamClosed: boolean;
}

// ws refuses to send 1005/1006 (they only describe what happened) and codes outside RFC 6455 §7.4.
const isSendableCloseCode = (code: number): boolean =>
  (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
  (code >= 3000 && code <= 4999);

const closePayload = (code: number, reason: Buffer): Buffer => {
  if (code === 1005) return Buffer.alloc(0);
  const payload = Buffer.alloc(2 + reason.length);
  payload.writeUInt16BE(code, 0);
  reason.copy(payload, 2);
  return payload;
};

/** Passes a close on to the other side: same code and reason, or an abrupt end for an abrupt end. */
export const passClose = (ws: WebSocket, code: number, reason: Buffer): void => {
  if (ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED) return;
  if (code === 1006) ws.terminate();
  else if (isSendableCloseCode(code)) ws.close(code, reason);
  else ws.close();
};

/** Records one frame of `conn`; a failure to record is logged, never thrown into the traffic. */
export type FrameRecorder = (
  conn: Connection,
  direction: Direction,
  opcode: FrameOpcode,
  data: Buffer,
  isBayeux: boolean,
) => void;

export const frameRecorder = (
  options: Pick<ForwarderOptions, 'clock' | 'ids' | 'maxBodyBytes' | 'logger'>,
  onFrame: (frame: CapturedFrame) => void,
): FrameRecorder => {
  const { clock, ids, maxBodyBytes, logger } = options;
  return (conn, direction, opcode, data, isBayeux) => {
    const [payload, isTruncated] = capPayload(data, maxBodyBytes);
    try {
      onFrame({
        id: ids.nextFrameId(),
        exchangeId: conn.captured.id,
        direction,
        opcode,
        atMs: clock.atMs(),
        payload,
        payloadBytes: data.length,
        isTruncated,
        isBayeux: isBayeux && opcode === 'text',
      });
    } catch (err) {
      logger.error({ err, exchangeId: conn.captured.id }, 'recording a frame failed; traffic continues');
    }
  };
};

export interface RelayHooks {
  recordFrame: FrameRecorder;
  /** both legs closed: the connection is recorded whole */
  finish(conn: Connection): void;
  /** for what the recording says when the upstream drops the connection */
  upstreamOrigin: string;
  logger: ForwarderOptions['logger'];
}

/**
 * Relays between `client` and the upstream leg of `conn` until both are closed. Text frames to the client have
 * the upstream's origins rewritten; every frame is recorded as its sender sent it.
 */
export const relay = (
  conn: Connection,
  client: WebSocket,
  isBayeux: boolean,
  rewriter: OriginRewriter,
  { recordFrame, finish, upstreamOrigin, logger }: RelayHooks,
): void => {
  const { upstream: up } = conn;
  conn.client = client;
  client.on('message', (data: Buffer, isBinary) => {
    recordFrame(conn, 'to-server', isBinary ? 'binary' : 'text', data, isBayeux);
    if (up.readyState === WebSocket.OPEN) up.send(data, { binary: isBinary });
  });
  up.on('message', (data: Buffer, isBinary) => {
    recordFrame(conn, 'to-client', isBinary ? 'binary' : 'text', data, isBayeux);
    if (client.readyState === WebSocket.OPEN)
      client.send(isBinary ? data : rewriter.rewriteAll(data), { binary: isBinary });
  });
  // autoPong is off on both legs: each peer's ping reaches the other, which answers it itself.
  const passControl = (from: WebSocket, to: WebSocket, direction: Direction): void => {
    from.on('ping', (data) => {
      recordFrame(conn, direction, 'ping', data, false);
      if (to.readyState === WebSocket.OPEN) to.ping(data);
    });
    from.on('pong', (data) => {
      recordFrame(conn, direction, 'pong', data, false);
      if (to.readyState === WebSocket.OPEN) to.pong(data);
    });
  };
  passControl(client, up, 'to-server');
  passControl(up, client, 'to-client');
  client.on('close', (code, reason) => {
    if (code === 1006) {
      if (!conn.isUpstreamClosed) conn.captured.flags.push('client-aborted');
    } else recordFrame(conn, 'to-server', 'close', closePayload(code, reason), false);
    conn.isClientClosed = true;
    passClose(up, code, reason);
    if (conn.isUpstreamClosed) finish(conn);
  });
  up.on('close', (code, reason) => {
    if (code === 1006) {
      if (!conn.isClientClosed) {
        conn.captured.flags.push('upstream-reset');
        conn.captured.error ??= `upstream ${upstreamOrigin} dropped the WebSocket without a close frame`;
      }
    } else recordFrame(conn, 'to-client', 'close', closePayload(code, reason), false);
    conn.isUpstreamClosed = true;
    passClose(client, code, reason);
    if (conn.isClientClosed) finish(conn);
  });
  client.on('error', (err) => {
    // A frame the protocol forbids (bad UTF-8, a reserved close code): ws drops the connection (1006).
    conn.captured.error ??= `the client broke the WebSocket protocol: ${err.message}`;
    logger.debug({ err, exchangeId: conn.captured.id }, 'client websocket error');
  });
};
