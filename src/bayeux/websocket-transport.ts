// Bayeux over WebSocket: JSON arrays in text frames; deliveries go out at once, /meta/connect replies are held.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { encodeMessages, parseBayeuxBody, unreadableInputReply } from './codec.js';
import type { BayeuxSession, HeldConnect, Outlet } from './session.js';
import { refuseUpgrade, type Transport, type TransportHost } from './transport.js';
import type { BayeuxMessage } from './types.js';

export interface WebSocketTransportOptions {
  /** largest frame accepted; a bigger one closes the socket (1009) */
  maxFrameBytes: number;
  /** ms a socket gets to answer our close frame before it is cut */
  closeGraceMs: number;
}

interface Connection {
  socket: WebSocket;
  outlet: Outlet;
  held: Set<{ session: BayeuxSession; connect: HeldConnect }>;
}

export class WebSocketTransport implements Transport {
  readonly name = 'websocket' as const;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly host: TransportHost,
    private readonly options: WebSocketTransportOptions,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // (The server gave the socket its 'error' listener before handing it over.)
    if (this.host.isClosed) {
      refuseUpgrade(socket, '503 Service Unavailable');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
  }

  async close(): Promise<void> {
    const closing = [...this.connections].map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          socket.once('close', () => resolve());
          // 1001: going away; the client reconnects and, finding its session gone, handshakes again.
          socket.close(1001, 'server closing');
          const timer = setTimeout(() => socket.terminate(), this.options.closeGraceMs);
          socket.once('close', () => clearTimeout(timer));
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket, req: IncomingMessage): void {
    const send = (messages: BayeuxMessage[]): void => {
      if (socket.readyState === WebSocket.OPEN) socket.send(encodeMessages(messages));
    };
    const connection: Connection = { socket, outlet: { send, sessions: new Set() }, held: new Set() };
    this.connections.add(connection);
    socket.on('message', (data, isBinary) => this.onFrame(connection, req, data, isBinary));
    socket.on('error', (err) => this.host.logger.debug({ err }, 'bayeux websocket failed'));
    socket.on('close', () => {
      this.connections.delete(connection);
      for (const { session, connect } of connection.held) session.dropHeld(connect);
      connection.held.clear();
      for (const session of [...connection.outlet.sessions]) session.detachOutlet(connection.outlet);
    });
  }

  private onFrame(connection: Connection, req: IncomingMessage, data: RawData, isBinary: boolean): void {
    const { outlet } = connection;
    if (isBinary) {
      outlet.send([unreadableInputReply('binary frame; Bayeux frames are JSON text')]);
      return;
    }
    const parsed = parseBayeuxBody(rawText(data));
    if (!parsed.ok) {
      this.host.logger.debug({ reason: parsed.reason }, 'bayeux frame refused');
      outlet.send([unreadableInputReply(`not a Bayeux frame: ${parsed.reason}`)]);
      return;
    }
    const { replies, connect } = this.host.handleBatch(parsed.messages, {
      req,
      transport: 'websocket',
      outlet,
    });
    if (replies.length > 0) outlet.send(replies);
    if (connect === null) return;
    const entry = {
      session: connect.session,
      connect: {
        reply: connect.reply,
        complete: (deliveries: BayeuxMessage[], reply: BayeuxMessage) => {
          connection.held.delete(entry);
          outlet.send([...deliveries, reply]);
        },
      },
    };
    connection.held.add(entry);
    connect.session.hold(entry.connect, connect.timeoutMs);
  }
}

const rawText = (data: RawData): string => {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
};
