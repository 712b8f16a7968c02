import type { Csr, Dataset, EvalSet } from '../../data/types';
import { shuffleInPlace, type Rng } from '../../util/rng';
import { factoredScores } from '../factored';
import { aliasSampler, sqrtCountWeights, type AliasSampler } from '../mf/sampler';
import { nonNegative, positive, positiveInt } from '../mf/options';
import { nowMs, tick } from '../mf/scorer';
import type { FitOptions, Scorer } from '../types';

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
 */
export interface GraphConvOptions {
  /** Embedding size D. Default 32 (the reference's no_components). */
  dim?: number;
  /** Negative states and negative items per label. Default 10 (the reference). */
  nNegatives?: number;
  /** Passes over the labels. Default 20 (the reference trains up to 50 with early stopping). */
  epochs?: number;
  /** Adagrad step. Default 0.1 (the reference's lr = 1 is for 10,000-label batches; small logs need more steps). */
  lr?: number;
  /** L2 weight decay. Default 1e-5 (the reference). */
  weightDecay?: number;
  /** Labels per Adagrad step. Default 1000. */
  batchSize?: number;
}

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
interface StateForward {
  s: Float64Array;
  n: Float64Array;
  inv: number;
  h: Float64Array;
}

function forwardState(p: GraphConvParams, f: StateFeatures): StateForward {
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

/** One label with its drawn negatives. */
export interface LabelDraw {
  row: number;
  item: number;
  weight: number;
  negRows: number[];
  negItems: number[];
}

/** Gradients, same shapes as the parameters. */
export type GraphConvGrads = Omit<GraphConvParams, 'dim' | 'nItems'>;

export function zeroGrads(p: GraphConvParams): GraphConvGrads {
  return {
    E: new Float64Array(p.E.length),
    bv: new Float64Array(p.bv.length),
    W: new Float64Array(p.W.length),
    b: new Float64Array(p.b.length),
    gamma: new Float64Array(p.gamma.length),
    beta: new Float64Array(p.beta.length),
    R: new Float64Array(p.R.length),
  };
}

/**
 * The batch loss ℓ (class comment) of labels of one task, and its gradient added into g. The score gradients are
 * gathered per state first, so each state's convolution is back-propagated once per batch.
 */
export function batchLossGrad(p: GraphConvParams, task: GraphConvTask, draws: LabelDraw[], g: GraphConvGrads): number {
  const D = p.dim;
  const fwd = new Map<number, StateForward>();
  const gH = new Map<number, Float64Array>();
  const state = (r: number) => {
    let f = fwd.get(r);
    if (!f) {
      f = forwardState(p, task.states[r]);
      fwd.set(r, f);
      gH.set(r, new Float64Array(D));
    }
    return f;
  };
  const score = (r: number, i: number) => {
    const h = state(r).h;
    let z = p.R[task.states[r].bucket] + p.bv[i];
    for (let k = 0; k < D; k++) z += h[k] * p.E[i * D + k];
    return z;
  };
  // ∂ℓ/∂score(r, i) = c: into h_r, E_i, the recency bias of r and bv_i.
  const addScoreGrad = (r: number, i: number, c: number) => {
    const h = state(r).h;
    const gh = gH.get(r) as Float64Array;
    for (let k = 0; k < D; k++) {
      gh[k] += c * p.E[i * D + k];
      g.E[i * D + k] += c * h[k];
    }
    g.R[task.states[r].bucket] += c;
    g.bv[i] += c;
  };
  let wSum = 0;
  for (const d of draws) wSum += d.weight;
  const nNeg = draws.length > 0 ? draws[0].negRows.length : 1;
  const norm = 1 / (2 * nNeg * Math.max(wSum, 1e-12));
  let loss = 0;
  for (const d of draws) {
    const pos = score(d.row, d.item);
    const pairs: [number, number][] = [
      ...d.negRows.map((r): [number, number] => [r, d.item]),
      ...d.negItems.map((i): [number, number] => [d.row, i]),
    ];
    for (const [r, i] of pairs) {
      const diff = pos - score(r, i);
      loss += d.weight * norm * (diff < -30 ? -diff : Math.log1p(Math.exp(-diff)));
      const c = d.weight * norm * (1 / (1 + Math.exp(diff))); // σ(−diff)
      addScoreGrad(d.row, d.item, -c);
      addScoreGrad(r, i, c);
    }
  }
  // Back through h = γ⊙n + β, the layer norm, z = Wᵀs + b and s = E_pad + Σ E_j.
  const gn = new Float64Array(D);
  const gz = new Float64Array(D);
  const gs = new Float64Array(D);
  for (const [r, f] of fwd) {
    const gh = gH.get(r) as Float64Array;
    let mg = 0;
    let mgn = 0;
    for (let k = 0; k < D; k++) {
      g.gamma[k] += gh[k] * f.n[k];
      g.beta[k] += gh[k];
      gn[k] = gh[k] * p.gamma[k];
      mg += gn[k];
      mgn += gn[k] * f.n[k];
    }
    mg /= D;
    mgn /= D;
    for (let k = 0; k < D; k++) {
      gz[k] = f.inv * (gn[k] - mg - f.n[k] * mgn);
      g.b[k] += gz[k];
    }
    for (let m = 0; m < D; m++) {
      let acc = 0;
      const sm = f.s[m];
      for (let k = 0; k < D; k++) {
        g.W[m * D + k] += sm * gz[k];
        acc += p.W[m * D + k] * gz[k];
      }
      gs[m] = acc;
    }
    const addRow = (j: number) => {
      for (let k = 0; k < D; k++) g.E[j * D + k] += gs[k];
    };
    addRow(p.nItems);
    for (const j of task.states[r].items) addRow(j);
  }
  return loss;
}

const PARAM_KEYS = ['E', 'bv', 'W', 'b', 'gamma', 'beta', 'R'] as const;

export interface GraphConvMeta {
  model: 'graphconv';
  dim: number;
  tasks: number;
  labels: number[];
  epochs: number;
  epochLoss: number[];
  seconds: number;
}

/** Fits on the labelled windows; deterministic given opts.rng. Throws RangeError on a bad option. */
export async function fitGraphConv(
  nItems: number,
  tasks: GraphConvTask[],
  opts: GraphConvOptions & FitOptions,
): Promise<{ params: GraphConvParams; meta: GraphConvMeta }> {
  const D = positiveInt('GraphConv', 'dim', opts.dim ?? 32);
  const nNeg = positiveInt('GraphConv', 'nNegatives', opts.nNegatives ?? 10);
  const epochs = positiveInt('GraphConv', 'epochs', opts.epochs ?? 20);
  const lr = positive('GraphConv', 'lr', opts.lr ?? 0.1);
  const wd = nonNegative('GraphConv', 'weightDecay', opts.weightDecay ?? 1e-5);
  const batchSize = positiveInt('GraphConv', 'batchSize', opts.batchSize ?? 1000);
  const t0 = nowMs();
  const rng = opts.rng;
  const p = initGraphConv(nItems, D, rng);
  // Labels of all tasks: (task, row, item, count), in one list shuffled each epoch.
  const lt: number[] = [];
  const lr_: number[] = [];
  const li: number[] = [];
  const lw: number[] = [];
  const rowQ: (AliasSampler | null)[] = [];
  const itemQ: (AliasSampler | null)[] = [];
  tasks.forEach((t, k) => {
    const L = t.labels;
    const rowCount = new Float64Array(L.nRows);
    const itemCount = new Float64Array(nItems);
    for (let r = 0; r < L.nRows; r++) {
      for (let q = L.indptr[r]; q < L.indptr[r + 1]; q++) {
        lt.push(k);
        lr_.push(r);
        li.push(L.indices[q]);
        lw.push(L.data[q]);
        rowCount[r] += L.data[q];
        itemCount[L.indices[q]] += L.data[q];
      }
    }
    rowQ.push(L.nRows > 0 ? aliasSampler(sqrtCountWeights(rowCount)) : null);
    itemQ.push(nItems > 0 ? aliasSampler(sqrtCountWeights(itemCount)) : null);
  });
  const nLabels = lt.length;
  const G = zeroGrads(p);
  const order = Int32Array.from({ length: nLabels }, (_, k) => k);
  const epochLoss: number[] = [];
  const batches = Math.max(1, Math.ceil(nLabels / batchSize));
  let aborted = false;
  for (let ep = 0; ep < epochs && !aborted && nLabels > 0; ep++) {
    shuffleInPlace(order, rng);
    let sum = 0;
    for (let bi = 0; bi < batches; bi++) {
      if (opts.signal?.aborted) {
        aborted = true;
        break;
      }
      const tb = nowMs();
      const k0 = bi * batchSize;
      const k1 = Math.min(nLabels, k0 + batchSize);
      // The batch's labels per task (the negatives of a label come from its own window).
      const byTask = new Map<number, LabelDraw[]>();
      for (let q = k0; q < k1; q++) {
        const k = order[q];
        const t = lt[k];
        const draw: LabelDraw = { row: lr_[k], item: li[k], weight: lw[k], negRows: [], negItems: [] };
        for (let n = 0; n < nNeg; n++) {
          draw.negRows.push((rowQ[t] as AliasSampler).sample(rng));
          draw.negItems.push((itemQ[t] as AliasSampler).sample(rng));
        }
        const list = byTask.get(t);
        if (list) list.push(draw);
        else byTask.set(t, [draw]);
      }
      const g = zeroGrads(p);
      let batchLoss = 0;
      // The reference averages the per-task losses of a batch.
      for (const [t, draws] of byTask) batchLoss += batchLossGrad(p, tasks[t], draws, g) / byTask.size;
      for (const key of PARAM_KEYS) {
        const th = p[key];
        const gg = g[key];
        const acc = G[key];
        const scale = 1 / byTask.size;
        for (let q = 0; q < th.length; q++) {
          const gq = gg[q] * scale + wd * th[q];
          acc[q] += gq * gq;
          th[q] -= (lr * gq) / (Math.sqrt(acc[q]) + 1e-3);
        }
      }
      sum += batchLoss * (k1 - k0);
      opts.onProgress?.({
        epoch: ep + 1,
        epochs,
        batch: bi + 1,
        batches,
        loss: batchLoss,
        examplesPerSecond: ((k1 - k0) * 1000) / Math.max(1, nowMs() - tb),
      });
      await tick();
    }
    if (!aborted) epochLoss.push(sum / nLabels);
  }
  return {
    params: p,
    meta: {
      model: 'graphconv',
      dim: D,
      tasks: tasks.length,
      labels: tasks.map((t) => t.labels.indptr[t.labels.nRows]),
      epochs: epochLoss.length,
      epochLoss,
      seconds: (nowMs() - t0) / 1000,
    },
  };
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
