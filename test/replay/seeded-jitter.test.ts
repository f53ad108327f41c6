import { describe, expect, it } from 'vitest';
import { jitterFor, mulberry32 } from '../../src/replay/seeded-jitter.js';

describe('seeded jitter', () => {
  it('repeats the same sequence for the same seed and a different one for another seed', () => {
    const take = (seed: number) => {
      const next = mulberry32(seed);
      return Array.from({ length: 5 }, next);
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    expect(take(42).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('shifts each row by the same amount whatever order rows are asked in', () => {
    const forward = [1, 2, 3, 4].map((row) => jitterFor(7, row, 50));
    const backward = [4, 3, 2, 1].map((row) => jitterFor(7, row, 50)).reverse();
    expect(forward).toEqual(backward);
  });

  it('stays within plus or minus the jitter and uses both directions', () => {
    const shifts = Array.from({ length: 500 }, (_, row) => jitterFor(1, row, 20));
    expect(Math.max(...shifts)).toBeLessThanOrEqual(20);
    expect(Math.min(...shifts)).toBeGreaterThanOrEqual(-20);
    expect(shifts.some((s) => s < -10) && shifts.some((s) => s > 10)).toBe(true);
    expect(jitterFor(1, 1, 0)).toBe(0);
  });
});
