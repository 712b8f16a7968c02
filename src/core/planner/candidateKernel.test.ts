import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { candidateScan, f32AtMost, nextDown32 } from './candidateKernel';

/** Scores with ties, zeros and negatives: a few levels, so equal values are common. */
function block(rows: number, q: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * q }, () => {
    const u = rng.next();
    return u < 0.1 ? 0 : u < 0.2 ? -u : Math.fround(Math.round(u * 40) / 8);
  });
}

describe('candidate kernel', () => {
  it('nextDown32 and f32AtMost step to the neighbouring f32', () => {
    expect(nextDown32(1)).toBe(1 - 2 ** -24);
    expect(nextDown32(-1)).toBe(-1 - 2 ** -23);
    expect(nextDown32(0)).toBe(-(2 ** -149));
    expect(f32AtMost(0.1)).toBe(nextDown32(Math.fround(0.1))); // fround(0.1) is above 0.1
    expect(f32AtMost(Math.fround(0.3))).toBe(Math.fround(0.3));
    expect(f32AtMost(Infinity)).toBe(Infinity);
  });

  // Brute force over the cells, against both the kernel and the plain-TS path, at widths that leave tails.
  for (const [rows, q, g, tau] of [
    [7, 37, 8, Infinity],
    [5, 64, 16, 3.5],
    [9, 3, 4, 2],
    [4, 101, 12, 4.125],
  ] as const) {
    it(`${rows} rows × ${q}, groups of ${g}, τ = ${tau}: the group maxima and the kept cells`, () => {
      const data = block(rows, q, rows * q + g);
      const rng = createRng(q);
      const bar = Float32Array.from({ length: q }, (_, y) =>
        y % 5 === 0 ? Infinity : Math.round(rng.next() * 40) / 8,
      );
      const thr = Float32Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? 0 : Math.round(rng.next() * 40) / 8));
      const ns = Math.ceil(q / g);
      const wantMax: number[] = [];
      const wantIdx: number[] = [];
      const wantVals: number[] = [];
      const wantEnds: number[] = [];
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < ns; i++) {
          const cells = Array.from(data.subarray(r * q + i * g, r * q + Math.min(q, (i + 1) * g)));
          wantMax.push(Math.max(0, ...cells.filter((v) => v <= tau)));
        }
        for (let y = 0; y < q; y++) {
          const v = data[r * q + y];
          if (v <= tau && (v > bar[y] || v > thr[r])) {
            wantIdx.push(y);
            wantVals.push(v);
          }
        }
        wantEnds.push(wantIdx.length);
      }
      for (const useKernel of [true, false]) {
        const scan = candidateScan(rows * q + 5, rows + 1, q + 3, useKernel);
        expect(scan.simd).toBe(useKernel);
        scan.block.set(data);
        scan.bar.set(bar);
        scan.thr.set(thr);
        expect(Array.from(scan.groupMax(rows, q, tau, g))).toEqual(wantMax);
        const f = scan.filter(rows, q, tau);
        expect(Array.from(f.idx)).toEqual(wantIdx);
        expect(Array.from(f.vals)).toEqual(wantVals);
        expect(Array.from(f.ends)).toEqual(wantEnds);
      }
    });
  }
});
