import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { denseScores } from '../models/scores';
import { fillRowsOf, forEachBlock, RowSelector, sampleRows } from './stream';

/** The top M keys in (0, hi] by a full sort (ties to the lower index), in index order, and the best key left out. */
function bySort(key: Float64Array, M: number, hi = Infinity): { idx: number[]; floor: number } {
  const pos = Array.from(key.keys()).filter((y) => key[y] > 0 && key[y] <= hi);
  pos.sort((a, b) => key[b] - key[a] || a - b);
  return { idx: pos.slice(0, M).sort((a, b) => a - b), floor: pos.length > M ? key[pos[M]] : 0 };
}

describe('RowSelector.top', () => {
  it('keeps what a full sort keeps, ties and non-positive keys included', () => {
    const rng = createRng(7);
    for (let t = 0; t < 300; t++) {
      const p = 1 + rng.int(400);
      const M = 1 + rng.int(Math.max(1, p >> (t % 4)));
      // Few distinct values (ties) in some trials, negatives and zeros in others.
      const levels = t % 3 === 0 ? 5 : 1e6;
      const key = Float64Array.from(
        { length: p },
        () => Math.floor(rng.next() * levels) / levels - (t % 5 === 0 ? 0.5 : 0),
      );
      const sel = new RowSelector(p);
      const got = sel.top(key, M);
      const want = bySort(key, M);
      expect(Array.from(sel.idx.subarray(0, got.count))).toEqual(want.idx);
      expect(got.floor).toBe(want.floor);
      // Only keys up to hi (a key of the row, so ties at hi count), read from f32 keys.
      const k32 = Float32Array.from(key);
      const hi = k32[rng.int(p)];
      const capped = sel.top(k32, M, hi);
      const wantCapped = bySort(Float64Array.from(k32), M, hi);
      expect(Array.from(sel.idx.subarray(0, capped.count))).toEqual(wantCapped.idx);
      expect(capped.floor).toBe(wantCapped.floor);
    }
  });
});

describe('sampleRows', () => {
  it('n distinct ascending rows out of m, all of them when n ≥ m', () => {
    const s = sampleRows(1000, 100, createRng(3));
    expect(s.length).toBe(100);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(s[0]).toBeGreaterThanOrEqual(0);
    expect(s[99]).toBeLessThan(1000);
    expect(Array.from(sampleRows(5, 9, createRng(3)))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('forEachBlock and fillRowsOf', () => {
  it('visit every row once, in order, with its scores', () => {
    const n = 3000;
    const p = 1500; // several blocks
    const data = Float32Array.from({ length: n * p }, (_, i) => i % 977);
    const src = denseScores(n, p, data);
    let next = 0;
    forEachBlock(src, (r0, r1, block) => {
      expect(r0).toBe(next);
      expect(block[(r1 - 1 - r0) * p + 5]).toBe(data[(r1 - 1) * p + 5]);
      next = r1;
    });
    expect(next).toBe(n);
    const rows = Int32Array.from([4, 5, 6, 100, 2]);
    const out = new Float32Array(rows.length * p);
    fillRowsOf(src, rows, out);
    rows.forEach((r, i) => expect(out[i * p + 11]).toBe(data[r * p + 11]));
  });
});
