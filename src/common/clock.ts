// Time sources: a monotonic clock with sub-millisecond resolution, and the wall clock it is anchored to.
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
