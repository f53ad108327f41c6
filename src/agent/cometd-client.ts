// The official CometD client (cometd + cometd-nodejs-client) wrapped for scripted agents and tests: one transport, promises, a message queue.

import { once } from 'node:events';
import { CometD, type Message as CometDMessage, type Configuration, type SubscriptionHandle } from 'cometd';
import { adapt } from 'cometd-nodejs-client';
import { WebSocket } from 'ws';
import { type BayeuxMessage, channelMatches } from '../bayeux/index.js';

export type ClientTransport = 'long-polling' | 'websocket';

export interface ConnectClientOptions {
  /** full Bayeux URL, e.g. `http://127.0.0.1:PORT/api/v2/notifications` */
  url: string;
  transport: ClientTransport;
  /**
   * Extra request headers. Long-polling sends them on every POST (cometd `requestHeaders`).
   * The official WebSocket transport only passes (url, protocol) to `new WebSocket`, so on websocket
   * only `Authorization: Basic …` can be sent: it goes into the URL's userinfo, which `ws` turns back
   * into that header on the upgrade request. Other headers on websocket are refused.
   */
  headers?: Record<string, string>;
  /** fields merged into the /meta/handshake message (e.g. `{ ext: { … } }`) */
  handshakeProps?: Record<string, unknown>;
  /** ms to wait for the handshake; default 5000 */
  handshakeTimeoutMs?: number;
  /** more cometd configuration, e.g. `{ backoffIncrement: 50 }` so retries after a server restart are quick */
  configuration?: Partial<Configuration>;
}

export interface TestClient {
  /** the raw client, for anything this wrapper does not cover */
  readonly cometd: CometD;
  readonly clientId: string;
  /** the transport the client really uses */
  readonly transport: string;
  /** every data message the server sent (non-meta, with `data`), in arrival order, each once */
  readonly received: BayeuxMessage[];
  /** every message the server sent, meta replies included, in arrival order */
  readonly incoming: BayeuxMessage[];
  /** resolves on a successful subscribe ack; rejects with the server's error otherwise */
  subscribe(channel: string): Promise<BayeuxMessage>;
  unsubscribe(channel: string): Promise<BayeuxMessage>;
  /** resolves with the publish ack (successful or not) */
  publish(channel: string, data: unknown): Promise<BayeuxMessage>;
  /** data messages received so far whose channel `channel` (a name or a wildcard pattern) covers */
  messages(channel: string): BayeuxMessage[];
  /**
   * The next not yet taken data message on `channel` (name or pattern) that satisfies `predicate`:
   * taken from what already arrived, or waited for. Rejects after `timeoutMs` (default 5000).
   */
  next(
    channel: string,
    predicate?: (message: BayeuxMessage) => boolean,
    timeoutMs?: number,
  ): Promise<BayeuxMessage>;
  /**
   * Resolves once the client has handshaken again by itself (e.g. after a `402` from a restarted server)
   * and every channel subscribed through this wrapper is subscribed again, as an application does in its
   * /meta/handshake listener (the official client drops subscriptions on re-handshake).
   */
  reestablished(timeoutMs?: number): Promise<void>;
  /** sends /meta/disconnect and resolves when the client is disconnected; leaves no timers behind */
  disconnect(): Promise<void>;
}

interface Waiter {
  channel: string;
  predicate: (message: BayeuxMessage) => boolean;
  resolve: (message: BayeuxMessage) => void;
}

const DEFAULTS = { handshakeTimeoutMs: 5000, nextTimeoutMs: 5000 } as const;

/**
 * ws.WebSocket, remembering its open sockets so `disconnect()` can wait for their close handshake
 * (the official client only starts it). Installed once, as `window.WebSocket`, right after `adapt()`.
 */
class TrackedWebSocket extends WebSocket {
  static readonly live = new Set<TrackedWebSocket>();

  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols);
    TrackedWebSocket.live.add(this);
    this.once('close', () => TrackedWebSocket.live.delete(this));
  }
}

/** Installs the Node adapters (XMLHttpRequest, WebSocket on `window`) the first time a client is made. */
const ensureAdapted = (): void => {
  const holder = globalThis as { window?: { XMLHttpRequest?: unknown; WebSocket?: unknown } };
  if (holder.window?.XMLHttpRequest === undefined || holder.window.WebSocket === undefined) adapt();
  if (holder.window !== undefined) holder.window.WebSocket = TrackedWebSocket;
};

/** Resolves when every socket to `url` that is closing has closed. */
const socketsClosed = async (url: string): Promise<void> => {
  const closing = [...TrackedWebSocket.live].filter(
    (s) => s.url === url && s.readyState === WebSocket.CLOSING,
  );
  await Promise.all(closing.map((s) => once(s, 'close')));
};

const websocketUrl = (url: string, headers: Record<string, string>): string => {
  const parsed = new URL(url);
  for (const [name, value] of Object.entries(headers)) {
    const basic = /^basic\s+(.+)$/i.exec(value);
    if (name.toLowerCase() !== 'authorization' || basic?.[1] === undefined) {
      throw new Error(
        `the official websocket transport cannot send header ${name}; only Authorization: Basic is supported (via URL userinfo)`,
      );
    }
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    parsed.username = encodeURIComponent(colon < 0 ? decoded : decoded.slice(0, colon));
    parsed.password = encodeURIComponent(colon < 0 ? '' : decoded.slice(colon + 1));
  }
  return parsed.toString();
};

const withTimeout = <T>(promise: Promise<T>, timeoutMs: number, what: () => string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(what())), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });

const asBayeux = (message: CometDMessage): BayeuxMessage => message as BayeuxMessage;

/** Creates a CometD client forced onto one transport; resolves once it handshook and its first connect was answered. */
export const connectClient = async (options: ConnectClientOptions): Promise<TestClient> => {
  ensureAdapted();
  const headers = options.headers ?? {};
  const cometd = new CometD();
  for (const type of cometd.getTransportTypes()) {
    if (type !== options.transport) cometd.unregisterTransport(type);
  }
  if (cometd.getTransportTypes().length !== 1) {
    throw new Error(`the cometd client has no ${options.transport} transport`);
  }
  const url = options.transport === 'websocket' ? websocketUrl(options.url, headers) : options.url;
  cometd.configure({
    url,
    logLevel: 'warn',
    requestHeaders: options.transport === 'long-polling' ? headers : {},
    ...options.configuration,
  });

  const received: BayeuxMessage[] = [];
  const incoming: BayeuxMessage[] = [];
  const unclaimed: BayeuxMessage[] = [];
  const waiters = new Set<Waiter>();
  const reestablishWaiters = new Set<() => void>();
  const handles = new Map<string, SubscriptionHandle>();

  cometd.registerExtension('test-client-recorder', {
    incoming: (raw) => {
      const message = asBayeux(raw);
      incoming.push(message);
      if (!message.channel.startsWith('/meta/') && 'data' in message) {
        received.push(message);
        const waiter = [...waiters].find(
          (w) => channelMatches(w.channel, message.channel) && w.predicate(message),
        );
        if (waiter === undefined) unclaimed.push(message);
        else {
          waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
      return raw;
    },
  });

  // Connected means handshaken and a first /meta/connect answered, so the session is fully up.
  const connected = new Promise<void>((resolve, reject) => {
    const listener = cometd.addListener('/meta/connect', (reply) => {
      if (reply.successful !== true) return;
      cometd.removeListener(listener);
      resolve();
    });
    cometd.handshake(options.handshakeProps ?? {}, (reply) => {
      if (reply.successful !== true) {
        cometd.removeListener(listener);
        reject(new Error(`handshake failed: ${JSON.stringify(reply)}`));
      }
    });
  });
  try {
    await withTimeout(connected, options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs, () => {
      return `no handshake and first connect from ${options.url} over ${options.transport}`;
    });
  } catch (err) {
    if (!cometd.isDisconnected()) cometd.disconnect();
    throw err;
  }
  const transport = cometd.getTransport()?.type;
  if (transport !== options.transport) {
    cometd.disconnect();
    throw new Error(`asked for ${options.transport} but the client uses ${String(transport)}`);
  }

  const replyOrReject =
    (what: string, resolve: (m: BayeuxMessage) => void, reject: (e: Error) => void) =>
    (reply: CometDMessage) => {
      if (reply.successful === true) resolve(asBayeux(reply));
      else reject(new Error(`${what} failed: ${JSON.stringify(reply)}`));
    };

  const subscribeRaw = (channel: string): Promise<BayeuxMessage> =>
    new Promise((resolve, reject) => {
      const handle = cometd.subscribe(
        channel,
        () => {},
        replyOrReject(`subscribe to ${channel}`, resolve, reject),
      );
      handles.set(channel, handle);
    });

  cometd.addListener('/meta/handshake', (reply) => {
    if (reply.successful !== true || (reply as { reestablish?: boolean }).reestablish !== true) return;
    const resubscribed = [...handles.keys()].map(subscribeRaw);
    Promise.all(resubscribed).then(
      () => {
        for (const resolve of reestablishWaiters) resolve();
        reestablishWaiters.clear();
      },
      () => {}, // a waiter times out and says so
    );
  });

  const client: TestClient = {
    cometd,
    get clientId() {
      return cometd.getClientId() ?? '';
    },
    transport,
    received,
    incoming,
    subscribe: subscribeRaw,
    unsubscribe: (channel) =>
      new Promise((resolve, reject) => {
        const handle = handles.get(channel);
        if (handle === undefined) {
          reject(new Error(`not subscribed to ${channel}`));
          return;
        }
        handles.delete(channel);
        cometd.unsubscribe(handle, replyOrReject(`unsubscribe from ${channel}`, resolve, reject));
      }),
    publish: (channel, data) =>
      new Promise((resolve) => {
        cometd.publish(channel, data, (reply) => resolve(asBayeux(reply)));
      }),
    messages: (channel) => received.filter((m) => channelMatches(channel, m.channel)),
    next: (channel, predicate = () => true, timeoutMs = DEFAULTS.nextTimeoutMs) => {
      const index = unclaimed.findIndex((m) => channelMatches(channel, m.channel) && predicate(m));
      if (index >= 0) {
        const [message] = unclaimed.splice(index, 1);
        if (message !== undefined) return Promise.resolve(message);
      }
      let waiter: Waiter | undefined;
      const waiting = new Promise<BayeuxMessage>((resolve) => {
        waiter = { channel, predicate, resolve };
        waiters.add(waiter);
      });
      return withTimeout(waiting, timeoutMs, () => {
        if (waiter !== undefined) waiters.delete(waiter);
        const seen = received.filter((m) => channelMatches(channel, m.channel)).map((m) => m.data);
        return `no message on ${channel} within ${timeoutMs} ms; received there: ${JSON.stringify(seen)}`;
      });
    },
    reestablished: (timeoutMs = DEFAULTS.handshakeTimeoutMs) => {
      let resolver: (() => void) | undefined;
      const waiting = new Promise<void>((resolve) => {
        resolver = resolve;
        reestablishWaiters.add(resolve);
      });
      return withTimeout(waiting, timeoutMs, () => {
        if (resolver !== undefined) reestablishWaiters.delete(resolver);
        return `the client did not re-handshake and re-subscribe within ${timeoutMs} ms`;
      });
    },
    disconnect: async () => {
      if (cometd.isDisconnected()) return;
      const done = new Promise<void>((resolve) => {
        // Called on success and on failure alike; either way the client ends up disconnected.
        cometd.disconnect(() => resolve());
      });
      await withTimeout(done, DEFAULTS.handshakeTimeoutMs, () => 'no /meta/disconnect reply');
      cometd.unregisterExtension('test-client-recorder');
      if (options.transport === 'websocket') await socketsClosed(url.replace(/^http/, 'ws'));
    },
  };
  return client;
};
