// A scheduler whose time only moves when the test says so, for replay and Bayeux timing tests without real waits.
import type { Scheduler } from '../../src/common/clock.js';

export interface ManualScheduler extends Scheduler {
  /** moves time forward by `ms`, running every timer that falls due, in due order */
  advance(ms: number): void;
  /** timers not yet run or cancelled */
  readonly pendingTimers: number;
  /** when those timers are due, earliest first */
  readonly dueAtMs: number[];
}

export const manualScheduler = (startMs = 0): ManualScheduler => {
  let now = startMs;
  let seq = 0;
  const timers = new Map<number, { atMs: number; fn: () => void }>();
  return {
    nowMs: () => now,
    schedule(fn, delayMs) {
      const id = seq++;
      timers.set(id, { atMs: now + Math.max(0, delayMs), fn });
      return () => {
        timers.delete(id);
      };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...timers.entries()].sort((a, b) => a[1].atMs - b[1].atMs || a[0] - b[0])[0];
        if (next === undefined || next[1].atMs > end) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].atMs);
        next[1].fn();
      }
      now = end;
    },
    get pendingTimers() {
      return timers.size;
    },
    get dueAtMs() {
      return [...timers.values()].map((t) => t.atMs).sort((a, b) => a - b);
    },
  };
};
