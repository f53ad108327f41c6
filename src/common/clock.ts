// Time sources: a monotonic clock with sub-millisecond resolution, the wall clock it is anchored to, and timers.
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** ms on a monotonic clock (fractional, sub-ms resolution); only differences mean anything */
  nowMs(): number;
  /** ms since the Unix epoch (wall clock), for anchoring a session's origin */
  wallMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
};

/**
 * Monotonic time and timers on it, for code that waits: replay's notification timing and its Bayeux server's
 * holds and expiry run on one, so a test that moves a manual one by hand moves all of them.
 */
export interface Scheduler {
  nowMs: Clock['nowMs'];
  /** runs `fn` once after `delayMs` (as soon as it can, never synchronously, when 0 or less); returns what cancels it */
  schedule(fn: () => void, delayMs: number): () => void;
}

export const systemScheduler: Scheduler = {
  nowMs: () => systemClock.nowMs(),
  schedule: (fn, delayMs) => {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};

/** A session's time base: `atMs()` is ms since the session began, monotonic. */
export interface SessionClock {
  /** wall-clock ms since the epoch at which atMs() was 0 */
  readonly originWallMs: number;
  atMs(): number;
}

export const startSessionClock = (clock: Clock = systemClock): SessionClock => {
  const originMono = clock.nowMs();
  const originWallMs = clock.wallMs();
  return { originWallMs, atMs: () => clock.nowMs() - originMono };
};
