import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { sortDescendingStable } from './sortDescending';

describe('sortDescendingStable', () => {
  it('orders as a comparison sort does: descending, ties by position', () => {
    const rng = createRng(4);
    const a = Float32Array.from({ length: 5000 }, () => Math.floor(rng.next() * 50) / 7);
    a[3] = 0;
    a[10] = 1e30;
    const want = Array.from(a.keys()).sort((i, j) => a[j] - a[i] || i - j);
    expect(Array.from(sortDescendingStable(a))).toEqual(want);
  });
});
