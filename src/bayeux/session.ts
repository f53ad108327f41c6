// One client session: its subscriptions, its queue, the /meta/connect it holds open, and its expiry.
import type { Scheduler } from '../common/clock.js';
import { channelMatches } from './channel-match.js';
import type { BayeuxMessage, SessionInfo, TransportName } from './types.js';

/** A /meta/connect a transport keeps open until the session has something to send or the hold times out. */
export interface HeldConnect {
  /** the connect reply that ends the hold */
  readonly reply: BayeuxMessage;
  /** writes the deliveries and then the connect reply through the transport holding the connect */
  complete(deliveries: BayeuxMessage[], reply: BayeuxMessage): void;
}

/**
 * Where a session's messages go as soon as they are queued, without waiting for a /meta/connect:
 * an open WebSocket. Long-polling has no outlet; its messages ride on connect replies.
 */
export interface Outlet {
  send(messages: BayeuxMessage[]): void;
  /** sessions currently sending through this outlet, so its closing can detach them */
  readonly sessions: Set<BayeuxSession>;
}

export interface SessionInit {
  id: string;
  principal: string;
  transport: TransportName;
  nowMs: number;
  /** runs the hold and expiry timers */
  scheduler: Pick<Scheduler, 'schedule'>;
  /** ms without a held or new /meta/connect after which the session expires */
  maxIntervalMs: number;
  onExpire(session: BayeuxSession): void;
}

export class BayeuxSession {
  readonly id: string;
  readonly principal: string;
  transport: TransportName;
  readonly subscriptions = new Set<string>();
  readonly connectedAtMs: number;
  lastConnectAtMs: number | null = null;
  private queue: BayeuxMessage[] = [];
  private held: { connect: HeldConnect; cancelTimer: () => void } | null = null;
  private cancelExpiry: (() => void) | null = null;
  private outlet: Outlet | null = null;
  private isFlushScheduled = false;
  private isEnded = false;
  private readonly scheduler: Pick<Scheduler, 'schedule'>;
  private readonly maxIntervalMs: number;
  private readonly onExpire: (session: BayeuxSession) => void;

  constructor(init: SessionInit) {
    this.id = init.id;
    this.principal = init.principal;
    this.transport = init.transport;
    this.connectedAtMs = init.nowMs;
    this.scheduler = init.scheduler;
    this.maxIntervalMs = init.maxIntervalMs;
    this.onExpire = init.onExpire;
    this.startExpiry();
  }

  get isConnectHeld(): boolean {
    return this.held !== null;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      principal: this.principal,
      transport: this.transport,
      subscriptions: [...this.subscriptions],
      connectedAtMs: this.connectedAtMs,
      lastConnectAtMs: this.lastConnectAtMs,
      queuedCount: this.queue.length,
      isConnectHeld: this.held !== null,
    };
  }

  /** Does one of the session's subscriptions (wildcards included) cover `channel`? */
  isSubscribedTo(channel: string): boolean {
    for (const pattern of this.subscriptions) if (channelMatches(pattern, channel)) return true;
    return false;
  }

  /** Queues a message; it goes out at the end of the current tick, with whatever else was queued in it. */
  enqueue(message: BayeuxMessage): void {
    if (this.isEnded) return;
    this.queue.push(message);
    this.scheduleFlush();
  }

  /**
   * Holds a /meta/connect for up to `timeoutMs`. A connect already held is answered first (the client
   * has given up on it); queued messages answer the new one at once.
   */
  hold(connect: HeldConnect, timeoutMs: number): void {
    if (this.isEnded) {
      connect.complete([], connect.reply);
      return;
    }
    this.releaseHeld([]);
    this.stopExpiry();
    if (timeoutMs <= 0 || (this.outlet === null && this.queue.length > 0)) {
      connect.complete(this.outlet === null ? this.drain() : [], connect.reply);
      this.startExpiry();
      return;
    }
    const cancelTimer = this.scheduler.schedule(() => this.releaseHeld([]), timeoutMs);
    this.held = { connect, cancelTimer };
  }

  /** The peer holding `connect` went away (closed its request or socket): stop holding, start expiring. */
  dropHeld(connect: HeldConnect): void {
    if (this.held?.connect !== connect) return;
    this.held.cancelTimer();
    this.held = null;
    if (!this.isEnded) this.startExpiry();
  }

  attachOutlet(outlet: Outlet): void {
    if (this.isEnded || this.outlet === outlet) return;
    this.outlet?.sessions.delete(this);
    this.outlet = outlet;
    outlet.sessions.add(this);
    // Later, not now: the reply to the message that brought the outlet (a handshake) must go first.
    if (this.queue.length > 0) this.scheduleFlush();
  }

  detachOutlet(outlet: Outlet): void {
    if (this.outlet !== outlet) return;
    outlet.sessions.delete(this);
    this.outlet = null;
  }

  /**
   * Ends the session: a held connect is answered with what is still queued and `advice` (reconnect
   * "none" after a /meta/disconnect), then every timer is cleared and nothing more is sent.
   */
  end(advice?: BayeuxMessage['advice']): void {
    if (this.isEnded) return;
    const deliveries = this.held === null ? [] : this.drain();
    this.releaseHeld(deliveries, advice);
    this.isEnded = true;
    this.stopExpiry();
    this.queue = [];
    this.subscriptions.clear();
    if (this.outlet !== null) this.detachOutlet(this.outlet);
  }

  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    // A microtask, so messages published in one go leave in one connect response or one frame.
    queueMicrotask(() => {
      this.isFlushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.isEnded || this.queue.length === 0) return;
    if (this.outlet !== null) this.outlet.send(this.drain());
    else if (this.held !== null) this.releaseHeld(this.drain());
  }

  private drain(): BayeuxMessage[] {
    const messages = this.queue;
    this.queue = [];
    return messages;
  }

  private releaseHeld(deliveries: BayeuxMessage[], advice?: BayeuxMessage['advice']): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    held.cancelTimer();
    const reply = advice === undefined ? held.connect.reply : { ...held.connect.reply, advice };
    held.connect.complete(deliveries, reply);
    if (!this.isEnded) this.startExpiry();
  }

  private startExpiry(): void {
    this.stopExpiry();
    this.cancelExpiry = this.scheduler.schedule(() => {
      this.cancelExpiry = null;
      this.onExpire(this);
    }, this.maxIntervalMs);
  }

  private stopExpiry(): void {
    this.cancelExpiry?.();
    this.cancelExpiry = null;
  }
}
