// The Bayeux server: sessions, subscriptions and publishing, mounted on any node:http server by its owner.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type Scheduler, systemScheduler } from '../common/clock.js';
import { definedOnly } from '../common/defined-only.js';
import { VcrError } from '../common/errors.js';
import { type Logger, silentLogger } from '../common/logger.js';
import { splitTarget, underPath } from '../common/under-path.js';
import { BayeuxErrors, errorReply } from './codec.js';
import { LongPollingTransport } from './long-polling.js';
import { type BatchContext, type BatchResult, type HandlerHost, handleBatch } from './message-handler.js';
import { BayeuxSession } from './session.js';
import { refuseUpgrade, sendError, type TransportHost } from './transport.js';
import type { BayeuxMessage, SessionInfo, TransportName } from './types.js';
import { WebSocketTransport } from './websocket-transport.js';

export interface BayeuxServerOptions {
  /** URL path of the Bayeux endpoint; the path and every path under it are Bayeux (the client appends /connect…) */
  path?: string;
  /** ms a /meta/connect is held (advice.timeout) */
  timeoutMs?: number;
  /** ms a client waits between a connect reply and its next /meta/connect (advice.interval) */
  intervalMs?: number;
  /** ms a session may go without a /meta/connect before it expires and is forgotten (advice.maxInterval) */
  maxIntervalMs?: number;
  /** largest long-poll body or WebSocket frame, in bytes */
  maxBodyBytes?: number;
  logger?: Logger;
  /**
   * Decides a handshake: the principal of the new session (e.g. an agent id), or null to refuse it
   * with `403::Handshake denied`. `req` is the HTTP request (for WebSocket, the upgrade request).
   */
  authenticate?: (req: IncomingMessage, handshake: BayeuxMessage) => string | null;
  /** time for SessionInfo times, held connects and expiry; tests may move a manual one by hand */
  scheduler?: Scheduler;
}

export const BAYEUX_SERVER_DEFAULTS = {
  path: '/api/v2/notifications',
  timeoutMs: 30_000,
  intervalMs: 0,
  maxIntervalMs: 10_000,
  maxBodyBytes: 1_048_576,
  authenticate: (): string | null => 'anonymous',
} as const;

/** Events, each with a snapshot of the session concerned. */
export interface BayeuxServerEvents {
  handshake: [session: SessionInfo];
  connect: [session: SessionInfo];
  subscribe: [session: SessionInfo, channel: string];
  unsubscribe: [session: SessionInfo, channel: string];
  /** a client published to a non-meta channel (service channels included, which are not broadcast) */
  publish: [session: SessionInfo, message: BayeuxMessage];
  disconnect: [session: SessionInfo];
  expired: [session: SessionInfo];
}

export interface PublishOptions {
  /** only sessions of this principal */
  principal?: string;
  /** only this session */
  sessionId?: string;
}

const SUPPORTED: readonly TransportName[] = ['long-polling', 'callback-polling', 'websocket'];
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CLOSE_GRACE_MS = 1000;

const newClientId = (): string =>
  [...randomBytes(30)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');

export class BayeuxServer extends EventEmitter<BayeuxServerEvents> {
  private readonly path: string;
  private readonly isUnderPath: (path: string) => boolean;
  private readonly options: Required<Omit<BayeuxServerOptions, 'path' | 'logger' | 'scheduler'>>;
  private readonly logger: Logger;
  private readonly scheduler: Scheduler;
  private readonly live = new Map<string, BayeuxSession>();
  private readonly longPolling: LongPollingTransport;
  private readonly webSocket: WebSocketTransport;
  private readonly handlerHost: HandlerHost;
  private closing: Promise<void> | undefined;

  constructor(options: BayeuxServerOptions = {}) {
    super();
    const { path, logger, scheduler, ...rest } = options;
    this.path = path ?? BAYEUX_SERVER_DEFAULTS.path;
    this.isUnderPath = underPath(this.path);
    this.options = { ...BAYEUX_SERVER_DEFAULTS, ...definedOnly(rest) };
    for (const name of ['timeoutMs', 'intervalMs', 'maxIntervalMs', 'maxBodyBytes'] as const) {
      const value = this.options[name];
      if (!Number.isFinite(value) || value < 0) {
        throw new VcrError(
          'VCR_BAD_OPTION',
          `Bayeux server option ${name} is ${value}; it must be a number >= 0`,
        );
      }
    }
    this.logger = (logger ?? silentLogger).child({ part: 'bayeux' });
    this.scheduler = scheduler ?? systemScheduler;
    this.handlerHost = this.createHandlerHost();
    const isClosed = (): boolean => this.closing !== undefined;
    const transportHost: TransportHost = {
      logger: this.logger,
      get isClosed() {
        return isClosed();
      },
      handleBatch: (messages, ctx) => this.handleBatch(messages, ctx),
    };
    this.longPolling = new LongPollingTransport(transportHost, { maxBodyBytes: this.options.maxBodyBytes });
    this.webSocket = new WebSocketTransport(transportHost, {
      maxFrameBytes: this.options.maxBodyBytes,
      closeGraceMs: CLOSE_GRACE_MS,
    });
  }

  /**
   * Is `path` (a request target up to '?') the Bayeux endpoint or under it? Read as sent: percent-escapes are
   * not decoded and `.`/`..` not resolved, as the recorder classifies what it records (see splitTarget).
   */
  matches(path: string): boolean {
    return this.isUnderPath(path);
  }

  /** Is this request for the Bayeux endpoint? Owners route with it; the handlers below refuse what it refuses. */
  matchesRequest(req: IncomingMessage): boolean {
    return this.matches(pathOf(req));
  }

  /** Serves a long-polling (or callback-polling) request; one `matchesRequest` refuses gets a 404. */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    if (!this.matchesRequest(req)) {
      sendError(res, 404, 'VCR_BAYEUX_BAD_REQUEST', `${pathOf(req)} is not under ${this.path}`);
      return;
    }
    this.longPolling.handle(req, res);
  }

  /** Takes over an HTTP upgrade for the WebSocket transport; one `matchesRequest` refuses gets a 404. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Node hands an upgrade's socket over without an 'error' listener: a client that resets it while it is
    // answered would otherwise take the whole process down.
    socket.on('error', (err) => this.logger.debug({ err }, 'bayeux upgrade socket failed'));
    if (!this.matchesRequest(req)) {
      refuseUpgrade(socket, '404 Not Found');
      return;
    }
    this.webSocket.handleUpgrade(req, socket, head);
  }

  /**
   * Queues `{ channel, data }` for every session subscribed to `channel` (wildcard subscriptions
   * included), optionally only one principal's or one session's. Returns how many sessions got it.
   */
  publish(channel: string, data: unknown, options: PublishOptions = {}): number {
    return this.publishMessage({ channel, data }, options);
  }

  /** As `publish`, with a whole message (its ext, id and other fields go out as given). */
  publishMessage(message: BayeuxMessage, options: PublishOptions = {}): number {
    let count = 0;
    for (const session of this.targets(options)) {
      if (options.principal !== undefined && session.principal !== options.principal) continue;
      if (!session.isSubscribedTo(message.channel)) continue;
      session.enqueue(message);
      count += 1;
    }
    return count;
  }

  /** Queues a whole message for one session, subscribed or not. False if there is no such session. */
  deliver(sessionId: string, message: BayeuxMessage): boolean {
    const session = this.live.get(sessionId);
    if (session === undefined) return false;
    session.enqueue(message);
    return true;
  }

  session(id: string): SessionInfo | undefined {
    return this.live.get(id)?.info();
  }

  sessions(): SessionInfo[] {
    return [...this.live.values()].map((s) => s.info());
  }

  /** Answers held polls, closes sockets, forgets every session and clears every timer. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const session of this.live.values()) session.end();
      this.live.clear();
      await Promise.all([this.longPolling.close(), this.webSocket.close()]);
    })();
    return this.closing;
  }

  private handleBatch(messages: BayeuxMessage[], ctx: BatchContext): BatchResult {
    if (this.closing !== undefined) {
      // Frames still arriving on a socket being closed: no new sessions once close() began.
      return { replies: messages.map((m) => errorReply(m, BayeuxErrors.serverClosing)), connect: null };
    }
    return handleBatch(this.handlerHost, messages, ctx);
  }

  private targets(options: PublishOptions): Iterable<BayeuxSession> {
    if (options.sessionId === undefined) return this.live.values();
    const session = this.live.get(options.sessionId);
    return session === undefined ? [] : [session];
  }

  private forget(session: BayeuxSession, event: 'disconnect' | 'expired'): void {
    if (this.live.get(session.id) !== session) return;
    const info = session.info();
    this.live.delete(session.id);
    session.end(event === 'disconnect' ? { reconnect: 'none' } : undefined);
    this.logger.debug({ sessionId: session.id, event }, 'bayeux session ended');
    this.safeEmit(event, info);
  }

  private safeEmit<K extends keyof BayeuxServerEvents>(event: K, ...args: BayeuxServerEvents[K]): void {
    if (this.listenerCount(event) === 0) return;
    try {
      (this.emit as (event: K, ...args: BayeuxServerEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      // A listener's bug must not turn into a failed request for the client.
      this.logger.error({ err, event }, 'bayeux event listener threw');
    }
  }

  private createHandlerHost(): HandlerHost {
    return {
      advice: {
        reconnect: 'retry',
        interval: this.options.intervalMs,
        timeout: this.options.timeoutMs,
        maxInterval: this.options.maxIntervalMs,
      },
      supportedConnectionTypes: SUPPORTED,
      nowMs: () => this.scheduler.nowMs(),
      findSession: (clientId) => (typeof clientId === 'string' ? this.live.get(clientId) : undefined),
      authenticate: (req, handshake) => {
        try {
          return this.options.authenticate(req, handshake);
        } catch (err) {
          this.logger.error({ err }, 'bayeux authenticate threw; handshake denied');
          return null;
        }
      },
      createSession: (principal, transport) => {
        const session = new BayeuxSession({
          id: newClientId(),
          principal,
          transport,
          nowMs: this.scheduler.nowMs(),
          scheduler: this.scheduler,
          maxIntervalMs: this.options.maxIntervalMs,
          onExpire: (expired) => this.forget(expired, 'expired'),
        });
        this.live.set(session.id, session);
        this.safeEmit('handshake', session.info());
        return session;
      },
      disconnectSession: (session) => this.forget(session, 'disconnect'),
      broadcast: (message) => this.publishMessage(message),
      notify: (
        event: 'connect' | 'subscribe' | 'unsubscribe' | 'publish',
        session: BayeuxSession,
        arg?: unknown,
      ) => {
        if (this.listenerCount(event) === 0) return;
        if (event === 'connect') this.safeEmit(event, session.info());
        else if (event === 'publish') this.safeEmit(event, session.info(), arg as BayeuxMessage);
        else this.safeEmit(event, session.info(), arg as string);
      },
    };
  }
}

const pathOf = (req: IncomingMessage): string => splitTarget(req.url ?? '/').path;
