// The Bayeux 1.0 protocol as data: messages, advice, transports (https://docs.cometd.org/current/reference/#_bayeux).

export type TransportName = 'long-polling' | 'callback-polling' | 'websocket';

export type Reconnect = 'retry' | 'handshake' | 'none';

/** Bayeux §3.6 advice; times in ms */
export interface Advice {
  reconnect?: Reconnect;
  /** ms the client waits before its next /meta/connect */
  interval?: number;
  /** ms the server may hold a /meta/connect */
  timeout?: number;
  /** ms a client may go without a /meta/connect before the server drops it */
  maxInterval?: number;
  'multiple-clients'?: boolean;
  hosts?: string[];
}

/**
 * One Bayeux message, as either side sends it. Only `channel` is required by the spec;
 * unknown fields are kept (recordings must keep everything that was sent).
 */
export interface BayeuxMessage {
  channel: string;
  id?: string;
  clientId?: string;
  successful?: boolean;
  data?: unknown;
  advice?: Advice;
  ext?: Record<string, unknown>;
  error?: string;
  subscription?: string | string[];
  connectionType?: string;
  supportedConnectionTypes?: string[];
  version?: string;
  minimumVersion?: string;
  [field: string]: unknown;
}

/**
 * Result of reading a body or frame that should hold Bayeux messages; bad input is data, not an exception.
 * A refusal says why, and whether the text was JSON at all (JSON but not Bayeux, or malformed).
 */
export type BayeuxParseResult =
  | { ok: true; messages: BayeuxMessage[] }
  | { ok: false; reason: string; isJson: boolean };

/** What the server tells about one client session (a snapshot; it does not change as the session does). */
export interface SessionInfo {
  /** the clientId given at handshake: 30 random alphanumerics */
  id: string;
  /** who the session belongs to, as `authenticate` said at handshake (e.g. an agent id) */
  principal: string;
  /** the transport of the session's latest request */
  transport: TransportName;
  /** channels and patterns the session is subscribed to, in subscription order */
  subscriptions: string[];
  /** ms on the server clock when the session handshook */
  connectedAtMs: number;
  /** ms on the server clock of the latest /meta/connect; null before the first one */
  lastConnectAtMs: number | null;
  /** messages queued for the session and not yet sent */
  queuedCount: number;
  /** is a /meta/connect of this session being held open right now */
  isConnectHeld: boolean;
}
