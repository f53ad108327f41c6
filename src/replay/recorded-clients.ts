// How many Bayeux clients the recording had connected at once: two agents recorded together replay together.

import type { BayeuxRow } from '../store/index.js';

/**
 * The most recorded Bayeux clients alive at one moment. A client lives from its first to its last message
 * that names its clientId, so a client that re-handshakes after losing its session (its old id falls
 * silent first) still counts once.
 */
export const recordedClientsAtOnce = (messages: readonly BayeuxRow[]): number => {
  const spans = new Map<string, { fromMs: number; toMs: number }>();
  for (const row of messages) {
    if (row.clientId === null) continue;
    const span = spans.get(row.clientId);
    if (span === undefined) spans.set(row.clientId, { fromMs: row.atMs, toMs: row.atMs });
    else {
      span.fromMs = Math.min(span.fromMs, row.atMs);
      span.toMs = Math.max(span.toMs, row.atMs);
    }
  }
  // In start order, each client drops those that fell silent by its start (a hand-over is no overlap).
  let alive: number[] = [];
  let most = 0;
  for (const span of [...spans.values()].sort((a, b) => a.fromMs - b.fromMs)) {
    alive = alive.filter((toMs) => toMs > span.fromMs);
    alive.push(span.toMs);
    most = Math.max(most, alive.length);
  }
  return most;
};
