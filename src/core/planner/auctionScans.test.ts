import { describe, expect, it } from 'vitest';
import { cheapestOutsiders } from './auctionScans';
import { ItemHolders } from './itemHolders';
import { createRng } from '../util/rng';

describe('cheapestOutsiders: a raise\'s candidates, against sorting every outsider', () => {
  it('keeps the `need` smallest costs kth − (λ + w) among non-members, with ties, negative costs and short columns', () => {
    const r = createRng(5);
    const rng = () => r.next();
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rng() * 90);
      const cols = 3;
      // Values on a coarse grid make ties; costs fall on both sides of 0 as in a near-tight auction.
      const T = Float32Array.from({ length: n * cols }, () => Math.round(rng() * 8) / 8);
      const kth = Float64Array.from({ length: n }, () => Math.round(rng() * 16) / 16 - 0.25);
      const member = Uint8Array.from({ length: n * cols }, () => (rng() < 0.2 ? 1 : 0));
      const y = Math.floor(rng() * cols);
      const col = y * n;
      const wy = trial % 3 === 0 ? 0 : Math.round(rng() * 4) / 8;
      const need = 1 + Math.floor(rng() * 12);
      const cost = new Float64Array(n);
      const users = new Int32Array(n);
      const c = cheapestOutsiders(member, col, kth, T, wy, n, need, cost, users);

      const outsiders = Array.from({ length: n }, (_, x) => x).filter((x) => !member[col + x]);
      const costOf = (x: number) => kth[x] - (T[col + x] + wy);
      const want = outsiders.map(costOf).sort((a, b) => a - b).slice(0, need);
      expect(c).toBe(want.length);
      const kept = Array.from(users.subarray(0, c));
      expect(new Set(kept).size).toBe(c);
      for (const x of kept) expect(member[col + x]).toBe(0);
      // Each kept user's recorded cost is its own; together they are the smallest (ties may pick other users).
      kept.forEach((x, i) => expect(cost[i]).toBe(costOf(x)));
      expect(Array.from(cost.subarray(0, c)).sort((a, b) => a - b)).toEqual(want);
      // cost[0] is the dearest kept (the heap's root).
      if (c > 0) expect(cost[0]).toBe(want[c - 1]);
    }
  });
});

describe('ItemHolders', () => {
  it('matches a set per item through adds and removes, across list growth', () => {
    const r = createRng(9);
    const rng = () => r.next();
    const m = 5;
    const h = new ItemHolders(m);
    const model = Array.from({ length: m }, () => new Set<number>());
    for (let step = 0; step < 4000; step++) {
      const y = Math.floor(rng() * m);
      const x = Math.floor(rng() * 200);
      if (model[y].has(x)) {
        h.remove(y, x);
        model[y].delete(x);
      } else {
        h.add(y, x);
        model[y].add(x);
      }
    }
    for (let y = 0; y < m; y++) {
      expect(h.count[y]).toBe(model[y].size);
      expect(Array.from(h.list(y).subarray(0, h.count[y])).sort((a, b) => a - b)).toEqual([...model[y]].sort((a, b) => a - b));
    }
    expect(() => h.remove(0, 1000)).toThrow(/does not hold/);
    h.clear();
    expect(Array.from(h.count)).toEqual([0, 0, 0, 0, 0]);
  });
});
