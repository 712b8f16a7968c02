import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { ColumnTops, TopPairs } from './columnHeaps';

describe('TopPairs', () => {
  it('holds every offered pair above lo, about size of them, and none at or below lo', () => {
    const rng = createRng(11);
    for (const [offers, size, levels] of [
      [50_000, 1000, 1e9],
      [20_000, 300, 50], // many ties
      [100, 1000, 1e9], // never fills: lo stays 0, everything positive kept
    ] as const) {
      const top = new TopPairs(size);
      const all: [number, number, number][] = [];
      for (let i = 0; i < offers; i++) {
        const v = Math.fround(Math.floor(rng.next() * levels) / levels - 0.01);
        all.push([v, i, i % 7]);
        top.offer(v, i, i % 7);
      }
      const kept = new Set(Array.from(top.x.subarray(0, top.n)));
      const want = all.filter(([v]) => v > top.lo);
      expect(kept.size).toBe(top.n);
      expect(want.length).toBe(top.n);
      for (const [, x] of want) expect(kept.has(x)).toBe(true);
      for (let i = 0; i < top.n; i++) expect(top.y[i]).toBe(top.x[i] % 7);
      expect(top.n).toBeLessThanOrEqual(2 * size);
      if (offers > 2 * size && levels > 1000) expect(top.n).toBeGreaterThan(size / 2);
      if (offers < size) expect(top.lo).toBe(0);
    }
  });

  it('holds nothing at size 0 (lo = ∞)', () => {
    const top = new TopPairs(0);
    top.offer(5, 1, 1);
    expect(top.n).toBe(0);
    expect(top.lo).toBe(Infinity);
  });
});

describe('ColumnTops', () => {
  it("keeps each item's best users and bounds the ones left out", () => {
    const rng = createRng(5);
    const users = 200;
    const cap = Int32Array.from([10, 0, 200, 50, 7]);
    // Item 4 starts from a bar: only users above it are offered, and while short its bound is the bar.
    const base = Float32Array.from([0, 0, 0, 0, 0.98]);
    const h = new ColumnTops(cap, users, base);
    const col = Array.from({ length: 5 }, () => Float32Array.from({ length: users }, () => rng.next()));
    for (let x = 0; x < users; x++) for (let y = 0; y < 5; y++) if (col[y][x] > h.bar[y]) h.offer(y, col[y][x], x);
    h.finish();
    for (let y = 0; y < 5; y++) {
      const sorted = Array.from(col[y].keys())
        .filter((x) => col[y][x] > base[y])
        .sort((a, b) => col[y][b] - col[y][a]);
      const kept = Array.from(h.x.subarray(h.off[y], h.off[y] + h.n[y])).sort((a, b) => a - b);
      expect(kept).toEqual(sorted.slice(0, cap[y]).sort((a, b) => a - b));
      for (let i = h.off[y]; i < h.off[y] + h.n[y]; i++) expect(h.v[i]).toBe(col[y][h.x[i]]);
      // The bound on the scores left out: the cap-th best; −∞ when it holds every user, ∞ when none, the bar while short.
      if (cap[y] >= users) expect(h.floor(y)).toBe(-Infinity);
      else if (cap[y] === 0) expect(h.floor(y)).toBe(Infinity);
      else if (sorted.length < cap[y]) expect(h.floor(y)).toBe(base[y]);
      else expect(h.floor(y)).toBe(col[y][sorted[cap[y] - 1]]);
    }
    expect(h.n[4]).toBeLessThan(cap[4]);
  });
});
