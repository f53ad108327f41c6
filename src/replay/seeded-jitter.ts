// Reproducible timing noise: a seedable PRNG and the shift it gives each recorded notification.

/** mulberry32: a small, fast 32-bit PRNG; the same seed always gives the same sequence of numbers in [0, 1). */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Mixes two integers into one seed (a 32-bit finaliser), so neighbouring row ids get unrelated shifts. */
const mix = (seed: number, n: number): number => {
  let h = (seed ^ Math.imul(n, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/**
 * The shift (ms, in [-jitterMs, +jitterMs]) of one recorded notification. It depends only on the seed
 * and the row id, not on the order notifications happen to be scheduled in, so a run with the same seed
 * shifts every notification the same way whatever the client's timing.
 */
export const jitterFor = (seed: number, rowId: number, jitterMs: number): number => {
  if (jitterMs <= 0) return 0;
  const random = mulberry32(mix(seed, rowId))();
  return (random * 2 - 1) * jitterMs;
};
