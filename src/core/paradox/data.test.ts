import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import type { Csr } from '../data/types';
import { gammaGrid, gammaScore, gammaSweep, paradoxRows, topRows, type ParadoxRows } from './data';

/** A CSR from rows of [column, count] pairs. */
function csr(rows: [number, number][][], nCols: number): Csr {
  const indptr = new Int32Array(rows.length + 1);
  const indices: number[] = [];
  const data: number[] = [];
  rows.forEach((r, i) => {
    for (const [c, v] of r) {
      indices.push(c);
      data.push(v);
    }
    indptr[i + 1] = indices.length;
  });
  return { nRows: rows.length, nCols, indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/**
 * Brute force, independent of any sort: row r is in the top C when fewer than C rows beat it (a higher score, or the
 * same score and a lower index); scores by Math.pow.
 */
function bruteHits(rows: ParadoxRows, gamma: number, C: number): { hits: number; picked: number[] } {
  const n = rows.p.length;
  const s = Array.from({ length: n }, (_, r) =>
    gamma === 0 ? rows.p[r] : Math.pow(rows.lambda[r], gamma) * rows.p[r],
  );
  const picked: number[] = [];
  for (let r = 0; r < n; r++) {
    let beaten = 0;
    for (let q = 0; q < n; q++) if (s[q] > s[r] || (s[q] === s[r] && q < r)) beaten++;
    if (beaten < C) picked.push(r);
  }
  return { hits: picked.reduce((a, r) => a + rows.came[r], 0), picked };
}

describe('paradoxRows', () => {
  it('recovers p(G|x) = Σ λ(x,y) / λ(x) and marks the rows with an event on G (hand-computed)', () => {
    // 3 rows × 4 items; λ = 2, 0.5, 0; λ(x, y) = λ · p(y|x).
    const lambda = Float64Array.from([2, 0.5, 0]);
    const p = [
      [0.1, 0.2, 0.3, 0.4],
      [0.25, 0.25, 0.25, 0.25],
      [0.5, 0.5, 0, 0],
    ];
    const scores = Float32Array.from(p.flatMap((row, r) => row.map((v) => v * lambda[r])));
    const target = csr([[[3, 1]], [[1, 2]], [[0, 1]]], 4);
    const rows = paradoxRows(scores, 4, lambda, [1, 3], target);
    expect(rows.p[0]).toBeCloseTo(0.6, 6);
    expect(rows.p[1]).toBeCloseTo(0.5, 6);
    // λ = 0 leaves no p(y|x) to read.
    expect(rows.p[2]).toBe(0);
    expect([...rows.came]).toEqual([1, 1, 0]);
  });
});

describe('gammaScore', () => {
  it('is p at γ = 0 and λ·p at γ = 1, λ^γ·p between', () => {
    expect(gammaScore(4, 0.3, 0)).toBe(0.3);
    expect(gammaScore(0, 0.3, 0)).toBe(0.3);
    expect(gammaScore(4, 0.3, 1)).toBeCloseTo(1.2, 12);
    expect(gammaScore(4, 0.3, 0.5)).toBeCloseTo(0.6, 12);
    expect(gammaScore(0, 0.3, 0.5)).toBe(0);
  });
});

describe('gammaSweep against brute force', () => {
  it('a Figure 2 population: Bayes (γ = 0) picks the inactive users, RIM (γ = 1) the active ones', () => {
    // 2 active users (λ = 2, p = 0.4), 2 with [C] (λ = 1, p = 0.8), 6 inactive (λ = 0.1, p = 0.9); actives came.
    const lambda = Float64Array.from([2, 2, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    const p = Float64Array.from([0.4, 0.4, 0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]);
    const came = Uint8Array.from([1, 1, 1, 0, 0, 0, 0, 0, 0, 1]);
    const rows = { lambda, p, came };
    const s = gammaSweep(rows, [0, 1], 4);
    // γ = 0: rows 4..7 (p = 0.9, lowest indices first); none came.
    expect([...topRows(rows, 0, 4)]).toEqual([4, 5, 6, 7]);
    expect(s.points[0]).toMatchObject({ gamma: 0, hits: 0, meanLambda: expect.closeTo(0.1, 12) });
    // γ = 1: 0.8, 0.8 (rows 0, 1), 0.8, 0.8 (rows 2, 3): ties to the lower row; 3 came.
    expect([...topRows(rows, 1, 4)]).toEqual([0, 1, 2, 3]);
    expect(s.points[1]).toMatchObject({ gamma: 1, hits: 3, meanLambda: expect.closeTo(1.5, 12) });
    expect(s).toMatchObject({ positives: 4, nRows: 10, topC: 4, meanLambda: expect.closeTo(6.6 / 10, 12) });
  });

  it('random populations: hits and picked rows equal the brute force at every γ of the grid and several C', () => {
    const rng = createRng(17);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(rng.next() * 60);
      // Few distinct values so that ties happen.
      const lambda = Float64Array.from({ length: n }, () => [0, 0.2, 1, 3][Math.floor(rng.next() * 4)]);
      const p = Float64Array.from({ length: n }, () => [0, 0.1, 0.3, 0.6][Math.floor(rng.next() * 4)]);
      const came = Uint8Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
      const rows = { lambda, p, came };
      for (const C of [1, 3, Math.floor(n / 2), n, n + 5]) {
        const sweep = gammaSweep(rows, gammaGrid(10), C);
        for (const pt of sweep.points) {
          const b = bruteHits(rows, pt.gamma, C);
          expect(pt.hits).toBe(b.hits);
          expect([...topRows(rows, pt.gamma, C)].sort((a, c) => a - c)).toEqual(b.picked);
        }
        expect(sweep.topC).toBe(Math.min(C, n));
      }
    }
  });

  it('gammaGrid runs from 0 to 1 in equal steps', () => {
    expect(gammaGrid(4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(gammaGrid(20)).toHaveLength(21);
    expect(gammaGrid(20)[7]).toBeCloseTo(0.35, 12);
  });
});
