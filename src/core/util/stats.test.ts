import { describe, expect, it } from 'vitest';
import { pearson } from './stats';

describe('pearson', () => {
  it.each([
    [[1, 2, 3], [2, 4, 6], 1],
    [[1, 2, 3], [3, 2, 1], -1],
    // Hand-computed: deviations (−1.5, −0.5, 0.5, 1.5) and (−1.5, 0.5, −0.5, 1.5): Σab = 4, Σa² = Σb² = 5 → 0.8.
    [[1, 2, 3, 4], [1, 3, 2, 4], 0.8],
  ])('%j ~ %j = %d', (a, b, r) => {
    expect(pearson(a, b)).toBeCloseTo(r, 12);
  });
  it('is NaN for a constant sample and rejects unequal lengths', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => pearson([1, 2], [1, 2, 3])).toThrow(RangeError);
  });
});
