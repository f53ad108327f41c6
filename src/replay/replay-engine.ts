// The replay's logic without sockets: answers REST requests from the recording and runs each client's timeline.
import type { Scheduler } from '../common/clock.js';
import { errorBody } from '../common/errors.js';
import { type Logger, silentLogger } from '../common/logger.js';
import type { BayeuxRow, Exchange, Session, Store } from '../store/index.js';
import { type AnchoredNotification, type AnchorPlan, anchorNotifications } from './anchor-notifications.js';
import { type ClientIdentity, ClientRegistry } from './client-registry.js';
import {
  ClientTimeline,
  type ReplayProgress,
  startProgress,
  type TimelineStatus,
} from './client-timeline.js';
import { parseIgnoreFields } from './json-data.js';
import { describeRequest, type ReplayRequest } from './normalise-request.js';
import { recordedClientsAtOnce } from './recorded-clients.js';
import { type LiveResponse, liveResponse, mintHeaderSecret, mintSessionId } from './recorded-response.js';
import { type NearMiss, RequestBook } from './request-book.js';
import { createOriginRewrite, type OriginRewrite, recordedOrigins } from './rewrite-origins.js';

/** A recorded session and its rows: everything the replay serves. */
export interface ReplaySource {
  session: Session;
  exchanges: Exchange[];
  messages: BayeuxRow[];
}

export type ReplayMode = 'strict' | 'lenient';

/**
 * How live clients divide the recording. `each-client`: every client replays all of it on its own (one
 * agent recorded, several tests replaying it). `shared`: the clients go through it once together, as the
 * recorded agents did: identical requests get the recorded answers in order whoever sends them (two
 * agents reading their devices get one device each), and each notification goes to the client that
 * repeated its anchor. `auto` shares when the recording had several Bayeux clients connected at once.
 */
export type ReplaySharing = 'each-client' | 'shared';

export interface ReplayEngineOptions {
  source: ReplaySource;
  /** origin used in rewritten URLs when a client gave no Host header (see setPublicOrigin) */
  publicOrigin: string;
  speed: number;
  mode: ReplayMode;
  jitterMs: number;
  seed: number;
  ignoreFields: readonly string[];
  causeWindowMs: number;
  /** default auto */
  sharing?: ReplaySharing | 'auto';
  /** the cookie that names a client's HTTP session (GWS: JSESSIONID) */
  sessionCookieName: string;
  scheduler: Scheduler;
  logger?: Logger;
  /** queues a message for one live Bayeux session if it is subscribed to the message's channel */
  deliver(sessionId: string, message: Record<string, unknown> & { channel: string }): boolean;
}

/** A REST request as it reached the replay server. */
export interface LiveRequest extends ReplayRequest {
  /** `http://host:port` from the Host header; null if there was none */
  origin: string | null;
  identity: ClientIdentity;
}

export interface EngineReply extends LiveResponse {
  /** ms to hold the response: the recorded response time divided by the speed */
  delayMs: number;
}

export interface UnmatchedRequest {
  /** ms on the replay clock */
  atMs: number;
  client: string;
  request: string;
  closest: NearMiss[];
}

/** One replaying client: its timeline and where its URLs should point. */
interface ReplayClient {
  id: string;
  timeline: ClientTimeline;
  origin: string;
  headerSecrets: Map<string, string>;
}

export interface ReplayStatus {
  session: { id: number; name: string | null; upstream: string; startedAt: string };
  mode: ReplayMode;
  speed: number;
  jitterMs: number;
  seed: number;
  sharing: ReplaySharing;
  recorded: {
    requests: number;
    notifications: number;
    unanchoredRowIds: number[];
    /** most Bayeux clients connected at once on the recording */
    clientsAtOnce: number;
  };
  /** per client; when shared, a notification whose anchor nobody repeated yet is listed under every client */
  clients: Array<TimelineStatus & { bayeuxSessions: string[]; origin: string }>;
  /** totals over all clients (when shared, a notification still waiting for its anchor counts once) */
  pending: number;
  delivered: number;
  unmatched: UnmatchedRequest[];
}

// The status keeps the latest misses only, so a client hammering an unknown URL cannot grow memory.
const MAX_UNMATCHED = 200;

/** Reads a session and its rows from the store: `ref` is an id, a name or 'latest'. */
export const loadReplaySource = (store: Store, ref?: string | number): ReplaySource => {
  const session = store.resolveSession(ref);
  return { session, exchanges: store.exchanges(session.id), messages: store.messages(session.id) };
};

export class ReplayEngine {
  readonly plan: AnchorPlan;
  readonly sharing: ReplaySharing;
  private readonly options: ReplayEngineOptions;
  private readonly clientsAtOnce: number;
  /** the one progress of a shared replay; null when each client has its own */
  private readonly sharedProgress: ReplayProgress | null;
  private readonly book: RequestBook;
  private readonly exchanges = new Map<number, Exchange>();
  private readonly registry: ClientRegistry<ReplayClient>;
  private readonly byId = new Map<string, ReplayClient>();
  private readonly rewrites = new Map<string, OriginRewrite>();
  private readonly logger: Logger;
  private unmatched: UnmatchedRequest[] = [];
  private publicOrigin: string;

  constructor(options: ReplayEngineOptions) {
    this.options = options;
    this.publicOrigin = options.publicOrigin;
    this.logger = options.logger ?? silentLogger;
    const { session, exchanges, messages } = options.source;
    const rest = exchanges.filter((e) => e.kind === 'http');
    for (const exchange of rest) this.exchanges.set(exchange.id, exchange);
    this.book = new RequestBook(
      rest.map((e) => ({ id: e.id, request: { ...e, body: e.requestBody } })),
      {
        ignoreFields: parseIgnoreFields(options.ignoreFields),
        recordedOrigins: recordedOrigins(session),
      },
    );
    this.plan = anchorNotifications(exchanges, messages, { causeWindowMs: options.causeWindowMs });
    this.clientsAtOnce = recordedClientsAtOnce(messages);
    const sharing = options.sharing ?? 'auto';
    this.sharing = sharing !== 'auto' ? sharing : this.clientsAtOnce > 1 ? 'shared' : 'each-client';
    this.sharedProgress = this.sharing === 'shared' ? startProgress() : null;
    this.registry = new ClientRegistry((seq) => this.createClient(seq));
  }

  /** The origin the server really listens on, once it is bound (port 0 picks it late). */
  setPublicOrigin(origin: string): void {
    this.publicOrigin = origin;
  }

  /** Answers one REST request from the recording, moving its client's timeline on. */
  handleRequest(request: LiveRequest): EngineReply {
    const client = this.registry.forRequest(request.identity);
    if (request.origin !== null) client.origin = request.origin;
    const atMs = this.options.scheduler.nowMs();
    const live = this.book.normalise(request, [client.origin, this.publicOrigin]);
    const found = this.book.answer(live, client.timeline.cursors);
    if (found.kind === 'miss') {
      const closest = this.book.closest(live);
      const described = describeRequest(live);
      this.unmatched.push({ atMs, client: client.id, request: described, closest });
      if (this.unmatched.length > MAX_UNMATCHED) this.unmatched.shift();
      // Bodies may hold personal data: only the request line at info.
      this.logger.info(
        { client: client.id, method: live.method, path: live.path },
        'replay: no recorded request matches',
      );
      this.logger.debug({ client: client.id, request: described }, 'replay: unmatched request');
      if (this.options.mode === 'lenient') return json(200, { statusCode: 0 });
      return json(
        404,
        errorBody('VCR_REPLAY_NO_MATCH', `no recorded request matches ${described}`, {
          request: described,
          closest,
          hint:
            closest.length === 0
              ? 'The session recorded no REST request; replay a session that has them.'
              : 'Send the request as recorded (the closest ones and what differs are listed), or replay with --lenient.',
        }),
      );
    }
    const exchange = this.exchanges.get(found.exchangeId) as Exchange;
    if (found.isFresh) client.timeline.requested(exchange.id, atMs);
    const response = liveResponse(
      exchange,
      this.rewriteTo(client.origin),
      {
        sessionCookie: () => this.registry.cookieOf(client, mintSessionId),
        headerSecret: (name) => secretFor(client, name),
      },
      this.options.sessionCookieName,
    );
    if (response === null) {
      return json(
        502,
        errorBody('VCR_REPLAY_NO_RESPONSE', `the recording holds no response to ${describeRequest(live)}`, {
          recordedError: exchange.error,
          hint: 'The recorded client got no answer either (it went away, or the upstream failed).',
        }),
      );
    }
    const delayMs =
      exchange.firstByteMs === null ? 0 : (exchange.firstByteMs - exchange.startMs) / this.options.speed;
    return { ...response, delayMs: Math.max(0, delayMs) };
  }

  /** Which client a Bayeux handshake belongs to: its id becomes the session's principal. */
  clientForHandshake(identity: ClientIdentity, origin: string | null): string {
    const client = this.registry.forHandshake(identity);
    if (origin !== null) client.origin = origin;
    return client.id;
  }

  sessionStarted(sessionId: string, principal: string): void {
    const client = this.byId.get(principal);
    if (client === undefined) return;
    this.registry.attachSession(client, sessionId);
    client.timeline.handshook();
  }

  subscribed(sessionId: string, channel: string): void {
    this.registry.timelineOfSession(sessionId)?.timeline.subscribed(channel);
  }

  published(sessionId: string, channel: string): void {
    this.registry.timelineOfSession(sessionId)?.timeline.published(channel);
  }

  sessionEnded(sessionId: string): void {
    this.registry.detachSession(sessionId);
  }

  status(): ReplayStatus {
    const { session } = this.options.source;
    const clients = this.registry.timelines().map((client) => ({
      ...client.timeline.status(),
      bayeuxSessions: this.registry.sessionsOf(client),
      origin: client.origin,
    }));
    const waiting = new Set<number>();
    let pending = 0;
    for (const entry of clients.flatMap((c) => c.pending)) {
      if (entry.dueInMs === null && this.sharing === 'shared') waiting.add(entry.rowId);
      else pending++;
    }
    return {
      session: {
        id: session.id,
        name: session.name,
        upstream: session.upstream,
        startedAt: session.startedAt,
      },
      mode: this.options.mode,
      speed: this.options.speed,
      jitterMs: this.options.jitterMs,
      seed: this.options.seed,
      sharing: this.sharing,
      recorded: {
        requests: this.exchanges.size,
        notifications: this.plan.notifications.length,
        unanchoredRowIds: this.plan.unanchoredRowIds,
        clientsAtOnce: this.clientsAtOnce,
      },
      clients,
      pending: pending + waiting.size,
      delivered: clients.reduce((n, c) => n + c.delivered.length, 0),
      unmatched: [...this.unmatched],
    };
  }

  /** Every client starts the recording again; clients stay bound to their Bayeux sessions. */
  reset(): void {
    for (const client of this.registry.timelines()) client.timeline.reset();
    this.unmatched = [];
  }

  close(): void {
    for (const client of this.registry.timelines()) client.timeline.close();
  }

  private createClient(seq: number): ReplayClient {
    const id = `client-${seq + 1}`;
    const client: ReplayClient = {
      id,
      origin: this.publicOrigin,
      headerSecrets: new Map(),
      timeline: new ClientTimeline({
        id,
        plan: this.plan,
        ...(this.sharedProgress === null ? {} : { progress: this.sharedProgress }),
        speed: this.options.speed,
        jitterMs: this.options.jitterMs,
        seed: this.options.seed,
        scheduler: this.options.scheduler,
        deliver: (notification) => this.deliverTo(client, notification),
      }),
    };
    this.byId.set(id, client);
    return client;
  }

  private deliverTo(client: ReplayClient, notification: AnchoredNotification): boolean {
    const message = {
      ...this.rewriteTo(client.origin).value(notification.message),
      channel: notification.channel,
    };
    let isDelivered = false;
    for (const sessionId of this.registry.sessionsOf(client)) {
      if (this.options.deliver(sessionId, message)) isDelivered = true;
    }
    return isDelivered;
  }

  private rewriteTo(origin: string): OriginRewrite {
    let rewrite = this.rewrites.get(origin);
    if (rewrite === undefined) {
      const { session } = this.options.source;
      rewrite = createOriginRewrite(recordedOrigins(session), origin);
      this.rewrites.set(origin, rewrite);
    }
    return rewrite;
  }
}

const secretFor = (client: ReplayClient, name: string): string => {
  let secret = client.headerSecrets.get(name);
  if (secret === undefined) {
    secret = mintHeaderSecret();
    client.headerSecrets.set(name, secret);
  }
  return secret;
};

const json = (status: number, body: unknown): EngineReply => ({
  status,
  headers: [['content-type', 'application/json']],
  body: Buffer.from(JSON.stringify(body)),
  delayMs: 0,
});
