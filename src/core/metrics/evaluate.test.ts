import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { denseScores } from '../models/scores';
import { evaluateItemRec, evaluateUserRec, onePercent, perplexity } from './evaluate';
import { csrFromDense, datasetFrom } from '../models/intensity/testSupport';
import type { EvalSet } from '../data/types';

/** Brute force, written from rime's formulas: full sort of each row (or column), then the metric sums directly. */
function bruteForce(S: number[][], Y: number[][], k: number, byRow: boolean) {
  const nR = S.length;
  const nC = S[0].length;
  const A = S.map(() => new Array<number>(nC).fill(0));
  if (byRow) {
    for (let r = 0; r < nR; r++) {
      const order = S[r].map((v, c) => [v, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (const [, c] of order.slice(0, k)) A[r][c] = 1;
    }
  } else {
    for (let c = 0; c < nC; c++) {
      const order = S.map((row, r) => [row[c], r]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (const [, r] of order.slice(0, k)) A[r][c] = 1;
    }
  }
  const sum = (m: number[][]) => m.flat().reduce((a, b) => a + b, 0);
  const hit = A.map((row, r) => row.map((a, c) => a * Y[r][c]));
  const obj = A.map((row, r) => row.map((a, c) => a * S[r][c]));
  const total = sum(A);
  const colSum = (m: number[][]) => m[0].map((_, c) => m.reduce((a, row) => a + row[c], 0));
  const rowSum = (m: number[][]) => m.map((row) => row.reduce((a, b) => a + b, 0));
  const ppl = (x: number[]) => {
    const t = x.reduce((a, b) => a + b, 0);
    return Math.exp(-x.reduce((a, v) => (v > 0 ? a + (v / t) * Math.log(v / t) : a), 0));
  };
  const hAxis = byRow ? rowSum(hit) : colSum(hit);
  const ideal = byRow ? rowSum(Y) : colSum(Y);
  return {
    prec: sum(hit) / total,
    recall: hAxis.reduce((a, h, i) => a + h / Math.max(1, ideal[i]), 0) / hAxis.length,
    'recs/user': total / nR,
    item_cov: colSum(A).filter((v) => v > 0).length / nC,
    item_ppl: ppl(colSum(A)),
    user_cov: rowSum(A).filter((v) => v > 0).length / nR,
    user_ppl: ppl(rowSum(A)),
    obj_mean: sum(obj) / total,
  };
}

function randomCase(seed: number, nR: number, nC: number) {
  const rng = createRng(seed);
  const S = Array.from({ length: nR }, () => Array.from({ length: nC }, () => Math.fround(rng.next())));
  const Y = Array.from({ length: nR }, () =>
    Array.from({ length: nC }, () => (rng.next() < 0.15 ? 1 + rng.int(2) : 0)),
  );
  const rows: EvalSet = {
    users: Int32Array.from({ length: nR }, (_, r) => r),
    testStart: new Float64Array(nR),
    histEnd: new Int32Array(nR),
    horizon: 1,
    target: csrFromDense(Y, nC),
    excludeTrain: false,
  };
  return { S, Y, rows, src: denseScores(nR, nC, Float32Array.from(S.flat())) };
}

describe('ItemRec and UserRec metrics', () => {
  it.each([
    [1, 13, 17, 3],
    [2, 40, 9, 1],
    [3, 7, 30, 30],
    [4, 25, 25, 5],
  ])('ItemRec matches a full-sort brute force (seed %i, %i×%i, K=%i)', (seed, nR, nC, k) => {
    const { S, Y, rows, src } = randomCase(seed, nR, nC);
    const got = evaluateItemRec(src, rows, { topK: k });
    const want = bruteForce(S, Y, Math.min(k, nC), true);
    for (const [key, v] of Object.entries(want)) expect(got[key as keyof typeof got], key).toBeCloseTo(v, 6);
  });

  it.each([
    [5, 13, 17, 2],
    [6, 9, 40, 1],
    [7, 30, 7, 30],
  ])('UserRec matches a full-sort brute force over columns (seed %i, %i×%i, C=%i)', (seed, nR, nC, c) => {
    const { S, Y, rows, src } = randomCase(seed, nR, nC);
    const got = evaluateUserRec(src, rows, { topC: c });
    const want = bruteForce(S, Y, Math.min(c, nR), false);
    for (const [key, v] of Object.entries(want)) expect(got[key as keyof typeof got], key).toBeCloseTo(v, 6);
  });

  it('UserRec streams over row blocks: a source larger than one block gives the brute-force answer', () => {
    // 1 Mi scores per block ⇒ with 2^14 columns a block is 64 rows; use 150 rows so three blocks are streamed.
    const nR = 150;
    const nC = 1 << 14;
    const rng = createRng(9);
    const data = Float32Array.from({ length: nR * nC }, () => rng.next());
    const Y = new Array<number>(nR).fill(0).map(() => new Array<number>(nC).fill(0));
    for (let i = 0; i < 3000; i++) Y[rng.int(nR)][rng.int(nC)] += 1;
    const rows: EvalSet = {
      users: new Int32Array(nR),
      testStart: new Float64Array(nR),
      histEnd: new Int32Array(nR),
      horizon: 1,
      target: csrFromDense(Y, nC),
      excludeTrain: false,
    };
    const got = evaluateUserRec(denseScores(nR, nC, data), rows, { topC: 2 });
    // Independent: for each column the two largest rows by a linear scan.
    let hits = 0;
    let recall = 0;
    for (let c = 0; c < nC; c++) {
      let b1 = -1;
      let b2 = -1;
      for (let r = 0; r < nR; r++) {
        const v = data[r * nC + c];
        if (b1 < 0 || v > data[b1 * nC + c]) {
          b2 = b1;
          b1 = r;
        } else if (b2 < 0 || v > data[b2 * nC + c]) b2 = r;
      }
      const h = Y[b1][c] + Y[b2][c];
      hits += h;
      const ideal = Y.reduce((a, row) => a + row[c], 0);
      recall += h / Math.max(1, ideal);
    }
    expect(got.prec).toBeCloseTo(hits / (2 * nC), 10);
    expect(got.recall).toBeCloseTo(recall / nC, 10);
  });

  it('masks history items when excludeTrain (they score 0 and drop out of the top-K)', () => {
    const d = datasetFrom(
      [
        [0, 0, 1],
        [0, 2, 2],
        [1, 1, 1],
      ],
      2,
      4,
    );
    const rows: EvalSet = {
      users: Int32Array.of(0, 1),
      testStart: Float64Array.of(10, 10),
      histEnd: Int32Array.of(2, 3),
      horizon: 5,
      target: csrFromDense(
        [
          [0, 1, 0, 0],
          [1, 0, 0, 0],
        ],
        4,
      ),
      excludeTrain: true,
    };
    // Row 0 prefers items 0 and 2 (its history); masked, its top-1 is item 1 (a hit). Row 1 prefers item 1 (its
    // history); masked, its top-1 is item 0 (a hit). Unmasked, both rows pick a history item and miss.
    const S = denseScores(2, 4, Float32Array.of(0.9, 0.5, 0.8, 0.1, 0.3, 0.9, 0.2, 0.1));
    const m = evaluateItemRec(S, rows, { topK: 1, dataset: d });
    expect(m.prec).toBe(1);
    expect(m.recall).toBe(1);
    expect(m.obj_mean).toBeCloseTo((0.5 + 0.3) / 2, 6);
    const unmasked = evaluateItemRec(S, { ...rows, excludeTrain: false }, { topK: 1, dataset: d });
    expect(unmasked.prec).toBe(0);
  });

  it('perplexity is exp(entropy); defaults are ceil(1%)', () => {
    expect(perplexity([1, 1, 1, 1])).toBeCloseTo(4, 12);
    expect(perplexity([5, 0, 0])).toBeCloseTo(1, 12);
    expect(perplexity([1, 3])).toBeCloseTo(Math.exp(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))), 12);
    expect(onePercent(3706)).toBe(38);
    expect(onePercent(6040)).toBe(61);
    expect(onePercent(5)).toBe(1);
  });
});
