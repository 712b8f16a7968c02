import { describe, expect, it } from 'vitest';
import { softAssignment, softPass } from './kernels';
import { createRng } from '../util/rng';

describe('softPass (one pass: row and column sums of π = sigmoid((λ − u − v)/ε))', () => {
  it('matches the sums of the pairwise sigmoid, with pairs past the logit cut-off counted as 0 or 1', () => {
    const rng = createRng(5);
    const rows = 37;
    const cols = 23;
    const data = Float32Array.from({ length: rows * cols }, () => rng.next());
    const u = Float64Array.from({ length: rows }, () => 0.5 * rng.next());
    const v = Float64Array.from({ length: cols }, () => -0.2 * rng.next());
    // ε = 0.02 puts pairs on both sides of the cut-off (|z| > 20) and many inside it; ε = 1: none cut off.
    for (const eps of [0.02, 1]) {
      const pi = softAssignment(data, rows, cols, u, v, eps);
      const rowSum = new Float64Array(rows);
      const colSum = new Float64Array(cols);
      softPass(data, rows, cols, u, v, eps, rowSum, colSum);
      for (let x = 0; x < rows; x++) {
        let s = 0;
        for (let y = 0; y < cols; y++) s += pi[x * cols + y];
        expect(rowSum[x]).toBeCloseTo(s, 6);
      }
      for (let y = 0; y < cols; y++) {
        let s = 0;
        for (let x = 0; x < rows; x++) s += pi[x * cols + y];
        expect(colSum[y]).toBeCloseTo(s, 6);
      }
    }
    // By hand: λ = 1, u = 0.25, v = −0.25, ε = 1 → sigmoid(1) = 0.7310586.
    const r = new Float64Array(1);
    const c = new Float64Array(1);
    softPass(Float32Array.of(1), 1, 1, Float64Array.of(0.25), Float64Array.of(-0.25), 1, r, c);
    expect(r[0]).toBeCloseTo(0.7310586, 6);
    expect(c[0]).toBeCloseTo(0.7310586, 6);
  });
});
