// Answers one batch of Bayeux messages: the meta channels (Bayeux 1.0 §4) and publishes, whatever the transport.
import type { IncomingMessage } from 'node:http';
import { isMetaChannel, isServiceChannel, isValidChannel, isWildcard } from './channel-match.js';
import { BayeuxErrors, errorReply, replyTo } from './codec.js';
import type { BayeuxSession, Outlet } from './session.js';
import type { Advice, BayeuxMessage, TransportName } from './types.js';

export interface BatchContext {
  /** the HTTP request the batch came in (for WebSocket: the upgrade request) */
  req: IncomingMessage;
  transport: TransportName;
  /** the WebSocket the batch came on; sessions seen on it send through it from then on */
  outlet?: Outlet;
}

export interface BatchResult {
  /** replies in the order of the messages, the /meta/connect reply left out */
  replies: BayeuxMessage[];
  /** a /meta/connect the transport must hold (`session.hold`) and answer after the replies */
  connect: { session: BayeuxSession; reply: BayeuxMessage; timeoutMs: number } | null;
}

/** What the handler needs from the server; the server implements it. */
export interface HandlerHost {
  readonly advice: Required<Pick<Advice, 'reconnect' | 'interval' | 'timeout' | 'maxInterval'>>;
  readonly supportedConnectionTypes: readonly TransportName[];
  /** ms on the server clock */
  nowMs(): number;
  findSession(clientId: unknown): BayeuxSession | undefined;
  /** principal for a handshake, or null to deny it */
  authenticate(req: IncomingMessage, handshake: BayeuxMessage): string | null;
  createSession(principal: string, transport: TransportName): BayeuxSession;
  /** /meta/disconnect: end the session and forget it */
  disconnectSession(session: BayeuxSession): void;
  /** queue `message` for every session subscribed to its channel; returns how many */
  broadcast(message: BayeuxMessage): number;
  notify(event: 'connect', session: BayeuxSession): void;
  notify(event: 'subscribe' | 'unsubscribe', session: BayeuxSession, channel: string): void;
  notify(event: 'publish', session: BayeuxSession, message: BayeuxMessage): void;
}

const UNKNOWN_CLIENT_ADVICE: Advice = { reconnect: 'handshake', interval: 0 };

export const handleBatch = (host: HandlerHost, messages: BayeuxMessage[], ctx: BatchContext): BatchResult => {
  const result: BatchResult = { replies: [], connect: null };
  for (const message of messages) {
    const reply = handleMessage(host, message, ctx, result);
    if (reply !== null) result.replies.push(reply);
  }
  return result;
};

const sessionOf = (
  host: HandlerHost,
  message: BayeuxMessage,
  ctx: BatchContext,
): BayeuxSession | undefined => {
  const session = host.findSession(message.clientId);
  if (session !== undefined && ctx.outlet !== undefined) session.attachOutlet(ctx.outlet);
  return session;
};

const unknownClient = (message: BayeuxMessage): BayeuxMessage =>
  errorReply(message, BayeuxErrors.unknownClient, UNKNOWN_CLIENT_ADVICE);

const handleMessage = (
  host: HandlerHost,
  message: BayeuxMessage,
  ctx: BatchContext,
  result: BatchResult,
): BayeuxMessage | null => {
  switch (message.channel) {
    case '/meta/handshake':
      return handshake(host, message, ctx);
    case '/meta/connect':
      return connect(host, message, ctx, result);
    case '/meta/subscribe':
    case '/meta/unsubscribe':
      return subscription(host, message, ctx);
    case '/meta/disconnect': {
      const session = sessionOf(host, message, ctx);
      if (session === undefined) return unknownClient(message);
      host.disconnectSession(session);
      return { ...replyTo(message, session.id), successful: true };
    }
    default:
      return isMetaChannel(message.channel)
        ? errorReply(message, BayeuxErrors.badRequest(`unknown meta channel ${message.channel}`))
        : publish(host, message, ctx);
  }
};

const handshake = (host: HandlerHost, message: BayeuxMessage, ctx: BatchContext): BayeuxMessage => {
  const offered = message.supportedConnectionTypes;
  if (offered !== undefined && !(Array.isArray(offered) && offered.some((t) => isSupported(host, t)))) {
    return errorReply(
      message,
      BayeuxErrors.badRequest(
        `no common connection type; this server supports ${host.supportedConnectionTypes}`,
      ),
      { reconnect: 'none' },
    );
  }
  const principal = host.authenticate(ctx.req, message);
  if (principal === null) return errorReply(message, BayeuxErrors.handshakeDenied, { reconnect: 'none' });
  const session = host.createSession(principal, ctx.transport);
  if (ctx.outlet !== undefined) session.attachOutlet(ctx.outlet);
  return {
    ...replyTo(message, session.id),
    successful: true,
    version: '1.0',
    supportedConnectionTypes: [...host.supportedConnectionTypes],
    advice: { ...host.advice },
  };
};

const isSupported = (host: HandlerHost, type: unknown): boolean =>
  host.supportedConnectionTypes.some((supported) => supported === type);

const connect = (
  host: HandlerHost,
  message: BayeuxMessage,
  ctx: BatchContext,
  result: BatchResult,
): BayeuxMessage | null => {
  const session = sessionOf(host, message, ctx);
  if (session === undefined) return unknownClient(message);
  session.transport = ctx.transport;
  session.lastConnectAtMs = host.nowMs();
  host.notify('connect', session);
  const reply: BayeuxMessage = {
    ...replyTo(message, session.id),
    successful: true,
    advice: { reconnect: 'retry', interval: host.advice.interval, timeout: host.advice.timeout },
  };
  // The client may ask for a shorter hold, as the official one does (timeout 0) to learn it is connected.
  const asked = message.advice?.timeout;
  const timeoutMs =
    typeof asked === 'number' && asked >= 0 ? Math.min(asked, host.advice.timeout) : host.advice.timeout;
  // Only one connect per batch is held; any further one is answered at once.
  if (result.connect !== null) return reply;
  result.connect = { session, reply, timeoutMs };
  return null;
};

const subscriptionsOf = (message: BayeuxMessage): string[] | null => {
  const value = message.subscription;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value;
  return null;
};

const subscription = (host: HandlerHost, message: BayeuxMessage, ctx: BatchContext): BayeuxMessage => {
  const session = sessionOf(host, message, ctx);
  if (session === undefined) return unknownClient(message);
  const channels = subscriptionsOf(message);
  const reply = (fields: Partial<BayeuxMessage>): BayeuxMessage => ({
    ...replyTo(message, session.id),
    subscription: message.subscription,
    ...fields,
  });
  if (channels === null) {
    return reply({ successful: false, error: BayeuxErrors.badRequest('subscription missing') });
  }
  const invalid = channels.find((c) => !isValidChannel(c));
  if (invalid !== undefined) {
    return reply({ successful: false, error: BayeuxErrors.badRequest(`invalid channel ${invalid}`) });
  }
  const isSubscribe = message.channel === '/meta/subscribe';
  if (isSubscribe && channels.some(isMetaChannel))
    return reply({ successful: false, error: BayeuxErrors.subscribeDenied });
  for (const channel of channels) {
    if (isSubscribe) {
      if (session.subscriptions.has(channel)) continue;
      session.subscriptions.add(channel);
      host.notify('subscribe', session, channel);
    } else if (session.subscriptions.delete(channel)) {
      host.notify('unsubscribe', session, channel);
    }
  }
  return reply({ successful: true });
};

const publish = (host: HandlerHost, message: BayeuxMessage, ctx: BatchContext): BayeuxMessage => {
  const session = sessionOf(host, message, ctx);
  if (session === undefined) return unknownClient(message);
  if (!isValidChannel(message.channel) || isWildcard(message.channel)) {
    return errorReply(message, BayeuxErrors.badRequest(`cannot publish to ${message.channel}`));
  }
  if (message.data === undefined) return errorReply(message, BayeuxErrors.badRequest('publish without data'));
  host.notify('publish', session, message);
  // §2.2.2: a service channel carries requests to the server only; nothing is broadcast.
  if (!isServiceChannel(message.channel)) {
    const delivery: BayeuxMessage = { channel: message.channel, data: message.data };
    if (message.ext !== undefined) delivery.ext = message.ext;
    host.broadcast(delivery);
  }
  return { ...replyTo(message, session.id), successful: true };
};
