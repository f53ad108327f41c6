// Ties each recorded notification to the client action it follows on the recording, with its recorded delay.
//
// A client action is a REST request, a Bayeux publish, a subscribe (one per channel pattern) or a handshake.
// The tool understands calls: a notification about call X follows the latest request on X's family (X, its
// parent, its consults: by path, by a URI in the body, or by a response naming X, as `POST /sim/calls` does)
// at most `causeWindowMs` earlier, even when another agent acted in between. Device and channel notifications
// follow the latest request on their resource (CHANNEL_CAUSES). Failing that:
// - a call nobody here acted on that rings (an inbound call) follows the subscribe of its channel;
// - a notification about a call acted on longer ago follows that action (a caller hanging up later);
// - otherwise the last action before it, when a REST request or publish at most `causeWindowMs` earlier;
// - otherwise (asked for by nobody) the latest subscribe of its channel at its recorded offset, and with no
//   such subscribe, the latest handshake.
import { isMetaChannel } from '../bayeux/index.js';
import type { BayeuxRow, Exchange } from '../store/index.js';
import { ActionsSoFar } from './actions-so-far.js';
import { CallFamilies, notifiedCall } from './call-family.js';

export type ClientAction =
  | { kind: 'request'; exchangeId: number; atMs: number }
  /** `ordinal`: 0 for the first subscribe to this pattern on the recording, 1 for the next... */
  | { kind: 'subscribe'; channel: string; ordinal: number; atMs: number }
  | { kind: 'publish'; channel: string; ordinal: number; atMs: number }
  | { kind: 'handshake'; ordinal: number; atMs: number };

/** Names one action so the live replay can say "this just happened again"; see the *Key functions. */
export type ActionKey = string;

export const requestKey = (exchangeId: number): ActionKey => `request ${exchangeId}`;
export const subscribeKey = (channel: string, ordinal: number): ActionKey =>
  `subscribe ${channel} #${ordinal}`;
export const publishKey = (channel: string, ordinal: number): ActionKey => `publish ${channel} #${ordinal}`;
export const handshakeKey = (ordinal: number): ActionKey => `handshake #${ordinal}`;

const actionKey = (action: ClientAction): ActionKey => {
  switch (action.kind) {
    case 'request':
      return requestKey(action.exchangeId);
    case 'subscribe':
      return subscribeKey(action.channel, action.ordinal);
    case 'publish':
      return publishKey(action.channel, action.ordinal);
    case 'handshake':
      return handshakeKey(action.ordinal);
    default: {
      const never: never = action;
      return never;
    }
  }
};

/** Why a notification hangs on its anchor. */
export type AnchorReason =
  /** a request on its call's family (or its resource) shortly before it, else the request or publish just before it */
  | 'caused-by'
  /** about a call last acted on longer than the cause window before: that action, at its recorded offset */
  | 'after-call-action'
  /** nobody asked: the subscribe of its channel, at its recorded offset */
  | 'after-subscribe'
  /** nobody asked and no subscribe of its channel was recorded: the handshake, at its offset */
  | 'after-handshake';

export interface AnchoredNotification {
  /** BayeuxRow id of the recorded message */
  rowId: number;
  channel: string;
  /** the message to deliver: as recorded, without the recorded clientId */
  message: Record<string, unknown>;
  anchor: ActionKey;
  reason: AnchorReason;
  /** ms from the anchor action to this notification on the recording */
  delayMs: number;
  recordedAtMs: number;
}

export interface AnchorPlan {
  actions: ClientAction[];
  /** notifications by anchor, each list in recorded order */
  byAnchor: Map<ActionKey, AnchoredNotification[]>;
  /** every anchored notification in recorded order */
  notifications: AnchoredNotification[];
  /** rows of notifications nothing could anchor (no action at all before them) */
  unanchoredRowIds: number[];
  /** rows dropped as copies of one notification delivered to several recorded clients */
  duplicateRowIds: number[];
}

export interface AnchorOptions {
  /** longest gap (ms) between a request or publish and a notification it caused */
  causeWindowMs: number;
  /** a message delivered to several recorded clients within this many ms is replayed once */
  duplicateWindowMs: number;
}

export const ANCHOR_DEFAULTS: AnchorOptions = { causeWindowMs: 2000, duplicateWindowMs: 100 };

const subscriptionsOf = (message: Record<string, unknown>): string[] => {
  const sub = message.subscription;
  if (typeof sub === 'string') return [sub];
  return Array.isArray(sub) ? sub.filter((s): s is string => typeof s === 'string') : [];
};

/** The client actions on the recording, in time order. */
const clientActions = (exchanges: readonly Exchange[], messages: readonly BayeuxRow[]): ClientAction[] => {
  const actions: ClientAction[] = exchanges
    .filter((e) => e.kind === 'http')
    .map((e) => ({ kind: 'request', exchangeId: e.id, atMs: e.startMs }));
  const ordinals = new Map<string, number>();
  const next = (key: string): number => {
    const n = ordinals.get(key) ?? 0;
    ordinals.set(key, n + 1);
    return n;
  };
  for (const row of [...messages].sort((a, b) => a.atMs - b.atMs || a.id - b.id)) {
    if (row.direction !== 'to-server' || row.channel === null) continue;
    if (row.channel === '/meta/handshake') {
      actions.push({ kind: 'handshake', ordinal: next('handshake'), atMs: row.atMs });
    } else if (row.channel === '/meta/subscribe') {
      for (const channel of subscriptionsOf(row.message)) {
        actions.push({ kind: 'subscribe', channel, ordinal: next(`subscribe ${channel}`), atMs: row.atMs });
      }
    } else if (!isMetaChannel(row.channel)) {
      actions.push({
        kind: 'publish',
        channel: row.channel,
        ordinal: next(`publish ${row.channel}`),
        atMs: row.atMs,
      });
    }
  }
  // Stable: at equal times requests (listed first) stay before Bayeux actions.
  return actions.sort((a, b) => a.atMs - b.atMs);
};

const isNotification = (row: BayeuxRow): row is BayeuxRow & { channel: string } =>
  row.direction === 'to-client' &&
  row.channel !== null &&
  !isMetaChannel(row.channel) &&
  'data' in row.message;

/** Drops copies of one message that several recorded clients received (two tabs, a re-handshake overlap). */
const withoutDuplicates = (
  rows: ReadonlyArray<BayeuxRow & { channel: string }>,
  windowMs: number,
): { kept: Array<BayeuxRow & { channel: string }>; duplicates: number[] } => {
  const lastSeen = new Map<string, { atMs: number; clientId: string | null }>();
  const kept: Array<BayeuxRow & { channel: string }> = [];
  const duplicates: number[] = [];
  for (const row of rows) {
    const key = `${row.channel} ${JSON.stringify(row.message.data)}`;
    const seen = lastSeen.get(key);
    if (seen && seen.clientId !== row.clientId && row.atMs - seen.atMs <= windowMs) {
      duplicates.push(row.id);
      continue;
    }
    lastSeen.set(key, { atMs: row.atMs, clientId: row.clientId });
    kept.push(row);
  }
  return { kept, duplicates };
};

const deliverable = (message: Record<string, unknown>): Record<string, unknown> => {
  const { clientId: _recordedClientId, ...rest } = message;
  return rest;
};

/** Builds the anchor plan of a recorded session (pure: rows in, plan out). */
export const anchorNotifications = (
  exchanges: readonly Exchange[],
  messages: readonly BayeuxRow[],
  options: Partial<AnchorOptions> = {},
): AnchorPlan => {
  const { causeWindowMs, duplicateWindowMs } = { ...ANCHOR_DEFAULTS, ...options };
  const actions = clientActions(exchanges, messages);
  const sorted = messages.filter(isNotification).sort((a, b) => a.atMs - b.atMs || a.id - b.id);
  const { kept, duplicates } = withoutDuplicates(sorted, duplicateWindowMs);
  const plan: AnchorPlan = {
    actions,
    byAnchor: new Map(),
    notifications: [],
    unanchoredRowIds: [],
    duplicateRowIds: duplicates,
  };
  const families = new CallFamilies(messages);
  const before = new ActionsSoFar(new Map(exchanges.map((e) => [e.id, e])));
  let nextAction = 0;
  for (const row of kept) {
    while (nextAction < actions.length && (actions[nextAction] as ClientAction).atMs <= row.atMs) {
      before.add(actions[nextAction] as ClientAction);
      nextAction++;
    }
    const found = anchorFor(before, row, families, causeWindowMs);
    if (found === null) {
      plan.unanchoredRowIds.push(row.id);
      continue;
    }
    const notification: AnchoredNotification = {
      rowId: row.id,
      channel: row.channel,
      message: deliverable(row.message),
      anchor: actionKey(found.action),
      reason: found.reason,
      delayMs: row.atMs - found.action.atMs,
      recordedAtMs: row.atMs,
    };
    plan.notifications.push(notification);
    const list = plan.byAnchor.get(notification.anchor);
    if (list) list.push(notification);
    else plan.byAnchor.set(notification.anchor, [notification]);
  }
  return plan;
};

const anchorFor = (
  before: ActionsSoFar,
  row: BayeuxRow & { channel: string },
  families: CallFamilies,
  causeWindowMs: number,
): { action: ClientAction; reason: AnchorReason } | null => {
  const isRecent = (action: ClientAction | null): action is ClientAction =>
    action !== null && row.atMs - action.atMs <= causeWindowMs;
  const call = notifiedCall(row.message);
  const onFamily = call === null ? null : before.latestOnCalls(families.familyOf(call.id));
  const onResource = call === null ? before.latestCausing(row.channel) : null;
  if (isRecent(onFamily)) return { action: onFamily, reason: 'caused-by' };
  if (isRecent(onResource)) return { action: onResource, reason: 'caused-by' };
  const isUnasked = call !== null && onFamily === null && call.state === 'Ringing';
  if (onFamily !== null) return { action: onFamily, reason: 'after-call-action' };
  const { last } = before;
  if (!isUnasked && (last?.kind === 'request' || last?.kind === 'publish') && isRecent(last)) {
    return { action: last, reason: 'caused-by' };
  }
  const subscribe = before.latestSubscribeCovering(row.channel);
  if (subscribe !== null) return { action: subscribe, reason: 'after-subscribe' };
  const handshake = before.lastHandshake;
  return handshake === null ? null : { action: handshake, reason: 'after-handshake' };
};
