/**
 * GCMC-style graph-convolution model with a BPR loss on user and item negatives (paper appendix B; the reference's
 * `GraphConv`). A user state x (a user observed up to a window start t) is the graph convolution of the items of its
 * history (the last `maxHistory` events, repeats counted, plus a learnt padding item so an empty history still has a
 * representation), layer-normalised:
 *   s_x = E_pad + Σ_{j ∈ hist(x)} E_j,   z_x = Wᵀ s_x + b,   h_x = γ ⊙ (z_x − mean z_x)/√(var z_x + 1e-5) + β,
 * the recency bias r_x = R[bucket(t − last event time)] with bucket edges {0.1, 0.3, 1, 3, 10} × horizon (the "R" of
 * RFM; the "F" is the convolution), and
 *   score(x, y) = softplus(h_x · E_y + r_x + bv_y)
 * (softplus keeps the scores positive for the Dual planner without sigmoid's saturation, appendix B). The item table E
 * serves both as the convolution input and the output embedding, as in the reference.
 *
 * Training labels are the (state, item) events of labelled windows ("tasks"): GraphConv-Base uses the validation
 * window; GraphConv-Extra adds earlier windows (appendix B's "multiple periods", the reference's V_extra). Each label
 * (x, y) with count w meets `nNegatives` negative states x' of the same window and negative items y', drawn with
 * p ∝ (C + 1)^0.5 (appendix B), C the label count of the state or item in the window, and the loss is the appendix's
 * sigmoid-triplet loss, weighted by w and averaged over both sides:
 *   ℓ = Σ w·[−log σ(s(x,y) − s(x',y)) − log σ(s(x,y) − s(x,y'))] / (2 · nNegatives · Σ w).
 * Trained by full-batch-per-minibatch Adagrad with weight decay (torch's Adagrad, as the reference).
 *
 * Here: the parameters, the states' features, the forward pass and the scorer; the loss and its gradient in loss.ts,
 * the training in fit.ts.
 */
import type { Csr, Dataset, EvalSet } from '../../data/types';
import type { Rng } from '../../util/rng';
import { factoredScores } from '../factored';
import type { Scorer } from '../types';

/** Events of each history convolved, the latest (the reference's truncated_input_steps). */
export const MAX_HISTORY = 256;

/** Edges of the recency buckets, in horizons (the reference's recency_boundary_multipliers). */
export const RECENCY_MULTIPLIERS = [0.1, 0.3, 1, 3, 10];
const LN_EPS = 1e-5;

/** All trainable parameters, double precision. Item rows 0…nItems−1, then the padding row. */
export interface GraphConvParams {
  dim: number;
  nItems: number;
  /** (nItems + 1) × D. */
  E: Float64Array;
  /** nItems + 1 (the padding row's bias is never used). */
  bv: Float64Array;
  /** D × D, W[m·D + k] maps input m to output k. */
  W: Float64Array;
  b: Float64Array;
  gamma: Float64Array;
  beta: Float64Array;
  /** One bias per recency bucket (RECENCY_MULTIPLIERS.length + 1). */
  R: Float64Array;
}

/** The inputs of one user state: its convolved items and its recency bucket. */
export interface StateFeatures {
  /** Item indices of the history (latest maxHistory events, repeats kept). */
  items: Int32Array;
  bucket: number;
}

/** One labelled window: its states' features, and labels rows × items (counts) of the window. */
export interface GraphConvTask {
  states: StateFeatures[];
  labels: Csr;
}

/** Features of every row of an EvalSet (history before the row's start, recency at the start). */
export function stateFeatures(ds: Dataset, rows: EvalSet, horizon: number, maxHistory = MAX_HISTORY): StateFeatures[] {
  const edges = RECENCY_MULTIPLIERS.map((m) => m * horizon);
  const out: StateFeatures[] = [];
  for (let r = 0; r < rows.users.length; r++) {
    const a = ds.userOffsets[rows.users[r]];
    const e = rows.histEnd[r];
    const items = ds.item.slice(Math.max(a, e - maxHistory), e);
    // torch.bucketize (right = False): the number of edges strictly below the value; no history → the last bucket.
    const gap = e > a ? rows.testStart[r] - ds.time[e - 1] : Infinity;
    let bucket = 0;
    while (bucket < edges.length && edges[bucket] < gap) bucket++;
    out.push({ items, bucket });
  }
  return out;
}

export function initGraphConv(nItems: number, D: number, rng: Rng): GraphConvParams {
  const uni = (n: number) => Float64Array.from({ length: n }, () => 0.2 * rng.next() - 0.1);
  return {
    dim: D,
    nItems,
    E: uni((nItems + 1) * D),
    bv: new Float64Array(nItems + 1),
    W: uni(D * D),
    b: new Float64Array(D),
    gamma: new Float64Array(D).fill(1),
    beta: new Float64Array(D),
    R: new Float64Array(RECENCY_MULTIPLIERS.length + 1),
  };
}

/** Forward pass of one state: the convolution sum s, normalised n, inverse deviation, and output h (all length D). */
export interface StateForward {
  s: Float64Array;
  n: Float64Array;
  inv: number;
  h: Float64Array;
}

export function forwardState(p: GraphConvParams, f: StateFeatures): StateForward {
  const D = p.dim;
  const s = p.E.slice(p.nItems * D, (p.nItems + 1) * D);
  for (const j of f.items) for (let k = 0; k < D; k++) s[k] += p.E[j * D + k];
  const z = Float64Array.from(p.b);
  for (let m = 0; m < D; m++) {
    const sm = s[m];
    if (sm !== 0) for (let k = 0; k < D; k++) z[k] += sm * p.W[m * D + k];
  }
  let mu = 0;
  for (let k = 0; k < D; k++) mu += z[k];
  mu /= D;
  let v = 0;
  for (let k = 0; k < D; k++) v += (z[k] - mu) ** 2;
  const inv = 1 / Math.sqrt(v / D + LN_EPS);
  const n = new Float64Array(D);
  const h = new Float64Array(D);
  for (let k = 0; k < D; k++) {
    n[k] = (z[k] - mu) * inv;
    h[k] = p.gamma[k] * n[k] + p.beta[k];
  }
  return { s, n, inv, h };
}

/** The user-side representation of states: h (rows × D) and the recency bias per row. */
export function stateOutputs(p: GraphConvParams, feats: StateFeatures[]): { H: Float32Array; bias: Float32Array } {
  const D = p.dim;
  const H = new Float32Array(feats.length * D);
  const bias = new Float32Array(feats.length);
  feats.forEach((f, r) => {
    H.set(forwardState(p, f).h, r * D);
    bias[r] = p.R[f.bucket];
  });
  return { H, bias };
}

/** A Scorer over EvalSet rows: softplus(h_x · E_y + r_x + bv_y), kept factored. */
export function graphConvScorer(
  name: string,
  ds: Dataset,
  p: GraphConvParams,
  horizon: number,
  maxHistory = MAX_HISTORY,
): Scorer {
  const V = Float32Array.from(p.E.subarray(0, p.nItems * p.dim));
  const colBias = Float32Array.from(p.bv.subarray(0, p.nItems));
  return {
    name,
    scores(rows: EvalSet) {
      const { H, bias } = stateOutputs(p, stateFeatures(ds, rows, horizon, maxHistory));
      return Promise.resolve(
        factoredScores({
          nRows: rows.users.length,
          nCols: p.nItems,
          dim: p.dim,
          U: H,
          V,
          rowBias: bias,
          colBias,
          act: 'softplus',
        }),
      );
    },
  };
}
