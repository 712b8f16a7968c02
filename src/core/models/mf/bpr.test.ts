import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { bprTripletGrad, fitBPR, newTripletGrad, type BprParams } from './bpr';
import { evalRows, heldOutAuc, plantedWorld } from './planted.testutil';

/** The triplet loss written out from its definition, in double precision over plain arrays. */
function tripletLoss(
  U: number[],
  V: number[],
  bu: number[],
  bv: number[],
  D: number,
  u: number,
  i: number,
  un: number,
  j: number,
): number {
  const s = (a: number, b: number) => {
    let z = bu[a] + bv[b];
    for (let d = 0; d < D; d++) z += U[a * D + d] * V[b * D + d];
    return z;
  };
  const logSigmoid = (x: number) => -Math.log(1 + Math.exp(-x));
  return -logSigmoid(s(u, i) - s(un, i)) - logSigmoid(s(u, i) - s(u, j));
}

describe('BPR with user- and item-side negatives', () => {
  it('triplet gradient (aliased rows summed) matches central finite differences of the loss', () => {
    const D = 3;
    const nU = 4;
    const nI = 5;
    const rng = createRng(4);
    const f32 = (n: number) => Array.from({ length: n }, () => Math.fround(0.8 * rng.normal()));
    const U = f32(nU * D);
    const V = f32(nI * D);
    const bu = f32(nU);
    const bv = f32(nI);
    const p: BprParams = {
      dim: D,
      U: Float32Array.from(U),
      V: Float32Array.from(V),
      bu: Float32Array.from(bu),
      bv: Float32Array.from(bv),
    };
    // Distinct rows, and the aliased cases u' = u and j = i that sampling can produce.
    for (const [u, i, un, j] of [
      [0, 1, 2, 3],
      [1, 4, 1, 0],
      [3, 2, 0, 2],
    ]) {
      const g = newTripletGrad(D);
      const loss = bprTripletGrad(p, u, i, un, j, g);
      expect(loss).toBeCloseTo(tripletLoss(U, V, bu, bv, D, u, i, un, j), 5);
      // Scatter into dense gradients with +=, so aliased rows sum as the training step applies them.
      const gU = new Float64Array(nU * D);
      const gV = new Float64Array(nI * D);
      const gbu = new Float64Array(nU);
      const gbv = new Float64Array(nI);
      for (let d = 0; d < D; d++) {
        gU[u * D + d] += g.gUu[d];
        gU[un * D + d] += g.gUn[d];
        gV[i * D + d] += g.gVi[d];
        gV[j * D + d] += g.gVj[d];
      }
      gbu[u] += g.gbu;
      gbu[un] += g.gbun;
      gbv[i] += g.gbvi;
      gbv[j] += g.gbvj;
      const h = 1e-5;
      const fd = (arr: number[], k: number, f: () => number) => {
        const x = arr[k];
        arr[k] = x + h;
        const a = f();
        arr[k] = x - h;
        const b = f();
        arr[k] = x;
        return (a - b) / (2 * h);
      };
      const L = () => tripletLoss(U, V, bu, bv, D, u, i, un, j);
      for (let k = 0; k < nU * D; k++) expect(gU[k]).toBeCloseTo(fd(U, k, L), 5);
      for (let k = 0; k < nI * D; k++) expect(gV[k]).toBeCloseTo(fd(V, k, L), 5);
      for (let k = 0; k < nU; k++) expect(gbu[k]).toBeCloseTo(fd(bu, k, L), 5);
      for (let k = 0; k < nI; k++) expect(gbv[k]).toBeCloseTo(fd(bv, k, L), 5);
    }
  });

  it('ranks held-out items of a planted low-rank world above random (AUC > 0.8); scores > 0; deterministic', async () => {
    const w = plantedWorld();
    const opts = { dim: 4, nNegatives: 5, epochs: 25, lr: 0.05 };
    const a = await fitBPR(w.train, { rng: createRng(3), ...opts });
    expect(a.meta.epochLoss[a.meta.epochLoss.length - 1]).toBeLessThan(a.meta.epochLoss[0]);
    expect(await heldOutAuc(w, a.scorer)).toBeGreaterThan(0.8);
    const rows = evalRows(Int32Array.of(0, 5), w.train.dataset.nItems);
    const out = new Float32Array(2 * w.train.dataset.nItems);
    (await a.scorer.scores(rows)).fillRows(0, 2, out);
    for (const v of out) expect(v).toBeGreaterThan(0);
    const b = await fitBPR(w.train, { rng: createRng(3), ...opts });
    const out2 = new Float32Array(out.length);
    (await b.scorer.scores(rows)).fillRows(0, 2, out2);
    expect(Array.from(out2)).toEqual(Array.from(out));
  });

  it('stops within one batch once aborted', async () => {
    const w = plantedWorld();
    const signal = { aborted: false };
    let reports = 0;
    const r = await fitBPR(w.train, {
      rng: createRng(1),
      dim: 2,
      epochs: 50,
      batchSize: 100,
      signal,
      onProgress: () => {
        reports++;
        if (reports === 3) signal.aborted = true;
      },
    });
    expect(reports).toBe(3);
    expect(r.meta.epochs).toBe(0);
  });
});
