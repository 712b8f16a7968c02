import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { itemPopScores, popScorer, randScores, rimScorer, rimScores } from './compose';
import { rimName } from './names';
import { materialize } from './scores';
import { datasetFrom, temporalEvalSet } from './intensity/testSupport';
import type { NextItemFactors } from './types';

describe('RIM composition', () => {
  const rng = createRng(3);
  const nRows = 6;
  const nItems = 9;
  const dim = 4;
  // Large logits: a naive exp would overflow Float32; the stable softmax must not.
  const f: NextItemFactors = {
    hidden: Float32Array.from({ length: nRows * dim }, () => rng.normal() * 20),
    itemEmb: Float32Array.from({ length: nItems * dim }, () => rng.normal() * 20),
    itemBias: Float32Array.from({ length: nItems }, () => rng.normal()),
    dim,
  };
  const lambda = Float64Array.from({ length: nRows }, () => rng.next() * 5);

  it('is λ(x) · softmax(h·E + b), rows summing to λ(x) (log-sum-exp reference)', () => {
    const s = materialize(rimScores(lambda, f))!;
    for (let r = 0; r < nRows; r++) {
      const z = Array.from({ length: nItems }, (_, c) => {
        let v = f.itemBias[c];
        for (let d = 0; d < dim; d++) v += f.hidden[r * dim + d] * f.itemEmb[c * dim + d];
        return v;
      });
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
      let rowSum = 0;
      for (let c = 0; c < nItems; c++) {
        const want = lambda[r] * Math.exp(z[c] - lse);
        expect(s[r * nItems + c]).toBeCloseTo(want, 4);
        expect(Number.isFinite(s[r * nItems + c])).toBe(true);
        rowSum += s[r * nItems + c];
      }
      expect(rowSum).toBeCloseTo(lambda[r], 4);
    }
  });

  it('with a mixture: λ(x)·(r·p_hist + (1 − r)·κ·e/D) on history items, λ(x)·(1 − r)·e/D elsewhere', () => {
    const popProbs = Float32Array.from({ length: nItems }, (_, c) => (c + 1) / ((nItems * (nItems + 1)) / 2));
    // Row r's history: items r and r + 1 with p_hist 0.75 and 0.25.
    const histOf = (r: number) => [r, r + 1];
    const mix = {
      repeat: Float32Array.from({ length: nRows }, (_, r) => 0.05 * r),
      seq: Float32Array.from({ length: nRows }, (_, r) => 0.9 - 0.1 * r),
      keep: 0.3,
      popProbs,
      popInHist: Float32Array.from({ length: nRows }, (_, r) => popProbs[r] + popProbs[r + 1]),
      histPtr: Int32Array.from({ length: nRows + 1 }, (_, r) => 2 * r),
      histItems: Int32Array.from({ length: 2 * nRows }, (_, q) => (q >> 1) + (q & 1)),
      histProbs: Float32Array.from({ length: 2 * nRows }, (_, q) => (q & 1 ? 0.25 : 0.75)),
    };
    const plain = materialize(rimScores(new Float64Array(nRows).fill(1), f))!;
    const s = materialize(rimScores(lambda, { ...f, mix }))!;
    for (let r = 0; r < nRows; r++) {
      const [a, b] = histOf(r);
      const u = mix.seq[r];
      const e = (c: number) => u * plain[r * nItems + c] + (1 - u) * popProbs[c];
      const D = 1 - (1 - mix.keep) * (e(a) + e(b));
      let rowSum = 0;
      for (let c = 0; c < nItems; c++) {
        const explore = (lambda[r] * (1 - mix.repeat[r]) * e(c)) / D;
        const want =
          c === a || c === b ? lambda[r] * mix.repeat[r] * (c === a ? 0.75 : 0.25) + mix.keep * explore : explore;
        expect(s[r * nItems + c]).toBeCloseTo(want, 4);
        rowSum += s[r * nItems + c];
      }
      expect(rowSum).toBeCloseTo(lambda[r], 4);
    }
  });

  it('rimScorer combines an intensity and a next-item model under the paper name', async () => {
    const d = datasetFrom(
      [
        [0, 0, 1],
        [1, 1, 2],
      ],
      nRows,
      nItems,
    );
    const rows = temporalEvalSet(d, 10, 5);
    const sc = rimScorer(
      rimName('RNN', 'Hawkes'),
      { name: 'Hawkes', predict: () => lambda },
      { name: 'RNN', factors: async () => f, dispose() {} },
    );
    expect(sc.name).toBe('RNN-Hawkes');
    const s = materialize(await sc.scores(rows))!;
    expect(Array.from(s)).toEqual(Array.from(materialize(rimScores(lambda, f))!));
  });

  it('Pop is max(0.01, user count) × max(0.01, item count)', async () => {
    const d = datasetFrom(
      [
        [0, 0, 1],
        [0, 1, 2],
        [0, 0, 3],
        [1, 1, 20],
      ],
      3,
      3,
    );
    const rows = temporalEvalSet(d, 10, 100);
    const s = materialize(await popScorer(d, [2, 1, 0]).scores(rows))!;
    expect(Array.from(s).map((v) => +v.toFixed(6))).toEqual([6, 3, 0.03, 0.02, 0.01, 0.0001, 0.02, 0.01, 0.0001]);
    const s2 = materialize(itemPopScores([2], [3, 0]))!;
    expect(Array.from(s2).map((v) => +v.toFixed(6))).toEqual([6, 0.02]);
  });

  it('Rand is deterministic per seed, uniform-looking and seed-dependent', () => {
    const a = materialize(randScores(50, 40, 1))!;
    const b = new Float32Array(10 * 40);
    randScores(50, 40, 1).fillRows(20, 30, b);
    expect(Array.from(b)).toEqual(Array.from(a.subarray(20 * 40, 30 * 40)));
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.03);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(1);
    const c = materialize(randScores(50, 40, 2))!;
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });
});
