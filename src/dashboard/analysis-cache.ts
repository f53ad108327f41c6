// Keeps the analysis of recently viewed sessions, redone only when the session has grown (rows added while recording).
import { analyzeSession, type SessionAnalysis } from '../analysis/index.js';
import type { Session, Store } from '../store/index.js';

export interface AnalysisCacheOptions {
  /** sessions kept at once; the least recently used is dropped */
  maxSessions: number;
}

export const ANALYSIS_CACHE_DEFAULTS: AnalysisCacheOptions = { maxSessions: 4 };

interface Entry {
  version: string;
  analysis: SessionAnalysis;
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

  constructor(
    private readonly store: Store,
    options: Partial<AnalysisCacheOptions> = {},
  ) {
    this.options = { ...ANALYSIS_CACHE_DEFAULTS, ...options };
  }

  get(session: Session): SessionAnalysis {
    const version = [
      this.store.countExchanges(session.id),
      this.store.countMessages(session.id),
      session.endedAt ?? '',
    ].join(':');
    const cached = this.entries.get(session.id);
    if (cached && cached.version === version) {
      // re-insert: Map order is the LRU order
      this.entries.delete(session.id);
      this.entries.set(session.id, cached);
      return cached.analysis;
    }
    const analysis = analyzeSession({
      session,
      exchanges: this.store.exchanges(session.id),
      messages: this.store.iterateMessages(session.id),
    });
    this.entries.delete(session.id);
    this.entries.set(session.id, { version, analysis });
    while (this.entries.size > this.options.maxSessions) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return analysis;
  }
}
