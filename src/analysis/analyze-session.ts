// Turns one session's rows into its analysis: a single streaming pass over the messages, O(n), no I/O.
import type { BayeuxRow, Exchange, Session, Store } from '../store/index.js';
import {
  checkCallChange,
  errorNotification,
  neverReleased,
  requestFailed,
  timeWentBack,
} from './anomalies.js';
import { createCallModel } from './call-model.js';
import { findConferences } from './conferences.js';
import { createNotificationLinker } from './link-notifications.js';
import { readOperations } from './operations.js';
import { readNotification } from './read-notification.js';
import { findTransfers, type TransferContext } from './transfer-steps.js';
import type { AnalysisOptions, AnalysisStats, Anomaly, Call, Operation, SessionAnalysis } from './types.js';

export const ANALYSIS_DEFAULTS: AnalysisOptions = {
  notificationWindowMs: 5000,
};

/** The rows of one session, as the store gives them. */
export interface SessionRows {
  session: Session;
  /** all the session's exchanges; only REST POSTs with an operationName are kept in memory */
  exchanges: Iterable<Exchange>;
  /** the session's Bayeux messages in stored order; read once, never held (a million rows is fine) */
  messages: Iterable<BayeuxRow>;
}

/** The messages analysis reads of a stored session: what the clients were told (their own messages add nothing). */
export const ANALYZED_MESSAGES = { direction: 'to-client' } as const;

/**
 * What analysis reads of a stored session, streamed: its HTTP exchanges (long-poll and WebSocket exchanges carry
 * no operations: leaving them out keeps their bodies unread) and the messages of ANALYZED_MESSAGES.
 */
export const storedSessionRows = (store: Store, session: Session): SessionRows => ({
  session,
  exchanges: store.iterateExchanges(session.id, { kind: 'http' }),
  messages: store.iterateMessages(session.id, ANALYZED_MESSAGES),
});

const indexBy = <T>(items: Iterable<T>, key: (item: T) => string | null): Map<string, T[]> => {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
};

/**
 * Analyzes a session: its calls and their states, its operations and the notifications they caused, its transfers
 * and conferences step by step, and its anomalies. Pure: it reads the rows it is given and nothing else, and never
 * throws because of what the rows hold (bad content is counted in `stats`).
 */
export const analyzeSession = (
  rows: SessionRows,
  options: Partial<AnalysisOptions> = {},
): SessionAnalysis => {
  const settings: AnalysisOptions = { ...ANALYSIS_DEFAULTS, ...options };
  const read = readOperations(rows.exchanges, rows.session.notificationsPath);
  const { operations } = read;
  const anomalies: Anomaly[] = [];
  const report = (a: Anomaly): void => {
    anomalies.push(a);
  };
  for (const op of operations) {
    const failed = requestFailed(op);
    if (failed) report(failed);
  }

  const calls = createCallModel();
  const linker = createNotificationLinker({
    operations,
    calls,
    windowMs: settings.notificationWindowMs,
    report,
  });
  const stats: AnalysisStats = {
    messages: 0,
    callNotifications: 0,
    deviceNotifications: 0,
    errorNotifications: 0,
    malformedNotifications: 0,
    exchanges: read.exchanges,
    operations: operations.length,
    malformedRequests: read.malformedRequests,
    unreadableResponses: read.unreadableResponses,
  };
  let endMs = read.endMs;
  let lastNotificationAtMs = Number.NEGATIVE_INFINITY;
  /** time only moves forward for the linker, even when a row is stamped earlier than the one before it */
  let clockMs = Number.NEGATIVE_INFINITY;

  for (const row of rows.messages) {
    stats.messages++;
    if (row.atMs > endMs) endMs = row.atMs;
    const n = readNotification(row);
    if (n === null) continue;
    if (n.kind === 'malformed') {
      stats.malformedNotifications++;
      continue;
    }
    if (row.atMs < lastNotificationAtMs) report(timeWentBack(n, lastNotificationAtMs));
    lastNotificationAtMs = row.atMs;
    if (row.atMs > clockMs) {
      clockMs = row.atMs;
      linker.advance(clockMs);
    }
    switch (n.kind) {
      case 'call': {
        stats.callNotifications++;
        const change = calls.apply(n);
        const linked = linker.observeCall(n, change);
        for (const a of checkCallChange(n, change, linked)) report(a);
        break;
      }
      case 'device':
        stats.deviceNotifications++;
        linker.observeDevice(n);
        break;
      case 'error':
        stats.errorNotifications++;
        report(errorNotification(n));
        break;
      default: {
        const unreachable: never = n;
        return unreachable;
      }
    }
  }

  const isSessionOver = rows.session.endedAt !== null;
  linker.finish(endMs, isSessionOver);
  const callList = calls.calls();
  for (const a of neverReleased(callList, endMs, isSessionOver)) report(a);

  const byId = new Map(callList.map((c) => [c.id, c]));
  const children = indexBy(callList, (c) => c.parentId);
  const onCall = new Map<string, Operation[]>();
  const addOn = (id: string | null, op: Operation): void => {
    if (id === null) return;
    const list = onCall.get(id);
    if (list) list.push(op);
    else onCall.set(id, [op]);
  };
  for (const op of operations) {
    addOn(op.callId, op);
    if (op.params.consultCallId !== op.callId) addOn(op.params.consultCallId, op);
  }
  const ctx: TransferContext = {
    operations,
    call: (id) => (id === null ? undefined : byId.get(id)),
    childrenOf: (id): readonly Call[] => children.get(id) ?? [],
    operationsOn: (id): readonly Operation[] => onCall.get(id) ?? [],
  };
  const transfers = [...findTransfers(ctx), ...findConferences(ctx)].sort((a, b) => a.atMs - b.atMs);
  // stable sort: anomalies at the same time keep the order they were found in
  anomalies.sort((a, b) => a.atMs - b.atMs);

  return {
    session: rows.session,
    calls: callList,
    operations,
    transfers,
    anomalies,
    stats,
    endMs,
    options: settings,
  };
};
