// One replaying client's own run through the recording: which actions it repeated, what is due, what went out.
import type { Scheduler } from '../common/clock.js';
import {
  type ActionKey,
  type AnchoredNotification,
  type AnchorPlan,
  handshakeKey,
  publishKey,
  requestKey,
  subscribeKey,
} from './anchor-notifications.js';
import type { RequestCursors } from './request-book.js';
import { jitterFor } from './seeded-jitter.js';

/**
 * How far replaying got through the recording: answers given per group of identical requests, and the
 * actions repeated (each counts once). Each client has its own, or the clients of a shared replay share one.
 */
export interface ReplayProgress {
  readonly cursors: RequestCursors;
  readonly triggered: Set<ActionKey>;
  /** per subscribe channel, publish channel and handshake: how many were repeated */
  readonly ordinals: Map<string, number>;
}

export const startProgress = (): ReplayProgress => ({
  cursors: new Map(),
  triggered: new Set(),
  ordinals: new Map(),
});

export interface ClientTimelineOptions {
  id: string;
  plan: AnchorPlan;
  /** this client's own progress by default */
  progress?: ReplayProgress;
  /** recorded delays are divided by this */
  speed: number;
  /** each notification moves by up to ± this many ms (see jitterFor) */
  jitterMs: number;
  seed: number;
  scheduler: Scheduler;
  /** hands a notification to this client's live Bayeux sessions; false when none took it */
  deliver(notification: AnchoredNotification): boolean;
}

interface Pending {
  notification: AnchoredNotification;
  /** scheduler time the anchor action happened again */
  anchorAtMs: number;
  /** ms after the anchor: recorded delay / speed, plus jitter */
  plannedDelayMs: number;
  dueAtMs: number;
  /** tie-break keeping recorded order among equal due times */
  seq: number;
}

export interface DeliveredNotification {
  rowId: number;
  channel: string;
  anchor: ActionKey;
  /** ms from anchor to notification on the recording */
  recordedDelayMs: number;
  /** ms it was meant to take here: recorded / speed, plus jitter */
  plannedDelayMs: number;
  /** ms it took here, anchor to hand-over to the Bayeux server */
  actualDelayMs: number;
  /** false when no live Bayeux session of this client could take it */
  isDelivered: boolean;
}

export interface PendingStatus {
  rowId: number;
  channel: string;
  anchor: ActionKey;
  /** ms until it is due; null while its anchor action has not happened again */
  dueInMs: number | null;
}

export interface TimelineStatus {
  id: string;
  pending: PendingStatus[];
  delivered: DeliveredNotification[];
}

// Timers fire on whole milliseconds, sometimes a fraction before the due time: sending then beats
// waiting another full timer tick.
const EARLY_TOLERANCE_MS = 1;

export class ClientTimeline {
  readonly id: string;
  private readonly options: ClientTimelineOptions;
  private readonly progress: ReplayProgress;
  private queue: Pending[] = [];
  private delivered: DeliveredNotification[] = [];
  private cancelTimer: (() => void) | null = null;
  private seq = 0;

  constructor(options: ClientTimelineOptions) {
    this.id = options.id;
    this.options = options;
    this.progress = options.progress ?? startProgress();
  }

  /** this client's place in each group of identical REST requests (shared in a shared replay) */
  get cursors(): RequestCursors {
    return this.progress.cursors;
  }

  /** The client sent a request the recording answered with exchange `exchangeId` (a fresh answer). */
  requested(exchangeId: number, atMs?: number): void {
    this.trigger(requestKey(exchangeId), atMs);
  }

  subscribed(channel: string): void {
    this.trigger(subscribeKey(channel, this.nextOrdinal(`subscribe ${channel}`)));
  }

  published(channel: string): void {
    this.trigger(publishKey(channel, this.nextOrdinal(`publish ${channel}`)));
  }

  handshook(): void {
    this.trigger(handshakeKey(this.nextOrdinal('handshake')));
  }

  /** Schedules the notifications anchored to `key`; an action counts once per progress. */
  private trigger(key: ActionKey, atMs = this.options.scheduler.nowMs()): void {
    const { triggered } = this.progress;
    if (triggered.has(key)) return;
    triggered.add(key);
    const anchored = this.options.plan.byAnchor.get(key);
    if (anchored === undefined) return;
    const { speed, jitterMs, seed } = this.options;
    let previousDelayMs = 0;
    for (const notification of anchored) {
      const jittered = Math.max(
        0,
        notification.delayMs / speed + jitterFor(seed, notification.rowId, jitterMs),
      );
      // Jitter moves notifications against everything else, never against the one recorded before them.
      const plannedDelayMs = Math.max(jittered, previousDelayMs);
      previousDelayMs = plannedDelayMs;
      this.queue.push({
        notification,
        anchorAtMs: atMs,
        plannedDelayMs,
        dueAtMs: atMs + plannedDelayMs,
        seq: this.seq++,
      });
    }
    this.queue.sort((a, b) => a.dueAtMs - b.dueAtMs || a.seq - b.seq);
    this.arm();
  }

  status(): TimelineStatus {
    const now = this.options.scheduler.nowMs();
    const scheduled = new Set(this.queue.map((p) => p.notification.rowId));
    const waiting = this.options.plan.notifications.filter(
      (n) => !this.progress.triggered.has(n.anchor) && !scheduled.has(n.rowId),
    );
    return {
      id: this.id,
      pending: [
        ...this.queue.map((p) => ({
          rowId: p.notification.rowId,
          channel: p.notification.channel,
          anchor: p.notification.anchor,
          dueInMs: Math.max(0, p.dueAtMs - now),
        })),
        ...waiting.map((n) => ({ rowId: n.rowId, channel: n.channel, anchor: n.anchor, dueInMs: null })),
      ],
      delivered: [...this.delivered],
    };
  }

  /** Back to the start of the recording: nothing repeated, nothing due, nothing delivered. */
  reset(): void {
    this.close();
    this.progress.cursors.clear();
    this.progress.ordinals.clear();
    this.progress.triggered.clear();
    this.delivered = [];
  }

  /** Drops everything due; no timer is left behind. */
  close(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.queue = [];
  }

  private nextOrdinal(key: string): number {
    const { ordinals } = this.progress;
    const n = ordinals.get(key) ?? 0;
    ordinals.set(key, n + 1);
    return n;
  }

  /** One timer per timeline, for the earliest due notification, so equal due times keep recorded order. */
  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    const head = this.queue[0];
    if (head === undefined) return;
    const { scheduler } = this.options;
    this.cancelTimer = scheduler.schedule(() => this.flushDue(), head.dueAtMs - scheduler.nowMs());
  }

  private flushDue(): void {
    this.cancelTimer = null;
    const now = this.options.scheduler.nowMs();
    while (this.queue.length > 0 && (this.queue[0] as Pending).dueAtMs <= now + EARLY_TOLERANCE_MS) {
      const due = this.queue.shift() as Pending;
      const { notification } = due;
      const isDelivered = this.options.deliver(notification);
      this.delivered.push({
        rowId: notification.rowId,
        channel: notification.channel,
        anchor: notification.anchor,
        recordedDelayMs: notification.delayMs,
        plannedDelayMs: due.plannedDelayMs,
        actualDelayMs: now - due.anchorAtMs,
        isDelivered,
      });
    }
    this.arm();
  }
}
