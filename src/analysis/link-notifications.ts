// Links each REST operation to the notifications it caused, in one pass, and reports the ones that never came.
//
// An operation listens from its request start for `windowMs`. Operations start in time order and share one window,
// so they also end in that order: a queue activates and expires them in O(1) each, and each notification is checked
// only against the few operations listening on its call.
import type { CallChange, CallModelBuilder, CallNotification } from './call-model.js';
import { type ExpectedNotification, expectedNotificationsOf } from './expected-notifications.js';
import type { Notification } from './read-notification.js';
import type { Anomaly, ExpectationOutcome, Operation } from './types.js';

interface PendingExpectation {
  spec: ExpectedNotification;
  outcome: ExpectationOutcome;
}

interface Listening {
  op: Operation;
  /** start order, to try operations oldest first */
  order: number;
  deadlineMs: number;
  /** null for operations the table does not know: they take every notification on their calls */
  pending: PendingExpectation[] | null;
  /** call ids this operation listens on */
  callIds: Set<string>;
  maxMetRank: number;
}

export interface NotificationLinker {
  /** moves time forward to a notification's atMs: starts and ends listening operations */
  advance(atMs: number): void;
  /** links a call notification; returns the operations it was linked to */
  observeCall(notification: CallNotification, change: CallChange): Operation[];
  observeDevice(notification: Extract<Notification, { kind: 'device' }>): void;
  /** ends the pass: reports what never came, for windows that closed by `endMs` or all if `isSessionOver` */
  finish(endMs: number, isSessionOver: boolean): void;
}

export interface NotificationLinkerOptions {
  operations: readonly Operation[];
  calls: CallModelBuilder;
  windowMs: number;
  report(anomaly: Anomaly): void;
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

export const createNotificationLinker = (options: NotificationLinkerOptions): NotificationLinker => {
  const { operations, calls, windowMs, report } = options;
  const queue: Listening[] = [];
  let nextToStart = 0;
  let head = 0;
  const byCall = new Map<string, Listening[]>();
  /** InitiateTransfer/Conference waiting for a new call whose parent is the key */
  const byParent = new Map<string, Listening[]>();
  const newCallWatchers: Listening[] = [];
  const deviceWatchers: Listening[] = [];

  const addTo = <K>(map: Map<K, Listening[]>, key: K, l: Listening): void => {
    const list = map.get(key);
    if (list) list.push(l);
    else map.set(key, [l]);
  };
  const removeFrom = <K>(map: Map<K, Listening[]>, key: K, l: Listening): void => {
    const list = map.get(key);
    if (!list) return;
    const rest = list.filter((x) => x !== l);
    if (rest.length === 0) map.delete(key);
    else map.set(key, rest);
  };
  const listenOn = (l: Listening, callId: string): void => {
    if (l.callIds.has(callId)) return;
    l.callIds.add(callId);
    addTo(byCall, callId, l);
  };

  /** The two calls of a Complete*: whichever was posted to, the other is its parent or its consult child. */
  const completePair = (op: Operation): { original: string | null; consult: string | null } => {
    if (op.callId === null) return { original: null, consult: op.params.consultCallId };
    const parent = calls.get(op.callId)?.parentId ?? null;
    if (parent !== null) return { original: parent, consult: op.callId };
    return { original: op.callId, consult: op.params.consultCallId ?? calls.latestChildOf(op.callId) };
  };

  const start = (op: Operation, order: number): void => {
    const table = expectedNotificationsOf(op.operationName);
    // a refused request changed nothing (GWS-NOTES §3): nothing to expect, nothing to link
    if (!op.isAccepted) return;
    const l: Listening = {
      op,
      order,
      deadlineMs: op.startMs + windowMs,
      pending: table ? [] : null,
      callIds: new Set(),
      maxMetRank: Number.NEGATIVE_INFINITY,
    };
    queue.push(l);
    if (!table) {
      if (op.callId !== null) listenOn(l, op.callId);
      return;
    }
    const pair = completePair(op);
    for (const spec of table) {
      let callId: string | null = null;
      if (spec.role === 'target') callId = op.callId;
      else if (spec.role === 'original') callId = pair.original;
      else if (spec.role === 'consult') callId = pair.consult;
      else if (spec.role === 'other') callId = op.params.otherCallId;
      else if (spec.role === 'new-consult' && op.callId !== null) addTo(byParent, op.callId, l);
      else if (spec.role === 'new-call') newCallWatchers.push(l);
      else if (spec.role === 'device') deviceWatchers.push(l);
      if (callId !== null) listenOn(l, callId);
      const outcome: ExpectationOutcome = {
        role: spec.role,
        description: spec.description,
        callId,
        metAtMs: null,
        messageRowId: null,
      };
      op.expectations.push(outcome);
      l.pending?.push({ spec, outcome });
    }
  };

  const reportMissing = (l: Listening): void => {
    for (const { outcome } of l.pending ?? []) {
      if (outcome.metAtMs !== null) continue;
      const { op } = l;
      report({
        kind: 'missing-notification',
        callId: outcome.callId ?? op.callId,
        atMs: op.startMs,
        exchangeId: op.exchangeId,
        operationName: op.operationName,
        expected: outcome.description,
        windowMs,
        message:
          `${op.operationName}${op.callId ? ` on call ${op.callId}` : ''} (request at ${fmt(op.startMs)}): ` +
          `no ${outcome.description} notification within ${windowMs} ms`,
      });
    }
  };

  const stop = (l: Listening): void => {
    for (const id of l.callIds) removeFrom(byCall, id, l);
    if (l.op.callId !== null) removeFrom(byParent, l.op.callId, l);
    for (const list of [newCallWatchers, deviceWatchers]) {
      const i = list.indexOf(l);
      if (i !== -1) list.splice(i, 1);
    }
  };

  const advance = (atMs: number): void => {
    while (nextToStart < operations.length) {
      const op = operations[nextToStart] as Operation;
      if (op.startMs > atMs) break;
      start(op, nextToStart++);
    }
    while (head < queue.length) {
      const l = queue[head] as Listening;
      if (l.deadlineMs >= atMs) break;
      head++;
      stop(l);
      reportMissing(l);
    }
    // drop what has ended, so a long session keeps only the operations still listening
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  const matches = (spec: ExpectedNotification, n: CallNotification): boolean =>
    (spec.states === undefined || (n.call.state !== null && spec.states.includes(n.call.state))) &&
    (spec.notificationTypes === undefined ||
      (n.notificationType !== null && spec.notificationTypes.includes(n.notificationType)));

  const link = (l: Listening, n: CallNotification, isExpected: boolean): void => {
    l.op.notifications.push({
      messageRowId: n.row.id,
      atMs: n.row.atMs,
      callId: n.call.id,
      messageType: 'CallStateChangeMessage',
      notificationType: n.notificationType,
      state: n.call.state,
      isExpected,
    });
  };

  /** Fulfils the first unmet expectation of `l` this notification satisfies; false if none. */
  const fulfil = (l: Listening, n: CallNotification, change: CallChange): boolean => {
    if (!l.pending || n.row.atMs < l.op.startMs) return false;
    const callId = n.call.id;
    for (const p of l.pending) {
      if (p.outcome.metAtMs !== null) continue;
      const { role } = p.spec;
      const isNewMatch =
        change.isNew &&
        (role === 'new-call' || (role === 'new-consult' && change.call.parentId === l.op.callId));
      if (p.outcome.callId !== callId && !(p.outcome.callId === null && isNewMatch)) continue;
      if (!matches(p.spec, n)) continue;
      p.outcome.callId = callId;
      p.outcome.metAtMs = n.row.atMs;
      p.outcome.messageRowId = n.row.id;
      listenOn(l, callId);
      if (p.spec.rank < l.maxMetRank) {
        report({
          kind: 'out-of-order',
          reason: 'sequence',
          callId,
          atMs: n.row.atMs,
          messageRowId: n.row.id,
          message:
            `${l.op.operationName} (request at ${fmt(l.op.startMs)}): ${p.spec.description} came at ` +
            `${fmt(n.row.atMs)}, after a notification GWS sends later`,
        });
      }
      l.maxMetRank = Math.max(l.maxMetRank, p.spec.rank);
      link(l, n, true);
      return true;
    }
    return false;
  };

  const observeCall = (n: CallNotification, change: CallChange): Operation[] => {
    const listening = byCall.get(n.call.id);
    // the common case in a big session: nobody is waiting on this call
    if (!listening && !change.isNew) return [];
    const candidates = new Set<Listening>(listening);
    if (change.isNew) {
      if (change.call.parentId !== null)
        for (const l of byParent.get(change.call.parentId) ?? []) candidates.add(l);
      for (const l of newCallWatchers) candidates.add(l);
    }
    const ordered = [...candidates].sort((a, b) => a.order - b.order);
    for (const l of ordered) if (fulfil(l, n, change)) return [l.op];
    // operations the table does not know take what came on their call; the latest one is the likeliest cause
    for (let i = ordered.length - 1; i >= 0; i--) {
      const l = ordered[i] as Listening;
      if (l.pending === null && n.row.atMs >= l.op.startMs) {
        link(l, n, false);
        return [l.op];
      }
    }
    return [];
  };

  const observeDevice = (n: Extract<Notification, { kind: 'device' }>): void => {
    for (const l of deviceWatchers) {
      const p = l.pending?.find((x) => x.spec.role === 'device' && x.outcome.metAtMs === null);
      if (!p || n.row.atMs < l.op.startMs) continue;
      p.outcome.metAtMs = n.row.atMs;
      p.outcome.messageRowId = n.row.id;
      l.op.notifications.push({
        messageRowId: n.row.id,
        atMs: n.row.atMs,
        callId: null,
        messageType: 'DeviceStateChangeMessage',
        notificationType: null,
        state: null,
        isExpected: true,
      });
      return;
    }
  };

  const finish = (endMs: number, isSessionOver: boolean): void => {
    advance(endMs);
    for (; head < queue.length; head++) {
      const l = queue[head] as Listening;
      stop(l);
      if (isSessionOver || l.deadlineMs <= endMs) reportMissing(l);
    }
  };

  return { advance, observeCall, observeDevice, finish };
};
