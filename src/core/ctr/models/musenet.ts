import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import type { CtrNet, NetPrediction } from '../train';
import { constParam, uniformParam } from '../../models/sequence/params';
import { canReadSync, mm } from '../../models/sequence/ops';
import {
  type CtrDims,
  dense,
  denseParams,
  embeddingParam,
  fieldIds,
  flat,
  get,
  meanHistory,
  type Params,
  rowsOf,
} from './layers';
import { bceLogits, straightThrough } from './ops';
import type { MuseNetOptions } from './options';
import type { ScenarioReport } from './model';

/**
 * MuseNet (003), equations 3-14.
 *
 * Data sample x = [p_u, B_u, b_t, o_u] embedded: user, mean of the clicked items' embeddings, target item plus its
 * category, observed context; 5 fields of D each. (003 leaves the sequence encoder open; mean pooling is its
 * "BaseModel" embedding & MLP.) f_ω(x) = x·ω, a linear map to P dimensions (the "transformation matrix" of eq. 3).
 *
 * Scenario learner: d_k = ‖f_ω(x) − c_k‖² (squared Euclidean, the form of eq. 15-16); Q_s(c|x) = softmax_k(−d_k)
 * (eq. 3). Soft: a = Q_s. Hard, training: a = one-hot of the Gumbel-softmax sample softmax((log π + g)/τ) (eq. 7)
 * with straight-through gradients; hard, evaluation: a = one-hot argmax Q_s (eq. 4).
 *
 * Per scenario k a repeat intention module: p_r^k = σ(MLP([p_u, B_u, o_u])), s_r^k and s_e^k = MLP(x) (real-valued
 * scores), z_k = I[t ∈ B_u] p_r s_r + (1 − I[t ∈ B_u]) (1 − p_r) s_e (eq. 9); ŷ = σ(Σ_k a_k z_k) (§3.2.3). Each MLP
 * has one ReLU layer of `hidden` units. Without the repeat module (ablation), z_k = s_e^k.
 *
 * Objective (eq. 13): L_T (eq. 11) + klWeight · D_KL (eq. 12, uniform prior, on the a of the step: Q_s when soft,
 * the Gumbel-softmax sample when hard; its log taken in closed form as a log-softmax) + β · L_A with
 * L_A = mean (r_i − Σ_k p_r^k a_k)². Eq. 10 prints a leading minus, which would reward wrong repeat predictions; the
 * text says L_A supervises p_r, so it is minimised as a squared error.
 *
 * Prototypes Λ (Step 1, eq. 14) are not trained by gradient: after each gradient step on Θ (Step 2),
 * c_k ← (1 − α) c_k + α Σ_i a_ki f_ω(x_i) / Σ_i a_ki over the batch, from the a and f_ω(x) of that step's forward pass
 * (Θ and Λ as the step found them). Eq. 14 writes x_i; the prototypes live where eq. 3 measures distances, the
 * projected space, and the weighted mean of f_ω(x_i) is what minimises eq. 8 for fixed a, so f_ω(x_i) is used.
 * A prototype with no weight in the batch (hard version) keeps its place.
 *
 * Choices where 003 is silent or, taken literally, lets the scenarios collapse (every row in one scenario, or
 * all rows near-uniform over them; adjusted Rand index ≈ 0 against a world's true scenarios):
 * - Scale at the start. Soft assignment by softmax(−d) is soft k-means at temperature 1, which keeps K distinct
 *   prototypes only while the data's variance along some direction exceeds half the temperature (the critical
 *   temperature of deterministic annealing, Rose 1998); below it Step 1 pulls every prototype onto the mean. Field
 *   embeddings start at ±0.05, so f_ω(x) starts with a variance near 1e-3. beforeFit therefore divides ω by the
 *   first batch's root-mean-square deviation of f_ω(x), so that it starts with unit variance per dimension, then
 *   seeds the prototypes by k-means++ (each next one drawn ∝ squared distance to the nearest chosen) over that batch.
 * - The KL term on the batch mean (option kl). Eq. 12 as printed, (1/N) Σ_i KL(a_i ‖ 1/K), is minimal when each
 *   row's assignment is uniform, which is the collapse; KL(ā ‖ 1/K) on the batch's mean assignment ā instead asks
 *   that the scenarios all be used (the prior's role in eq. 2) and leaves each row free to pick one.
 * - The scenario learner reads the request, not the target item (option scenarioInput). A scenario is the user's
 *   situation at the request (business or leisure travel); the shown item is the logging policy's choice, and with
 *   it in f_ω(x) the clusters follow item embeddings instead. 'impression' restores x of eq. 3.
 * - The request's context o_u is widened to a recent window (option recentRequests): the scenario learner also reads
 *   the mean embedding of the contexts of the user's impressions at its last few requests. A situation lasts longer
 *   than one request while each page shows it noisily, so a few pages read together name it more surely than one;
 *   the intention module keeps 003's [p_u, B_u, o_u]. 0 restores the request's own context alone.
 * docs/benchmarks.md (ctr-quality) has the measurements behind each choice.
 */
export function createMuseNet(dims: CtrDims, o: MuseNetOptions, rng: Rng): MuseNetNet {
  const D = o.embeddingDim,
    K = o.scenarios,
    P = o.projectionDim,
    h = o.hidden;
  const params: Params = new Map();
  embeddingParam(params, 'emb.user', dims.nUsers, D, rng);
  embeddingParam(params, 'emb.item', dims.nItems + 1, D, rng);
  embeddingParam(params, 'emb.category', dims.nCategories + 1, D, rng);
  embeddingParam(params, 'emb.context', dims.nContexts + 1, D, rng);
  /** The recent-context field is on when asked for and the log has contexts. */
  const recent = o.recentRequests > 0 && dims.nContexts > 0;
  /** Fields the scenario learner projects: 3 (user, history, context) or all 5, plus the recent contexts. */
  const nIn = (o.scenarioInput === 'request' ? 3 : 5) + (recent ? 1 : 0);
  uniformParam(params, 'omega', [nIn * D, P], Math.sqrt(6 / (nIn * D + P)), rng);
  // Scores: K repeat modules (when on) then K explore modules, each one ReLU layer and a scalar output.
  const nScores = o.repeat ? 2 * K : K;
  denseParams(params, 'score.0', 5 * D, nScores * h, rng);
  uniformParam(params, 'score.1.w', [nScores, h], Math.sqrt(6 / (h + 1)), rng);
  constParam(params, 'score.1.b', [nScores], 0);
  if (o.repeat) {
    denseParams(params, 'intent.0', 3 * D, K * h, rng);
    uniformParam(params, 'intent.1.w', [K, h], Math.sqrt(6 / (h + 1)), rng);
    constParam(params, 'intent.1.b', [K], 0);
  }
  const proto = tf.tidy(() =>
    tf.variable(tf.zeros([K, P]), false, `musenet.proto_${protoId++}`),
  ) as tf.Variable<tf.Rank.R2>;
  params.set('proto', proto);
  // What Step 1 reads after a training step: the step's f_ω(x) and a (forward values).
  let kept: { fx: tf.Tensor2D; a: tf.Tensor2D } | null = null;

  /** Everything before the repeat modules' output layers: f_ω(x), Q_s, the step's assignment, module pre-activations. */
  const trunk = (b: CtrBatch, mode: 'train' | 'eval' | 'predict', noise: Rng) => {
    const f = fieldIds(b);
    const eu = rowsOf(get(params, 'emb.user'), f.user);
    const hist = meanHistory(get(params, 'emb.item') as tf.Tensor2D, b);
    const ex = rowsOf(get(params, 'emb.context'), f.context);
    const x = tf.concat(
      [eu, hist, rowsOf(get(params, 'emb.item'), f.item), rowsOf(get(params, 'emb.category'), f.category), ex],
      1,
    ) as tf.Tensor2D;
    const request = tf.concat([eu, hist, ex], 1) as tf.Tensor2D;
    const base = o.scenarioInput === 'request' ? request : x;
    const input = recent ? tf.concat([base, recentContexts(get(params, 'emb.context') as tf.Tensor2D, b)], 1) : base;
    const fx = mm(input as tf.Tensor2D, get(params, 'omega') as tf.Tensor2D) as tf.Tensor2D;
    const logPi = tf.logSoftmax(tf.neg(sqDistances(fx, proto))) as tf.Tensor2D;
    let a: tf.Tensor2D, logA: tf.Tensor2D;
    if (o.assignment === 'soft') {
      a = tf.exp(logPi) as tf.Tensor2D;
      logA = logPi;
    } else if (mode === 'train') {
      logA = tf.logSoftmax(tf.div(tf.add(logPi, gumbel(b.size, K, noise)), o.tau)) as tf.Tensor2D;
      a = straightThrough(tf.exp(logA) as tf.Tensor2D);
    } else {
      a = tf.cast(tf.oneHot(tf.argMax(logPi, 1), K), 'float32') as tf.Tensor2D;
      logA = tf.log(tf.maximum(a, 1e-30)) as tf.Tensor2D;
    }
    const sPre = dense(params, 'score.0', x);
    const iPre = o.repeat ? dense(params, 'intent.0', request) : null;
    return { fx, logPi, a, logA, sPre, iPre };
  };

  /** Eq. 9 and §3.2.3 with tfjs ops: p_r, z and the logit Σ_k a_k z_k. */
  const head = (t: ReturnType<typeof trunk>, b: CtrBatch) => {
    const scores = moduleOutputs(params, 'score', t.sPre, nScores, h);
    let z: tf.Tensor2D,
      pr: tf.Tensor2D | null = null;
    if (t.iPre) {
      const [sr, se] = tf.split(scores, 2, 1);
      pr = tf.sigmoid(moduleOutputs(params, 'intent', t.iPre, K, h)) as tf.Tensor2D;
      z = mixIntentions(pr, sr as tf.Tensor2D, se as tf.Tensor2D, b.repeat);
    } else z = scores;
    return { pr, logit: flat(tf.sum(tf.mul(t.a, z), 1, true)) };
  };

  const forward = (b: CtrBatch, mode: 'train' | 'eval' | 'predict', noise: Rng): MuseNetForward => {
    const t = trunk(b, mode, noise);
    const { pr, logit } = head(t, b);
    return { fx: t.fx, logPi: t.logPi, a: t.a, logA: t.logA, pr, logit };
  };

  /** Eq. 13's objective from the trunk: in one JS op where tensors read synchronously, else with tfjs ops. */
  const batchKl = K > 1 && o.klWeight > 0 && o.kl === 'batch-mean';
  const objective = (t: ReturnType<typeof trunk>, b: CtrBatch, mode: string, js: boolean): tf.Scalar => {
    const total = rowObjective(t, b, mode, js);
    return batchKl ? (tf.add(total, tf.mul(o.klWeight, klBatchMean(t.a))) as tf.Scalar) : total;
  };

  /** Eq. 13 less a batch-mean KL term: L_T, the per-sample KL of eq. 12 when chosen, β L_A. */
  const rowObjective = (t: ReturnType<typeof trunk>, b: CtrBatch, mode: string, js: boolean): tf.Scalar => {
    const rowOpts = batchKl ? { ...o, klWeight: 0 } : o;
    if (js) {
      const w = (n: string) => get(params, n);
      return headLoss(
        t.sPre,
        t.iPre,
        w('score.1.w') as tf.Tensor2D,
        w('score.1.b'),
        t.iPre ? (w('intent.1.w') as tf.Tensor2D) : null,
        t.iPre ? w('intent.1.b') : null,
        t.a,
        t.logA,
        b,
        rowOpts,
      );
    }
    const { pr, logit } = head(t, b);
    let total = bceLogits(logit, b.click);
    if (K > 1 && rowOpts.klWeight > 0) total = tf.add(total, tf.mul(o.klWeight, klUniform(t.a, t.logA, mode, o)));
    if (pr && o.beta > 0) total = tf.add(total, tf.mul(o.beta, repeatLoss(pr, t.a, b.repeatShare)));
    return total as tf.Scalar;
  };

  return {
    params,
    maxLen: o.maxLen,
    recentRequests: recent ? o.recentRequests : 0,
    forward,
    loss(b, mode, noise, js = canReadSync()) {
      const t = trunk(b, mode, noise);
      const total = objective(t, b, mode, js);
      if (mode === 'train') {
        tf.dispose(kept ? [kept.fx, kept.a] : []);
        kept = { fx: tf.keep(t.fx), a: tf.keep(t.a) };
      }
      return total;
    },
    afterStep() {
      if (!kept) return;
      const { fx, a } = kept;
      tf.tidy(() => proto.assign(updatePrototypes(proto, fx, a, o.alpha)));
      tf.dispose([fx, a]);
      kept = null;
    },
    async beforeFit(b, pick) {
      // Reads are asynchronous: a synchronous read mid-fit breaks WebGPU (sequence/ops.ts: canReadSync).
      const fx0 = tf.tidy(() => trunk(b, 'eval', pick).fx);
      const variance = tf.tidy(() => tf.moments(fx0, 0).variance.mean());
      const rms = Math.sqrt((await variance.data())[0]);
      const scale = rms > 0 ? 1 / rms : 1;
      const fx = tf.mul(fx0, scale);
      const points = (await fx.array()) as number[][];
      tf.tidy(() => {
        const omega = get(params, 'omega') as tf.Variable;
        omega.assign(tf.mul(omega, scale));
        proto.assign(tf.gather(fx, tf.tensor1d(kMeansPlusPlus(points, K, pick), 'int32')) as tf.Tensor2D);
      });
      tf.dispose([fx0, variance, fx]);
    },
    predict(b) {
      const r = forward(b, 'predict', NO_NOISE);
      return {
        pCtr: tf.sigmoid(r.logit),
        assignment: tf.argMax(r.logPi, 1) as tf.Tensor1D,
        ...(r.pr ? { repeatIntention: r.pr } : {}),
      };
    },
  };
}

/** What one forward pass computes (tensors; the caller's tidy frees them). */
export interface MuseNetForward {
  /** f_ω(x) [B, P]. */
  fx: tf.Tensor2D;
  /** log Q_s(c|x) [B, K] (eq. 3). */
  logPi: tf.Tensor2D;
  /** The assignment the step uses [B, K]: Q_s (soft), one-hot (hard). */
  a: tf.Tensor2D;
  /** log of the distribution the KL term of eq. 12 is taken on. */
  logA: tf.Tensor2D;
  /** p_r^k [B, K] (eq. 9); null without the repeat module. */
  pr: tf.Tensor2D | null;
  /** Σ_k a_k z_k [B]: ŷ = σ(logit). */
  logit: tf.Tensor1D;
}

/** A MuseNet network; `forward` is exposed for the hand-computed tests of eq. 3-14. */
export interface MuseNetNet extends CtrNet {
  forward(b: CtrBatch, mode: 'train' | 'eval' | 'predict', noise: Rng): MuseNetForward;
  /** `js`: the objective's head as one JS op (headLoss) or as tfjs ops; by default JS where reads are synchronous. */
  loss(b: CtrBatch, mode: 'train' | 'eval', rng: Rng, js?: boolean): tf.Scalar;
}

// tfjs variable names are global to the engine; a counter keeps two MuseNets' prototypes apart.
let protoId = 0;

/** Predictions draw no noise; a stream that is never read. */
const NO_NOISE: Rng = {
  next: () => 0.5,
  int: () => 0,
  normal: () => 0,
  exp: () => 1,
  fork: () => NO_NOISE,
  state: () => 0,
};

/** ‖f_b − c_k‖² for f [B, P] and prototypes c [K, P]: returns [B, K]. */
export function sqDistances(f: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D {
  const ff = tf.sum(tf.square(f), 1, true);
  const cc = tf.reshape(tf.sum(tf.square(c), 1), [1, -1]);
  return tf.add(tf.sub(ff, tf.mul(2, tf.matMul(f, c, false, true))), cc) as tf.Tensor2D;
}

/**
 * The mean context embedding over the earlier requests of each row: recentContext [B, C] times the context
 * embeddings' rows 1 … C (row 0 is "no context"); 0 for a row without earlier requests. Returns [B, D].
 */
export function recentContexts(embContext: tf.Tensor2D, b: CtrBatch): tf.Tensor2D {
  const [rows, D] = embContext.shape;
  const C = rows - 1;
  if (!b.recentContext) return tf.zeros([b.size, D]);
  return tf.matMul(tf.tensor2d(b.recentContext, [b.size, C]), tf.slice(embContext, [1, 0], [C, D]));
}

/** Standard Gumbel noise −log(−log u) [B, K] from the seeded stream (u kept inside (0, 1)). */
function gumbel(B: number, K: number, rng: Rng): tf.Tensor2D {
  const g = new Float32Array(B * K);
  for (let i = 0; i < g.length; i++) {
    const u = Math.min(Math.max(rng.next(), 1e-12), 1 - 1e-12);
    g[i] = -Math.log(-Math.log(u));
  }
  return tf.tensor2d(g, [B, K]);
}

/**
 * Scalar outputs of n one-layer modules from their hidden units [B, n·h] (module m: columns m·h … (m+1)·h − 1):
 * out[b, m] = Σ_j hidden[b, m·h + j]·W[m, j] + bias[m] after a ReLU. Returns [B, n].
 */
function moduleOutputs(params: Params, name: string, pre: tf.Tensor2D, n: number, h: number): tf.Tensor2D {
  const B = pre.shape[0];
  const hid = tf.reshape(tf.relu(pre), [B, n, h]);
  return tf.add(tf.sum(tf.mul(hid, get(params, `${name}.1.w`)), 2), get(params, `${name}.1.b`)) as tf.Tensor2D;
}

/** Eq. 9: z_k = I p_r s_r + (1 − I)(1 − p_r) s_e per row and scenario, with I = repeat[b] ∈ {0, 1}. */
export function mixIntentions(pr: tf.Tensor2D, sr: tf.Tensor2D, se: tf.Tensor2D, repeat: Uint8Array): tf.Tensor2D {
  const I = tf.tensor2d(Float32Array.from(repeat), [repeat.length, 1]);
  return tf.add(tf.mul(I, tf.mul(pr, sr)), tf.mul(tf.sub(1, I), tf.mul(tf.sub(1, pr), se))) as tf.Tensor2D;
}

/**
 * Eq. 12: (1/N) Σ_i Σ_k a_ki (log a_ki + log K), with log a given (exact log-softmax values). A hard evaluation's
 * one-hot a gives log K exactly (0 · log 0 = 0).
 */
export function klUniform(a: tf.Tensor2D, logA: tf.Tensor2D, mode: string, o: MuseNetOptions): tf.Scalar {
  const K = a.shape[1];
  const terms =
    o.assignment === 'hard' && mode !== 'train' ? tf.mul(a, Math.log(K)) : tf.mul(a, tf.add(logA, Math.log(K)));
  return tf.div(tf.sum(terms), a.shape[0]) as tf.Scalar;
}

/** Eq. 10 as a squared error: (1/N) Σ_i (r_i − Σ_k p_r^k a_ki)². */
export function repeatLoss(pr: tf.Tensor2D, a: tf.Tensor2D, share: Float32Array): tf.Scalar {
  const pred = tf.sum(tf.mul(pr, a), 1);
  return tf.mean(tf.square(tf.sub(tf.tensor1d(share), pred))) as tf.Scalar;
}

/** Eq. 14 with f_ω(x) for x: c_k ← (1 − α) c_k + α Σ_i a_ki f_i / Σ_i a_ki; c_k unchanged where Σ_i a_ki = 0. */
export function updatePrototypes(c: tf.Tensor2D, fx: tf.Tensor2D, a: tf.Tensor2D, alpha: number): tf.Tensor2D {
  const weight = tf.reshape(tf.sum(a, 0), [-1, 1]);
  const mean = tf.div(tf.matMul(a, fx, true, false), tf.maximum(weight, 1e-12));
  return tf.where(tf.greater(weight, 0), tf.add(tf.mul(1 - alpha, c), tf.mul(alpha, mean)), c) as tf.Tensor2D;
}

/**
 * KL(ā ‖ 1/K) = Σ_k ā_k (log ā_k + log K) with ā = (1/N) Σ_i a_i, the batch's mean assignment (0 · log 0 = 0).
 * The batch-mean reading of eq. 12 (see createMuseNet).
 */
export function klBatchMean(a: tf.Tensor2D): tf.Scalar {
  const K = a.shape[1];
  const mean = tf.mean(a, 0);
  return tf.sum(tf.mul(mean, tf.add(tf.log(tf.maximum(mean, 1e-30)), Math.log(K)))) as tf.Scalar;
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007): the first row uniformly, each next one with probability ∝ its
 * squared distance to the nearest row chosen so far. Returns K row indices (repeats only when fewer than K rows
 * are distinct).
 */
export function kMeansPlusPlus(points: number[][], K: number, rng: Rng): Int32Array {
  const n = points.length;
  const chosen = new Int32Array(K);
  const nearest = new Float64Array(n).fill(Infinity);
  chosen[0] = rng.int(n);
  for (let k = 1; k < K; k++) {
    const c = points[chosen[k - 1]];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let p = 0; p < c.length; p++) d += (points[i][p] - c[p]) ** 2;
      nearest[i] = Math.min(nearest[i], d);
      total += nearest[i];
    }
    let x = rng.next() * total;
    let pick = chosen[k - 1];
    // The last candidate with a positive distance stands in when rounding leaves x ≥ 0 after the loop.
    for (let i = 0; i < n; i++)
      if (nearest[i] > 0) {
        pick = i;
        if ((x -= nearest[i]) < 0) break;
      }
    chosen[k] = pick;
  }
  return chosen;
}

/** Per learned scenario: size, observed repeat rate and mean inferred repeat intention over the predicted rows. */
export function scenarioReport(p: NetPrediction, K: number): ScenarioReport | undefined {
  if (!p.assignment) return undefined;
  const size = new Int32Array(K);
  const repeats = new Float64Array(K),
    intent = new Float64Array(K);
  p.assignment.forEach((k, r) => {
    size[k]++;
    repeats[k] += p.repeat[r];
    if (p.repeatIntention) intent[k] += p.repeatIntention[r * K + k];
  });
  return {
    k: K,
    assignment: p.assignment,
    size,
    repeatRate: Float32Array.from(size, (n, k) => (n ? repeats[k] / n : NaN)),
    repeatIntention: Float32Array.from(size, (n, k) => (n && p.repeatIntention ? intent[k] / n : NaN)),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

/**
 * Eq. 13's objective from the module pre-activations and the assignment, as one op computed in JS with its
 * hand-derived gradient: the module output layers (ReLU, then one scalar per module), eq. 9, ŷ = σ(Σ_k a_k z_k),
 * L_T (eq. 11) + klWeight · KL (eq. 12, on a and log a) + β · L_A (eq. 10, squared error), all batch means.
 * The same objective in tfjs ops is about two hundred kernels forward and backward (each elementwise step, its
 * gradient's casts and the tape's copies), every one with WASM's fixed overhead; the arithmetic is B × K × h.
 * Inputs: sPre [B, nS·h] (nS = 2K with the repeat module: K repeat scores then K explore scores; K without), w2s
 * [nS, h], b2s [nS]; iPre [B, K·h], w2i [K, h], b2i [K] for the intention p_r (null without the repeat module);
 * a, logA [B, K].
 */
export function headLoss(
  sPre: tf.Tensor2D,
  iPre: tf.Tensor2D | null,
  w2s: tf.Tensor2D,
  b2s: tf.Tensor,
  w2i: tf.Tensor2D | null,
  b2i: tf.Tensor | null,
  a: tf.Tensor2D,
  logA: tf.Tensor2D,
  batch: CtrBatch,
  o: Pick<MuseNetOptions, 'klWeight' | 'beta'>,
): tf.Scalar {
  const B = batch.size,
    K = a.shape[1],
    h = w2s.shape[1],
    nS = w2s.shape[0];
  const repeat = iPre !== null;
  const logK = Math.log(K);
  const kl = K > 1 ? o.klWeight : 0;
  const beta = repeat ? o.beta : 0;
  const inputs: tf.Tensor[] = [sPre, w2s, b2s, a, logA, ...(repeat ? [iPre, w2i!, b2i!] : [])];
  const f = tf.customGrad(((...args: tf.Tensor[]) => {
    const v = args.slice(0, inputs.length).map((t) => t.dataSync() as Float32Array);
    const [sp, ws, bs, av, lav, ip, wi, bi] = v;
    const g = v.map((x) => new Float32Array(x.length));
    const [dsp, dws, dbs, dav, dlav, dip, dwi, dbi] = g;
    const s = new Float64Array(nS),
      pr = new Float64Array(K),
      ds = new Float64Array(nS),
      dpr = new Float64Array(K);
    let loss = 0;
    for (let i = 0; i < B; i++) {
      const y = batch.click[i],
        I = batch.repeat[i];
      for (let m = 0; m < nS; m++) {
        let acc = bs[m];
        for (let j = 0; j < h; j++) acc += Math.max(0, sp[i * nS * h + m * h + j]) * ws[m * h + j];
        s[m] = acc;
      }
      if (repeat)
        for (let k = 0; k < K; k++) {
          let acc = bi[k];
          for (let j = 0; j < h; j++) acc += Math.max(0, ip[i * K * h + k * h + j]) * wi[k * h + j];
          pr[k] = sigmoid(acc);
        }
      let logit = 0,
        klTerm = 0,
        pred = 0;
      const z = (k: number) => (repeat ? I * pr[k] * s[k] + (1 - I) * (1 - pr[k]) * s[K + k] : s[k]);
      for (let k = 0; k < K; k++) {
        const aik = av[i * K + k];
        logit += aik * z(k);
        klTerm += aik * (lav[i * K + k] + logK);
        pred += aik * pr[k];
      }
      const e = batch.repeatShare[i] - pred;
      loss += softplus(-logit) + (1 - y) * logit + kl * klTerm + (repeat ? beta * e * e : 0);
      // Gradients, each divided by B (batch means).
      const dlogit = (sigmoid(logit) - y) / B;
      const dpred = repeat ? (-2 * beta * e) / B : 0;
      for (let k = 0; k < K; k++) {
        const aik = av[i * K + k];
        dav[i * K + k] = dlogit * z(k) + (kl * (lav[i * K + k] + logK)) / B + dpred * pr[k];
        dlav[i * K + k] = (kl * aik) / B;
        const dz = dlogit * aik;
        if (repeat) {
          dpr[k] = dpred * aik + dz * (I * s[k] - (1 - I) * s[K + k]);
          ds[k] = dz * I * pr[k];
          ds[K + k] = dz * (1 - I) * (1 - pr[k]);
        } else ds[k] = dz;
      }
      for (let m = 0; m < nS; m++) {
        dbs[m] += ds[m];
        for (let j = 0; j < h; j++) {
          const at = i * nS * h + m * h + j;
          if (sp[at] > 0) {
            dws[m * h + j] += ds[m] * sp[at];
            dsp[at] = ds[m] * ws[m * h + j];
          }
        }
      }
      if (repeat)
        for (let k = 0; k < K; k++) {
          const du = dpr[k] * pr[k] * (1 - pr[k]);
          dbi[k] += du;
          for (let j = 0; j < h; j++) {
            const at = i * K * h + k * h + j;
            if (ip[at] > 0) {
              dwi[k * h + j] += du * ip[at];
              dip[at] = du * wi[k * h + j];
            }
          }
        }
    }
    return {
      value: tf.scalar(loss / B),
      gradFunc: (dy: tf.Tensor) => g.map((d, k) => tf.mul(tf.tensor(d, inputs[k].shape), dy)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(...inputs) as tf.Scalar;
}
