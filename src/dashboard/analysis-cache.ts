// Keeps the analysis of recently viewed sessions, redone only when the session has grown (rows added while recording).
import { analyzeSession, type SessionAnalysis, storedSessionRows } from '../analysis/index.js';
import { type Clock, systemClock } from '../common/clock.js';
import type { Session, Store } from '../store/index.js';

export interface AnalysisCacheOptions {
  /** sessions kept at once; the least recently used is dropped */
  maxSessions: number;
  /**
   * An analysis that took longer than this is expensive: while its session keeps growing it is redone at most
   * once per `expensiveRefreshFactor` times its own duration, so a live view of a big session never spends
   * more than about 1/factor of the CPU re-analyzing. Cheaper analyses are always redone at once.
   */
  expensiveMs: number;
  expensiveRefreshFactor: number;
  clock: Clock;
}

export const ANALYSIS_CACHE_DEFAULTS: AnalysisCacheOptions = {
  maxSessions: 4,
  expensiveMs: 200,
  expensiveRefreshFactor: 4,
  clock: systemClock,
};

interface Entry {
  version: string;
  analysis: SessionAnalysis;
  /** when it was made (clock.nowMs) */
  madeAtMs: number;
  tookMs: number;
}

/**
 * Analysis per session, keyed by what would change it: the row counts and whether the session ended.
 * Counting is an index scan (milliseconds for 200,000 rows); analyzing is a full pass, so it runs only when
 * a count moved. Rows replaced in place (a WebSocket exchange completed at its close) are seen on the next
 * count change.
 */
export class AnalysisCache {
  private readonly entries = new Map<number, Entry>();
  private readonly options: AnalysisCacheOptions;
  private readonly store: Store;

  constructor(store: Store, options: Partial<AnalysisCacheOptions> = {}) {
    this.store = store;
    this.options = { ...ANALYSIS_CACHE_DEFAULTS, ...options };
  }

  get(session: Session): SessionAnalysis {
    const { clock } = this.options;
    const version = [
      this.store.countExchanges(session.id),
      this.store.countMessages(session.id),
      session.endedAt ?? '',
    ].join(':');
    const cached = this.entries.get(session.id);
    if (cached && (cached.version === version || this.isFreshEnough(cached))) {
      this.touch(session.id, cached);
      return cached.analysis;
    }
    const startedMs = clock.nowMs();
    const analysis = analyzeSession(storedSessionRows(this.store, session));
    const madeAtMs = clock.nowMs();
    this.touch(session.id, { version, analysis, madeAtMs, tookMs: madeAtMs - startedMs });
    while (this.entries.size > this.options.maxSessions) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return analysis;
  }

  /** A stale analysis is still served while redoing it would cost more than its share of the time. */
  private isFreshEnough(entry: Entry): boolean {
    const { expensiveMs, expensiveRefreshFactor, clock } = this.options;
    return (
      entry.tookMs > expensiveMs && clock.nowMs() - entry.madeAtMs < entry.tookMs * expensiveRefreshFactor
    );
  }

  /** Map order is the LRU order: re-inserting makes it the most recent. */
  private touch(sessionId: number, entry: Entry): void {
    this.entries.delete(sessionId);
    this.entries.set(sessionId, entry);
  }
}
