import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { bprPairGrad, fitLightfmBPR, newPairGrad, type PairParams } from './lightfmBpr';
import { evalRows, heldOutAuc, plantedWorld, type PlantedWorld } from './planted.testutil';
import type { Scorer } from '../types';

/** −log σ(s(a,p) − s(a,n)) written out from its definition over plain arrays. */
function pairLoss(A: number[], C: number[], ba: number[], bc: number[], D: number, a: number, p: number, n: number) {
  const s = (x: number, y: number) => {
    let z = ba[x] + bc[y];
    for (let d = 0; d < D; d++) z += A[x * D + d] * C[y * D + d];
    return z;
  };
  return Math.log(1 + Math.exp(-(s(a, p) - s(a, n))));
}

/**
 * Mean over held-out pairs (u, h) of P(score(u, h) > score(u', h)) over users u' without h in training: how well the
 * scores rank the users of one item (UserRec), ties ½.
 */
async function userSideAuc(w: PlantedWorld, scorer: Scorer): Promise<number> {
  const { dataset, trainEnd } = w.train;
  const { nUsers, nItems } = dataset;
  const src = await scorer.scores(
    evalRows(
      Int32Array.from({ length: nUsers }, (_, u) => u),
      nItems,
    ),
  );
  const out = new Float32Array(nUsers * nItems);
  src.fillRows(0, nUsers, out);
  const had = (u: number, i: number) => dataset.item.subarray(dataset.userOffsets[u], trainEnd[u]).includes(i);
  let sum = 0;
  for (let u = 0; u < nUsers; u++) {
    const h = w.heldOut[u];
    let wins = 0;
    let pairs = 0;
    for (let v = 0; v < nUsers; v++) {
      if (v === u || had(v, h) || w.heldOut[v] === h) continue;
      const d = out[u * nItems + h] - out[v * nItems + h];
      wins += d > 0 ? 1 : d === 0 ? 0.5 : 0;
      pairs++;
    }
    sum += wins / pairs;
  }
  return sum / nUsers;
}

describe('LightFM-style one-sided BPR (BPR-Item, BPR-User)', () => {
  it('pair gradient matches central finite differences of the loss', () => {
    const D = 3;
    const rng = createRng(9);
    const f32 = (n: number) => Array.from({ length: n }, () => Math.fround(0.8 * rng.normal()));
    const A = f32(3 * D);
    const C = f32(4 * D);
    const ba = f32(3);
    const bc = f32(4);
    const q: PairParams = {
      dim: D,
      A: Float32Array.from(A),
      C: Float32Array.from(C),
      ba: Float32Array.from(ba),
      bc: Float32Array.from(bc),
    };
    for (const [a, p, n] of [
      [0, 1, 2],
      [2, 3, 0],
      [1, 2, 2],
    ]) {
      const g = newPairGrad(D);
      const loss = bprPairGrad(q, a, p, n, g);
      const L = () => pairLoss(A, C, ba, bc, D, a, p, n);
      expect(loss).toBeCloseTo(L(), 5);
      const gA = new Float64Array(A.length);
      const gC = new Float64Array(C.length);
      const gbc = new Float64Array(bc.length);
      for (let d = 0; d < D; d++) {
        gA[a * D + d] += g.gA[d];
        gC[p * D + d] += g.gCp[d];
        gC[n * D + d] += g.gCn[d];
      }
      gbc[p] += g.gbp;
      gbc[n] += g.gbn;
      const h = 1e-5;
      const fd = (arr: number[], k: number) => {
        const x = arr[k];
        arr[k] = x + h;
        const up = L();
        arr[k] = x - h;
        const dn = L();
        arr[k] = x;
        return (up - dn) / (2 * h);
      };
      for (let k = 0; k < A.length; k++) expect(gA[k]).toBeCloseTo(fd(A, k), 5);
      for (let k = 0; k < C.length; k++) expect(gC[k]).toBeCloseTo(fd(C, k), 5);
      for (let k = 0; k < bc.length; k++) expect(gbc[k]).toBeCloseTo(fd(bc, k), 5);
      // The anchor bias cancels in the difference.
      for (let k = 0; k < ba.length; k++) expect(fd(ba, k)).toBeCloseTo(0, 8);
    }
  });

  it('BPR-Item ranks held-out items and BPR-User ranks their users above chance; scores > 0; deterministic', async () => {
    const w = plantedWorld();
    const opts = { dim: 4, epochs: 30, lr: 0.1 };
    const item = await fitLightfmBPR(w.train, { side: 'item', rng: createRng(3), ...opts });
    const user = await fitLightfmBPR(w.train, { side: 'user', rng: createRng(3), ...opts });
    for (const m of [item, user])
      expect(m.meta.epochLoss[m.meta.epochLoss.length - 1]).toBeLessThan(m.meta.epochLoss[0]);
    expect(await heldOutAuc(w, item.scorer)).toBeGreaterThan(0.75);
    expect(await userSideAuc(w, user.scorer)).toBeGreaterThan(0.65);
    const rows = evalRows(Int32Array.of(0, 5), w.train.dataset.nItems);
    const out = new Float32Array(2 * w.train.dataset.nItems);
    (await user.scorer.scores(rows)).fillRows(0, 2, out);
    for (const v of out) expect(v).toBeGreaterThan(0);
    const again = await fitLightfmBPR(w.train, { side: 'user', rng: createRng(3), ...opts });
    const out2 = new Float32Array(out.length);
    (await again.scorer.scores(rows)).fillRows(0, 2, out2);
    expect(Array.from(out2)).toEqual(Array.from(out));
  });
});
