import { shuffleInPlace } from '../../util/rng';
import type { FitOptions, Scorer, TrainData } from '../types';
import { buildInteractions, transpose } from './interactions';
import { nonNegative, positive, positiveInt } from './options';
import { mfScorer, nowMs, tick, type MfFactors } from './scorer';

/**
 * One-sided BPR as the LightFM package trains it (paper section 5.1: "LightFM-BPR is limited to sample either users or
 * items, but not both"; the reference's `BPR-Item` and `BPR-User`). The positives are the distinct training
 * (user, item) pairs. With anchors a and candidates c (items of a user for `side: 'item'`; the transposed matrix,
 * users of an item, for `side: 'user'`), s(a, c) = A_a·C_c + ba_a + bc_c and each positive (a, p) meets one negative n:
 *   ℓ = −log σ(s(a, p) − s(a, n)),
 * n drawn as LightFM does: the candidate of a random positive pair (so ∝ its number of distinct anchors), redrawn while
 * it is a positive of a. Adagrad with accumulators starting at 1 (LightFM's), L2 weight decay on the touched rows.
 * Scores are softplus(U·V + bu + bv) as the reference's transform.
 */
export type BprSide = 'item' | 'user';

export interface LightfmBprOptions {
  /** Which side the negatives come from: items of the same user (ItemRec) or users of the same item (UserRec). */
  side: BprSide;
  /** Latent dimension. Default 32 (the reference's no_comp). */
  dim?: number;
  /** Passes over the positive pairs. Default 50 (the reference's epochs). */
  epochs?: number;
  /** Adagrad step. Default 0.05 (LightFM's learning_rate). */
  lr?: number;
  /** L2 weight decay. Default 1e-5 (the reference's user_alpha = item_alpha). */
  weightDecay?: number;
  /** Positive pairs per progress report / abort check. Default 10,000. */
  batchSize?: number;
}

export interface LightfmBprMeta {
  model: 'lightfm-bpr';
  side: BprSide;
  dim: number;
  lr: number;
  weightDecay: number;
  epochs: number;
  /** Mean pair loss per epoch. */
  epochLoss: number[];
  seconds: number;
}

/** Parameters over anchors × candidates: A (nA × D), C (nC × D), biases. */
export interface PairParams {
  dim: number;
  A: Float32Array;
  C: Float32Array;
  ba: Float32Array;
  bc: Float32Array;
}

/** ∂ℓ/∂θ of one (anchor, positive, negative) pair; the anchor bias cancels in the difference. */
export interface PairGrad {
  gA: Float64Array;
  gCp: Float64Array;
  gCn: Float64Array;
  gbp: number;
  gbn: number;
}

export const newPairGrad = (D: number): PairGrad => ({
  gA: new Float64Array(D),
  gCp: new Float64Array(D),
  gCn: new Float64Array(D),
  gbp: 0,
  gbn: 0,
});

/**
 * ℓ = −log σ(d), d = s(a, p) − s(a, n), and its gradient into g. With e = σ(−d):
 *   ∂ℓ/∂A_a = −e(C_p − C_n), ∂ℓ/∂C_p = −e·A_a, ∂ℓ/∂C_n = e·A_a, ∂ℓ/∂bc_p = −e, ∂ℓ/∂bc_n = e.
 * p = n (possible only when a has every candidate) gives d = 0 and gradients that sum to zero.
 */
export function bprPairGrad(q: PairParams, a: number, p: number, n: number, g: PairGrad): number {
  const { dim: D, A, C } = q;
  const oa = a * D;
  const op = p * D;
  const on = n * D;
  let d = q.bc[p] - q.bc[n];
  for (let k = 0; k < D; k++) d += A[oa + k] * (C[op + k] - C[on + k]);
  const e = 1 / (1 + Math.exp(d));
  for (let k = 0; k < D; k++) {
    const ak = A[oa + k];
    g.gA[k] = -e * (C[op + k] - C[on + k]);
    g.gCp[k] = -e * ak;
    g.gCn[k] = e * ak;
  }
  g.gbp = -e;
  g.gbn = e;
  return d < -30 ? -d : Math.log1p(Math.exp(-d));
}

/** Adagrad on a D-row: g ← g + wd·θ, G += g², θ −= lr·g/√G (G starts at 1, so no ε is needed). */
function stepRow(th: Float32Array, G: Float32Array, o: number, g: Float64Array, D: number, lr: number, wd: number) {
  for (let k = 0; k < D; k++) {
    const gg = g[k] + wd * th[o + k];
    G[o + k] += gg * gg;
    th[o + k] -= (lr * gg) / Math.sqrt(G[o + k]);
  }
}

function stepScalar(th: Float32Array, G: Float32Array, k: number, g: number, lr: number, wd: number) {
  const gg = g + wd * th[k];
  G[k] += gg * gg;
  th[k] -= (lr * gg) / Math.sqrt(G[k]);
}

/** Fits one-sided BPR on the distinct training pairs; deterministic given opts.rng. */
export async function fitLightfmBPR(
  train: TrainData,
  opts: LightfmBprOptions & FitOptions,
): Promise<{ scorer: Scorer; meta: LightfmBprMeta }> {
  const side = opts.side;
  const D = positiveInt('BPR', 'dim', opts.dim ?? 32);
  const epochs = positiveInt('BPR', 'epochs', opts.epochs ?? 50);
  const lr = positive('BPR', 'lr', opts.lr ?? 0.05);
  const wd = nonNegative('BPR', 'weightDecay', opts.weightDecay ?? 1e-5);
  const batchSize = positiveInt('BPR', 'batchSize', opts.batchSize ?? 10_000);
  const t0 = nowMs();
  const { nUsers, nItems } = train.dataset;
  const R = buildInteractions(train);
  // Anchor rows hold their positive candidates, sorted (binary search for the rejection test).
  const M = side === 'item' ? R.byUser : transpose(R.byUser);
  const nA = M.nRows;
  const nC = M.nCols;
  const nPos = M.indptr[nA];
  const rng = opts.rng;
  // LightFM's initialisation: uniform (x − 0.5) / D embeddings, zero biases.
  const init = (n: number) => Float32Array.from({ length: n * D }, () => (rng.next() - 0.5) / D);
  const q: PairParams = { dim: D, A: init(nA), C: init(nC), ba: new Float32Array(nA), bc: new Float32Array(nC) };
  const GA = new Float32Array(nA * D).fill(1);
  const GC = new Float32Array(nC * D).fill(1);
  const Gb = new Float32Array(nC).fill(1);
  const posA = new Int32Array(nPos);
  for (let a = 0; a < nA; a++) posA.fill(a, M.indptr[a], M.indptr[a + 1]);
  const isPositive = (a: number, c: number): boolean => {
    let lo = M.indptr[a];
    let hi = M.indptr[a + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = M.indices[mid];
      if (v === c) return true;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
  const order = Int32Array.from({ length: nPos }, (_, k) => k);
  const g = newPairGrad(D);
  const epochLoss: number[] = [];
  const batches = Math.max(1, Math.ceil(nPos / batchSize));
  let aborted = false;
  for (let ep = 0; ep < epochs && !aborted && nPos > 0; ep++) {
    shuffleInPlace(order, rng);
    let epochSum = 0;
    for (let b = 0; b < batches; b++) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      const tb = nowMs();
      let batchSum = 0;
      const k1 = Math.min(nPos, (b + 1) * batchSize);
      for (let k = b * batchSize; k < k1; k++) {
        const a = posA[order[k]];
        const p = M.indices[order[k]];
        // LightFM tries up to one pass of draws; a bounded number is enough here (an anchor with every candidate
        // as a positive keeps its last draw, a no-op pair).
        let n = M.indices[rng.int(nPos)];
        for (let t = 0; t < 100 && isPositive(a, n); t++) n = M.indices[rng.int(nPos)];
        batchSum += bprPairGrad(q, a, p, n, g);
        stepRow(q.A, GA, a * D, g.gA, D, lr, wd);
        stepRow(q.C, GC, p * D, g.gCp, D, lr, wd);
        stepRow(q.C, GC, n * D, g.gCn, D, lr, wd);
        stepScalar(q.bc, Gb, p, g.gbp, lr, wd);
        stepScalar(q.bc, Gb, n, g.gbn, lr, wd);
      }
      epochSum += batchSum;
      const pairs = k1 - b * batchSize;
      opts.onProgress?.({
        epoch: ep + 1,
        epochs,
        batch: b + 1,
        batches,
        loss: batchSum / Math.max(1, pairs),
        examplesPerSecond: (pairs * 1000) / Math.max(1, nowMs() - tb),
      });
      await tick();
    }
    if (!aborted) epochLoss.push(epochSum / nPos);
  }
  const asUser = side === 'item';
  const f: MfFactors = {
    nUsers,
    nItems,
    dim: D,
    U: asUser ? q.A : q.C,
    V: asUser ? q.C : q.A,
    userBias: asUser ? q.ba : q.bc,
    itemBias: asUser ? q.bc : q.ba,
  };
  const name = side === 'item' ? 'BPR-Item' : 'BPR-User';
  return {
    scorer: mfScorer(name, f, 'softplus'),
    meta: {
      model: 'lightfm-bpr',
      side,
      dim: D,
      lr,
      weightDecay: wd,
      epochs: epochLoss.length,
      epochLoss,
      seconds: (nowMs() - t0) / 1000,
    },
  };
}
