import type { FitOptions, Scorer, TrainData } from '../types';
import { buildInteractions } from './interactions';
import { nonNegative, positive, positiveInt } from './options';
import { aliasSampler, sqrtCountWeights } from './sampler';
import { initFactors, mfScorer, nowMs, tick, type MfFactors } from './scorer';

/**
 * BPR with user-side and item-side negatives (paper appendix B; rime's `models/bpr.py`, which trains "user_rec" and
 * "item_rec" at once). With s(u, i) = U_u·V_i + bu_u + bv_i, every training event (u, i) is a positive, and for each of
 * `nNegatives` draws we take
 *   - a negative USER u' ~ q_user: triplet (i; u ≻ u'), loss −log σ(s(u, i) − s(u', i))  — "who would take item i"
 *   - a negative ITEM j ~ q_item: triplet (u; i ≻ j), loss −log σ(s(u, i) − s(u, j))  — "what would user u take"
 * with q ∝ (training count + 1)^0.5 on both sides (popular ids are harder negatives, but flattened by the square root).
 * Negatives are not rejected when they happen to be positives (as rime). Trained by per-triplet Adagrad with weight
 * decay on the touched rows. Scores are softplus(s) > 0, a positive, rank-preserving map of s (the planner needs λ ≥ 0).
 */
export interface BprOptions {
  /** Latent dimension D. Default 32 (rime's no_components). */
  dim?: number;
  /** Negative users and negative items drawn per positive event. Default 10 (rime). */
  nNegatives?: number;
  /** Passes over the training events. Default 10. */
  epochs?: number;
  /** Adagrad step. Default 0.05 (per triplet; rime's lr = 1 is per 10,000-event batch mean). */
  lr?: number;
  /** L2 weight decay added to the gradient of every touched parameter. Default 1e-5 (rime). */
  weightDecay?: number;
  /** Standard deviation of the Gaussian initial factors. Default 0.1. */
  initStd?: number;
  /** Positive events per progress report / abort check. Default 10,000. */
  batchSize?: number;
}

export interface BprMeta {
  model: 'bpr';
  dim: number;
  nNegatives: number;
  lr: number;
  weightDecay: number;
  epochs: number;
  /** Mean triplet loss (both sides summed) per epoch. */
  epochLoss: number[];
  seconds: number;
}

/** BPR parameters: U (nUsers × D), V (nItems × D), user and item biases. */
export interface BprParams {
  dim: number;
  U: Float32Array;
  V: Float32Array;
  bu: Float32Array;
  bv: Float32Array;
}

/** ∂ℓ/∂θ of one (positive, negative user, negative item) triplet pair, per touched row (before weight decay). */
export interface BprTripletGrad {
  /** D each: gradients for U_u, U_u', V_i, V_j. Aliased rows (u' = u, j = i) must be summed by the consumer. */
  gUu: Float64Array;
  gUn: Float64Array;
  gVi: Float64Array;
  gVj: Float64Array;
  gbu: number;
  gbun: number;
  gbvi: number;
  gbvj: number;
}

export const newTripletGrad = (D: number): BprTripletGrad => ({
  gUu: new Float64Array(D),
  gUn: new Float64Array(D),
  gVi: new Float64Array(D),
  gVj: new Float64Array(D),
  gbu: 0,
  gbun: 0,
  gbvi: 0,
  gbvj: 0,
});

/**
 * Loss ℓ = −log σ(d₁) − log σ(d₂), d₁ = s(u,i) − s(u',i), d₂ = s(u,i) − s(u,j), and its gradient into g.
 * With e_k = σ(−d_k) (= −∂(−log σ(d_k))/∂d_k):
 *   ∂ℓ/∂U_u = −e₁V_i − e₂(V_i − V_j), ∂ℓ/∂U_u' = e₁V_i, ∂ℓ/∂V_i = −e₁(U_u − U_u') − e₂U_u, ∂ℓ/∂V_j = e₂U_u,
 *   ∂ℓ/∂bu_u = −e₁, ∂ℓ/∂bu_u' = e₁, ∂ℓ/∂bv_i = −e₂, ∂ℓ/∂bv_j = e₂ (bv_i cancels in d₁, bu_u in d₂).
 */
export function bprTripletGrad(p: BprParams, u: number, i: number, un: number, j: number, g: BprTripletGrad): number {
  const { dim: D, U, V } = p;
  const ou = u * D;
  const on = un * D;
  const oi = i * D;
  const oj = j * D;
  let sui = p.bu[u] + p.bv[i];
  let sni = p.bu[un] + p.bv[i];
  let suj = p.bu[u] + p.bv[j];
  for (let d = 0; d < D; d++) {
    sui += U[ou + d] * V[oi + d];
    sni += U[on + d] * V[oi + d];
    suj += U[ou + d] * V[oj + d];
  }
  const d1 = sui - sni;
  const d2 = sui - suj;
  const e1 = 1 / (1 + Math.exp(d1));
  const e2 = 1 / (1 + Math.exp(d2));
  for (let d = 0; d < D; d++) {
    const uu = U[ou + d];
    const vi = V[oi + d];
    g.gUu[d] = -e1 * vi - e2 * (vi - V[oj + d]);
    g.gUn[d] = e1 * vi;
    g.gVi[d] = -e1 * (uu - U[on + d]) - e2 * uu;
    g.gVj[d] = e2 * uu;
  }
  g.gbu = -e1;
  g.gbun = e1;
  g.gbvi = -e2;
  g.gbvj = e2;
  return softplusNeg(d1) + softplusNeg(d2);
}

/** −log σ(d) = log(1 + e^{−d}), stable for large |d|. */
const softplusNeg = (d: number): number => (d < -30 ? -d : Math.log1p(Math.exp(-d)));

/** Adagrad descent on one D-row with weight decay: g ← g + wd·θ, G += g², θ −= lr·g/(√G + ε). */
function stepRow(
  theta: Float32Array,
  G: Float32Array,
  o: number,
  g: Float64Array,
  D: number,
  lr: number,
  wd: number,
): void {
  for (let d = 0; d < D; d++) {
    const th = theta[o + d];
    const gg = g[d] + wd * th;
    const acc = G[o + d] + gg * gg;
    G[o + d] = acc;
    theta[o + d] = th - (lr * gg) / (Math.sqrt(acc) + 1e-6);
  }
}

function stepScalar(theta: Float32Array, G: Float32Array, k: number, g: number, lr: number, wd: number): void {
  const gg = g + wd * theta[k];
  G[k] += gg * gg;
  theta[k] -= (lr * gg) / (Math.sqrt(G[k]) + 1e-6);
}

/** Fits BPR on the training events; deterministic given opts.rng. */
export async function fitBPR(
  train: TrainData,
  opts: BprOptions & FitOptions,
): Promise<{ scorer: Scorer; meta: BprMeta }> {
  const D = positiveInt('BPR', 'dim', opts.dim ?? 32);
  const nNeg = positiveInt('BPR', 'nNegatives', opts.nNegatives ?? 10);
  const epochs = positiveInt('BPR', 'epochs', opts.epochs ?? 10);
  const lr = positive('BPR', 'lr', opts.lr ?? 0.05);
  const wd = nonNegative('BPR', 'weightDecay', opts.weightDecay ?? 1e-5);
  const initStd = positive('BPR', 'initStd', opts.initStd ?? 0.1);
  const batchSize = positiveInt('BPR', 'batchSize', opts.batchSize ?? 10_000);
  const t0 = nowMs();
  const { dataset, trainEnd } = train;
  const { nUsers, nItems } = dataset;
  const R = buildInteractions(train);
  const rng = opts.rng;
  const p: BprParams = {
    dim: D,
    U: initFactors(nUsers, D, initStd, rng),
    V: initFactors(nItems, D, initStd, rng),
    bu: new Float32Array(nUsers),
    bv: new Float32Array(nItems),
  };
  const GU = new Float32Array(nUsers * D);
  const GV = new Float32Array(nItems * D);
  const Gbu = new Float32Array(nUsers);
  const Gbv = new Float32Array(nItems);
  const userQ = aliasSampler(sqrtCountWeights(R.userCounts));
  const itemQ = aliasSampler(sqrtCountWeights(R.itemCounts));
  // Positives: every training event as (user, item), in a fresh random order each epoch.
  const posU = new Int32Array(R.nEvents);
  const posI = new Int32Array(R.nEvents);
  for (let u = 0, k = 0; u < nUsers; u++) {
    for (let e = dataset.userOffsets[u]; e < trainEnd[u]; e++, k++) {
      posU[k] = u;
      posI[k] = dataset.item[e];
    }
  }
  const order = Int32Array.from({ length: R.nEvents }, (_, k) => k);
  const g = newTripletGrad(D);
  const epochLoss: number[] = [];
  const batches = Math.max(1, Math.ceil(R.nEvents / batchSize));
  let aborted = false;
  for (let ep = 0; ep < epochs && !aborted; ep++) {
    for (let k = order.length - 1; k > 0; k--) {
      const r = rng.int(k + 1);
      const t = order[k];
      order[k] = order[r];
      order[r] = t;
    }
    let epochSum = 0;
    for (let b = 0; b < batches; b++) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      const tb = nowMs();
      let batchSum = 0;
      const k1 = Math.min(R.nEvents, (b + 1) * batchSize);
      for (let k = b * batchSize; k < k1; k++) {
        const u = posU[order[k]];
        const i = posI[order[k]];
        for (let n = 0; n < nNeg; n++) {
          const un = userQ.sample(rng);
          const j = itemQ.sample(rng);
          batchSum += bprTripletGrad(p, u, i, un, j, g);
          // All four gradients were taken at the same point; aliased rows (un = u, j = i) receive both in turn.
          stepRow(p.U, GU, u * D, g.gUu, D, lr, wd);
          stepRow(p.U, GU, un * D, g.gUn, D, lr, wd);
          stepRow(p.V, GV, i * D, g.gVi, D, lr, wd);
          stepRow(p.V, GV, j * D, g.gVj, D, lr, wd);
          stepScalar(p.bu, Gbu, u, g.gbu, lr, wd);
          stepScalar(p.bu, Gbu, un, g.gbun, lr, wd);
          stepScalar(p.bv, Gbv, i, g.gbvi, lr, wd);
          stepScalar(p.bv, Gbv, j, g.gbvj, lr, wd);
        }
      }
      epochSum += batchSum;
      const triplets = (k1 - b * batchSize) * nNeg;
      opts.onProgress?.({
        epoch: ep + 1,
        epochs,
        batch: b + 1,
        batches,
        loss: batchSum / Math.max(1, triplets),
        examplesPerSecond: (triplets * 1000) / Math.max(1, nowMs() - tb),
      });
      await tick();
    }
    if (!aborted) epochLoss.push(epochSum / Math.max(1, R.nEvents * nNeg));
  }
  const f: MfFactors = { nUsers, nItems, dim: D, U: p.U, V: p.V, userBias: p.bu, itemBias: p.bv };
  return {
    scorer: mfScorer('BPR', f, 'softplus'),
    meta: {
      model: 'bpr',
      dim: D,
      nNegatives: nNeg,
      lr,
      weightDecay: wd,
      epochs: epochLoss.length,
      epochLoss,
      seconds: (nowMs() - t0) / 1000,
    },
  };
}
