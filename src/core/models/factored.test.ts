import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { factoredScores, type Activation } from './factored';
import { materialize } from './scores';

describe('factoredScores', () => {
  const rng = createRng(1);
  const nRows = 11; // not a multiple of the 4-row block
  const nCols = 7; // odd: exercises the 2-column tail
  const D = 5;
  const U = Float32Array.from({ length: nRows * D }, () => rng.normal());
  const V = Float32Array.from({ length: nCols * D }, () => rng.normal());
  const rb = Array.from({ length: nRows }, () => rng.normal());
  const cb = Array.from({ length: nCols }, () => rng.normal());
  const rs = Array.from({ length: nRows }, () => rng.next() + 0.5);
  const cs = Array.from({ length: nCols }, () => rng.next() + 0.5);
  const fns: Record<Activation, (z: number) => number> = {
    identity: (z) => z,
    exp: (z) => Math.exp(z),
    softplus: (z) => Math.log(1 + Math.exp(z)),
    sigmoid: (z) => Math.exp(z) / (1 + Math.exp(z)),
    max0: (z) => Math.max(0, z),
  };

  it.each(Object.keys(fns) as Activation[])('matches the naive triple loop with act=%s, for any row block', (act) => {
    const src = factoredScores({
      nRows,
      nCols,
      dim: D,
      U,
      V,
      rowBias: rb,
      colBias: cb,
      rowScale: rs,
      colScale: cs,
      act,
    });
    const full = materialize(src)!;
    const block = new Float32Array(3 * nCols);
    src.fillRows(5, 8, block);
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < nCols; c++) {
        let z = rb[r] + cb[c];
        for (let d = 0; d < D; d++) z += U[r * D + d] * V[c * D + d];
        const want = rs[r] * cs[c] * fns[act](z);
        expect(full[r * nCols + c]).toBeCloseTo(want, 4);
        if (r >= 5 && r < 8) expect(block[(r - 5) * nCols + c]).toBe(full[r * nCols + c]);
      }
    }
  });

  it('with dim 0 gives scale products of f(biases)', () => {
    const src = factoredScores({ nRows: 2, nCols: 2, dim: 0, rowScale: [2, 3], colScale: [5, 7], act: 'exp' });
    expect(Array.from(materialize(src)!)).toEqual([10, 14, 15, 21]);
  });

  it('rejects inconsistent shapes', () => {
    expect(() =>
      factoredScores({ nRows: 2, nCols: 2, dim: 1, U: new Float32Array(3), V: new Float32Array(2) }),
    ).toThrow(RangeError);
  });
});
