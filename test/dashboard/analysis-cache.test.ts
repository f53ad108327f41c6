import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/common/clock.js';
import { AnalysisCache } from '../../src/dashboard/analysis-cache.js';
import type { Session } from '../../src/store/index.js';
import { storeWith } from '../helpers/dashboard-fixtures.js';
import { RecordingScript, SEED_CALL_A, SEED_CALL_B, seedTwoStepTransfer } from '../helpers/rows.js';

/** A clock that moves only when told, so "how long an analysis took" is whatever the test says. */
const steppingClock = () => {
  let nowMs = 0;
  let stepMs = 0;
  const clock: Clock = {
    nowMs: () => {
      nowMs += stepMs;
      return nowMs;
    },
    wallMs: () => nowMs,
  };
  return {
    clock,
    /** each read of the clock advances it by this much: an analysis, timed by two reads, "takes" ms */
    eachReadTakes: (ms: number) => {
      stepMs = ms;
    },
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
};

const growingSession = () => {
  const script = new RecordingScript();
  script.notify(SEED_CALL_A, 'Ringing', 1000);
  const filled = storeWith([{ name: 'growing', script, ended: false }]);
  const session = filled.sessions[0] as Session;
  const grow = (id: number) => {
    const row = { ...new RecordingScript().notify(SEED_CALL_B, 'Dialing', 2000 + id), id };
    filled.store.writeRows(session.id, { messages: [row] });
  };
  return { ...filled, session, grow };
};

describe('analysis cache', () => {
  it('serves the same analysis while the session is unchanged, and a new one once it grows', () => {
    const { store, session, grow } = growingSession();
    const cache = new AnalysisCache(store);
    const first = cache.get(session);
    expect(cache.get(session)).toBe(first);
    grow(100);
    const second = cache.get(session);
    expect(second).not.toBe(first);
    expect(second.calls.map((c) => c.id)).toEqual([SEED_CALL_A.id, SEED_CALL_B.id]);
  });

  it('redoes an expensive analysis of a growing session at most once per 4x its duration', () => {
    const { store, session, grow } = growingSession();
    const time = steppingClock();
    const cache = new AnalysisCache(store, {
      clock: time.clock,
      expensiveMs: 200,
      expensiveRefreshFactor: 4,
    });
    time.eachReadTakes(300); // the clock is read before and after: the analysis "took" 300 ms
    const first = cache.get(session);
    time.eachReadTakes(0);
    grow(100);
    time.advance(1000);
    expect(cache.get(session)).toBe(first); // 1,000 ms after: within 4 x 300 ms
    time.advance(300);
    const second = cache.get(session);
    expect(second).not.toBe(first);
    expect(second.calls).toHaveLength(2);
  });

  it('forgets the least recently used session beyond its size', () => {
    const { store, sessions } = storeWith([
      { name: 'a', script: seedTwoStepTransfer(new RecordingScript()) },
      { name: 'b', script: seedTwoStepTransfer(new RecordingScript()) },
      { name: 'c', script: seedTwoStepTransfer(new RecordingScript()) },
    ]);
    const [a, b, c] = sessions as [Session, Session, Session];
    const cache = new AnalysisCache(store, { maxSessions: 2 });
    const firstA = cache.get(a);
    const keptB = cache.get(b);
    expect(cache.get(a)).toBe(firstA); // a is now the most recent
    const keptC = cache.get(c); // drops b
    expect(cache.get(a)).toBe(firstA);
    const firstB = cache.get(b); // analyzed again, drops c
    expect(firstB).not.toBe(keptB);
    expect(cache.get(b)).toBe(firstB);
    expect(cache.get(a)).toBe(firstA);
    expect(cache.get(c)).not.toBe(keptC);
  });
});
