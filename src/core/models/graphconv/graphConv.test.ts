import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import type { Csr, Dataset, EvalSet } from '../../data/types';
import { csrFromDense } from '../intensity/testSupport';
import { fitGraphConv } from './fit';
import { graphConvScorer, initGraphConv, stateFeatures, type GraphConvParams, type GraphConvTask } from './graphConv';
import { batchLossGrad, zeroGrads, type LabelDraw } from './loss';

/** The appendix B loss written from its definition: plain loops, no shared code with the model. */
function referenceLoss(p: GraphConvParams, task: GraphConvTask, draws: LabelDraw[]): number {
  const D = p.dim;
  const h = (r: number) => {
    const s: number[] = [];
    for (let k = 0; k < D; k++) {
      let v = p.E[p.nItems * D + k];
      for (const j of task.states[r].items) v += p.E[j * D + k];
      s.push(v);
    }
    const z = Array.from({ length: D }, (_, k) => p.b[k] + s.reduce((a, sm, m) => a + sm * p.W[m * D + k], 0));
    const mu = z.reduce((a, x) => a + x, 0) / D;
    const va = z.reduce((a, x) => a + (x - mu) ** 2, 0) / D;
    return z.map((x, k) => (p.gamma[k] * (x - mu)) / Math.sqrt(va + 1e-5) + p.beta[k]);
  };
  const score = (r: number, i: number) => {
    const hr = h(r);
    return hr.reduce((a, x, k) => a + x * p.E[i * D + k], 0) + p.R[task.states[r].bucket] + p.bv[i];
  };
  const nNeg = draws[0].negRows.length;
  const W = draws.reduce((a, d) => a + d.weight, 0);
  let loss = 0;
  for (const d of draws) {
    const pos = score(d.row, d.item);
    for (const r of d.negRows) loss += d.weight * Math.log(1 + Math.exp(-(pos - score(r, d.item))));
    for (const i of d.negItems) loss += d.weight * Math.log(1 + Math.exp(-(pos - score(d.row, i))));
  }
  return loss / (2 * nNeg * W);
}

/** Label rows given as item lists (one event each). */
const csr = (rows: number[][], nCols: number): Csr =>
  csrFromDense(
    rows.map((items) => {
      const d = new Array<number>(nCols).fill(0);
      for (const i of items) d[i]++;
      return d;
    }),
    nCols,
  );

describe('GraphConv (GCMC-style, appendix B)', () => {
  it('batch gradient matches central finite differences of the loss written from its definition', () => {
    const D = 3;
    const nItems = 4;
    const rng = createRng(5);
    const p = initGraphConv(nItems, D, rng);
    // Move every parameter off its initial value so no gradient is trivially zero.
    for (const a of [p.E, p.bv, p.W, p.b, p.gamma, p.beta, p.R])
      for (let k = 0; k < a.length; k++) a[k] += 0.3 * rng.normal();
    const task: GraphConvTask = {
      states: [
        { items: Int32Array.of(0, 1, 1), bucket: 0 },
        { items: Int32Array.of(2), bucket: 3 },
        { items: Int32Array.of(), bucket: 5 },
      ],
      labels: csr([[2], [3], [0]], nItems),
    };
    const draws: LabelDraw[] = [
      { row: 0, item: 2, weight: 1, negRows: [1, 2], negItems: [3, 0] },
      { row: 1, item: 3, weight: 2, negRows: [0, 1], negItems: [1, 3] },
      { row: 2, item: 0, weight: 1, negRows: [2, 0], negItems: [2, 2] },
    ];
    const g = zeroGrads(p);
    const loss = batchLossGrad(p, task, draws, g);
    expect(loss).toBeCloseTo(referenceLoss(p, task, draws), 10);
    const eps = 1e-6;
    for (const key of ['E', 'bv', 'W', 'b', 'gamma', 'beta', 'R'] as const) {
      for (let k = 0; k < p[key].length; k++) {
        const x = p[key][k];
        p[key][k] = x + eps;
        const up = referenceLoss(p, task, draws);
        p[key][k] = x - eps;
        const dn = referenceLoss(p, task, draws);
        p[key][k] = x;
        expect(g[key][k], `${key}[${k}]`).toBeCloseTo((up - dn) / (2 * eps), 6);
      }
    }
  });

  it('recency buckets count the edges {0.1, 0.3, 1, 3, 10} × horizon below the gap; the history is the latest events', () => {
    const ds: Dataset = {
      userIds: ['a', 'b'],
      itemIds: ['x', 'y', 'z'],
      user: Int32Array.of(0, 0, 0, 1),
      item: Int32Array.of(0, 1, 2, 1),
      time: Float64Array.of(0, 5, 9, 0),
      userOffsets: Int32Array.of(0, 3, 4),
      itemCounts: Int32Array.of(1, 2, 1),
      nUsers: 2,
      nItems: 3,
    };
    const rows: EvalSet = {
      users: Int32Array.of(0, 0, 1),
      testStart: Float64Array.of(10, 9.5, 50),
      histEnd: Int32Array.of(3, 3, 4),
      horizon: 10,
      target: csr([[], [], []], 3),
      excludeTrain: false,
    };
    const f = stateFeatures(ds, rows, 10, 2);
    // Gaps 1, 0.5, 50 against edges 1, 3, 10, 30, 100: bucketize counts the edges strictly below the gap (1 ≤ 1).
    expect(f.map((x) => x.bucket)).toEqual([0, 0, 4]);
    expect(Array.from(f[0].items)).toEqual([1, 2]);
    expect(Array.from(f[2].items)).toEqual([1]);
  });

  it('learns a two-taste world: each state ranks the items of its taste above the others', async () => {
    // Items 0-4 are taste A, 5-9 taste B; a state with an A history takes an A item in its window, and so on.
    const nItems = 10;
    const rng = createRng(2);
    const states = [];
    const rows: number[][] = [];
    for (let r = 0; r < 60; r++) {
      const t = r % 2;
      const items = Int32Array.from({ length: 4 }, () => t * 5 + rng.int(5));
      states.push({ items, bucket: rng.int(6) });
      rows.push([t * 5 + rng.int(5)]);
    }
    const task: GraphConvTask = { states, labels: csr(rows, nItems) };
    const r = await fitGraphConv(nItems, [task], { rng: createRng(1), dim: 8, epochs: 40, batchSize: 20, lr: 0.1 });
    expect(r.meta.epochLoss[r.meta.epochLoss.length - 1]).toBeLessThan(0.7 * r.meta.epochLoss[0]);
    // Score fresh states through the public scorer: one A history, one B history.
    const ds: Dataset = {
      userIds: ['a', 'b'],
      itemIds: Array.from({ length: nItems }, (_, i) => `i${i}`),
      user: Int32Array.of(0, 0, 1, 1),
      item: Int32Array.of(1, 3, 6, 8),
      time: Float64Array.of(0, 1, 0, 1),
      userOffsets: Int32Array.of(0, 2, 4),
      itemCounts: new Int32Array(nItems),
      nUsers: 2,
      nItems,
    };
    const evalRows: EvalSet = {
      users: Int32Array.of(0, 1),
      testStart: Float64Array.of(2, 2),
      histEnd: Int32Array.of(2, 4),
      horizon: 1,
      target: csr([[], []], nItems),
      excludeTrain: false,
    };
    const src = await graphConvScorer('GraphConv-Base', ds, r.params, 1).scores(evalRows);
    const out = new Float32Array(2 * nItems);
    src.fillRows(0, 2, out);
    const mean = (a: Float32Array) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(out.subarray(0, 5))).toBeGreaterThan(mean(out.subarray(5, 10)));
    expect(mean(out.subarray(15, 20))).toBeGreaterThan(mean(out.subarray(10, 15)));
    for (const v of out) expect(v).toBeGreaterThan(0);
  });
});
