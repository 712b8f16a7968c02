import * as tf from '@tensorflow/tfjs-core';
import type { FitProgress } from '../models/types';
import type { StopSignal } from '../util/abort';
import { type Rng, shuffleInPlace } from '../util/rng';
import { restore, snapshot, type Params } from '../models/sequence/params';
import { canReadSync } from '../models/sequence/ops';
import { ctrBatch, featureIndex } from './features';
import type { CtrBatch, ImpressionLog } from './types';
import type { TrainOptions } from './models/options';

// Core is built without DOM or Node types; setTimeout exists in every host we run in (worker, browser, Node).
declare const setTimeout: (f: () => void, ms: number) => unknown;

/** What a network's predict returns per batch row (tensors; the trainer reads and frees them). */
export interface CtrNetOutput {
  /** p(click | impression). */
  pCtr?: tf.Tensor1D;
  /** p(conversion | click, impression). */
  pCvr?: tf.Tensor1D;
  /** MuseNet: argmax_c Q(c | x) (eq. 4), int32. */
  assignment?: tf.Tensor1D;
  /** MuseNet: the repeat intention p_r^k of every scenario module [B, K] (eq. 9). */
  repeatIntention?: tf.Tensor2D;
}

/** The differentiable part of a model, as the shared trainer sees it. */
export interface CtrNet {
  /**
   * Every weight a checkpoint holds. Trainable variables take Adam steps; the others (MuseNet's prototypes, 003's
   * Step 1) are set by the network itself in afterStep.
   */
  readonly params: Params;
  /** History length of the batches the network reads. */
  readonly maxLen: number;
  /** Earlier requests whose contexts the batches summarise (CtrBatch.recentContext); 0 or absent: none. */
  readonly recentRequests?: number;
  /**
   * Mean objective over the batch's rows. 'train' may draw noise from rng (Gumbel, eq. 7) and keep what afterStep
   * needs; 'eval' is deterministic and keeps nothing.
   */
  loss(b: CtrBatch, mode: 'train' | 'eval', rng: Rng): tf.Scalar;
  /** Runs after each gradient step (MuseNet's prototype update, eq. 14), then frees what loss kept. */
  afterStep?(): void;
  /** Runs once before a fit's first step with its first batch (MuseNet seeds its prototypes from it). */
  beforeFit?(b: CtrBatch, rng: Rng): void | Promise<void>;
  predict(b: CtrBatch): CtrNetOutput;
}

/** Progress of one network's fit; `net` names which (a single-task model fits its click and conversion nets in turn). */
export interface CtrFitProgress extends FitProgress {
  net: string;
}

export interface CtrFitOptions {
  rng: Rng;
  onProgress?: (p: CtrFitProgress) => void;
  /** Checked between batches; a fit stops within one batch once it is aborted. */
  signal?: StopSignal;
}

/** What one network's fit did: per-epoch mean losses and why it stopped. */
export interface NetFitReport {
  net: string;
  /** Rows it trained on and validated on (a clicked-only conversion net sees fewer). */
  trainRows: number;
  validRows: number;
  epochs: number;
  trainLoss: number[];
  validLoss: number[];
  /** Epoch whose weights were kept (−1 when none finished). */
  bestEpoch: number;
  stopped: 'done' | 'early' | 'aborted';
  seconds: number;
}

/** How often a fit lets the host run (to deliver an abort) when batches are shorter than this; milliseconds. */
const YIELD_MS = 50;
/** How often progress is reported within an epoch; milliseconds. */
const REPORT_MS = 250;
const yieldToHost = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Fits one network with Adam on `train` rows of `log` in seeded shuffled batches, early-stopping on the mean loss of
 * the `valid` rows (restoring the best epoch's weights). Checks `signal` before every batch; lets the host run at
 * least every YIELD_MS so that an abort can arrive, so a fit stops within one batch of it.
 */
export async function fitNet(
  net: CtrNet,
  name: string,
  log: ImpressionLog,
  train: Int32Array,
  valid: Int32Array,
  opts: TrainOptions,
  fit: CtrFitOptions,
): Promise<NetFitReport> {
  const t0 = Date.now();
  const index = featureIndex(log, net.maxLen);
  const report: NetFitReport = {
    net: name,
    trainRows: train.length,
    validRows: valid.length,
    epochs: 0,
    trainLoss: [],
    validLoss: [],
    bestEpoch: -1,
    stopped: 'done',
    seconds: 0,
  };
  if (train.length === 0) return report;
  const rng = fit.rng;
  const optimizer = new Adam(opts.lr);
  const vars = [...net.params.values()].filter((v) => v.trainable);
  const order = Int32Array.from(train);
  const nBatches = Math.ceil(order.length / opts.batchSize);
  let best = Infinity,
    bad = 0,
    bestWeights: Map<string, Float32Array> | null = null;
  let lastYield = Date.now();
  try {
    for (let epoch = 0; epoch < opts.epochs && report.stopped === 'done'; epoch++) {
      shuffleInPlace(order, rng);
      if (epoch === 0)
        await net.beforeFit?.(ctrBatch(log, index, order.subarray(0, opts.batchSize), net.recentRequests), rng);
      let sum = 0,
        repSum = 0,
        repCount = 0,
        repT = Date.now();
      for (let bi = 0; bi < nBatches; bi++) {
        if (Date.now() - lastYield >= YIELD_MS) {
          await yieldToHost();
          lastYield = Date.now();
        }
        if (fit.signal?.aborted) {
          report.stopped = 'aborted';
          break;
        }
        const b = ctrBatch(
          log,
          index,
          order.subarray(bi * opts.batchSize, (bi + 1) * opts.batchSize),
          net.recentRequests,
        );
        const { value, grads } = tf.variableGrads(() => net.loss(b, 'train', rng), vars);
        optimizer.apply(vars, grads);
        tf.dispose(grads);
        net.afterStep?.();
        // Read asynchronously: a synchronous read mid-fit breaks WebGPU (sequence/ops.ts: canReadSync).
        const l = (await value.data())[0] * b.size;
        value.dispose();
        sum += l;
        repSum += l;
        repCount += b.size;
        const now = Date.now();
        const last = bi === nBatches - 1;
        if (now - repT >= REPORT_MS || last) {
          const validLoss = last && valid.length > 0 ? await meanLoss(net, log, valid, opts.batchSize, rng) : undefined;
          fit.onProgress?.({
            net: name,
            epoch,
            epochs: opts.epochs,
            batch: bi + 1,
            batches: nBatches,
            loss: repSum / repCount,
            validLoss,
            examplesPerSecond: (repCount / Math.max(1, now - repT)) * 1000,
          });
          if (validLoss !== undefined) report.validLoss.push(validLoss);
          repSum = 0;
          repCount = 0;
          repT = Date.now();
        }
      }
      if (report.stopped === 'aborted') break;
      report.epochs = epoch + 1;
      report.trainLoss.push(sum / order.length);
      if (valid.length === 0) continue;
      const score = report.validLoss[report.validLoss.length - 1];
      if (score < best) {
        best = score;
        bad = 0;
        report.bestEpoch = epoch;
        if (opts.patience > 0) bestWeights = await snapshot(net.params);
      } else if (opts.patience > 0 && ++bad >= opts.patience) report.stopped = 'early';
    }
    // Without early stopping (patience 0, or no validation rows) the last epoch's weights are kept.
    if (bestWeights && (report.bestEpoch < report.epochs - 1 || report.stopped === 'aborted'))
      restore(net.params, bestWeights);
    else if (!bestWeights) report.bestEpoch = report.epochs - 1;
  } finally {
    optimizer.dispose();
  }
  report.seconds = (Date.now() - t0) / 1000;
  return report;
}

/**
 * Adam with torch.optim.Adam's defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, bias-corrected): m ← β₁m + (1−β₁)g,
 * v ← β₂v + (1−β₂)g², w ← w − lr·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε), every weight every step (dense, as torch).
 * Where tensors can be read synchronously the update runs in JS on typed arrays: tfjs's optimizer spends about a
 * dozen kernels per variable per step, each with a fixed WASM overhead that outweighs the arithmetic of our small
 * weights; on WebGPU it is tfjs's Adam with the same constants.
 */
export class Adam {
  /** Per variable: the moments, our copy of its weights and the data the variable held after our last update. */
  private readonly state = new Map<tf.Variable, { m: Float32Array; v: Float32Array; w: Float32Array; data: object }>();
  private t = 0;
  private fallback: tf.AdamOptimizer | null = null;
  static readonly beta1 = 0.9;
  static readonly beta2 = 0.999;
  static readonly eps = 1e-8;

  constructor(readonly lr: number) {}

  apply(vars: tf.Variable[], grads: tf.NamedTensorMap): void {
    if (!canReadSync()) {
      this.fallback ??= tf.train.adam(this.lr, Adam.beta1, Adam.beta2, Adam.eps);
      this.fallback.applyGradients(grads as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      return;
    }
    this.t++;
    const { beta1: b1, beta2: b2, eps } = Adam;
    const c1 = 1 - b1 ** this.t,
      c2 = 1 - b2 ** this.t;
    for (const variable of vars) {
      const g = grads[variable.name];
      if (!g) continue;
      const gv = g.dataSync() as Float32Array;
      let s = this.state.get(variable);
      if (!s) {
        const n = variable.size;
        this.state.set(
          variable,
          (s = { m: new Float32Array(n), v: new Float32Array(n), w: new Float32Array(n), data: {} }),
        );
      }
      // The weights are read back only when something else assigned the variable since our last step (a restored
      // checkpoint); a copy, as on the CPU backend dataSync hands out the tensor's own storage.
      if (variable.dataId !== s.data) s.w.set(variable.dataSync() as Float32Array);
      const { m, v, w } = s;
      for (let i = 0; i < w.length; i++) {
        const gi = gv[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
      // tf.tensor keeps the array it is given on the CPU backend: hand it a copy.
      tf.tidy(() => variable.assign(tf.tensor(w.slice(), variable.shape)));
      s.data = variable.dataId;
    }
  }

  dispose(): void {
    this.fallback?.dispose();
    this.state.clear();
  }
}

/** Mean eval-mode objective over rows. */
export async function meanLoss(
  net: CtrNet,
  log: ImpressionLog,
  rows: Int32Array,
  batchSize: number,
  rng: Rng,
): Promise<number> {
  const index = featureIndex(log, net.maxLen);
  let s = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const b = ctrBatch(log, index, rows.subarray(i, i + batchSize), net.recentRequests);
    const l = tf.tidy(() => net.loss(b, 'eval', rng));
    s += (await l.data())[0] * b.size;
    l.dispose();
  }
  return s / Math.max(1, rows.length);
}

/** What predictNet reads back, per row. */
export interface NetPrediction {
  pCtr?: Float32Array;
  pCvr?: Float32Array;
  assignment?: Int32Array;
  /** Row-major [rows × K]. */
  repeatIntention?: Float32Array;
  /** The repeat indicator I[t ∈ B_u] of each row (from the feature index). */
  repeat: Uint8Array;
}

/** Runs a network's predict over rows in blocks and reads the outputs into typed arrays. */
export async function predictNet(
  net: CtrNet,
  log: ImpressionLog,
  rows: Int32Array,
  block = 4096,
): Promise<NetPrediction> {
  const index = featureIndex(log, net.maxLen);
  const n = rows.length;
  const out: NetPrediction = { repeat: Uint8Array.from(rows, (i) => index.repeat[i]) };
  for (let i = 0; i < n; i += block) {
    const b = ctrBatch(log, index, rows.subarray(i, i + block), net.recentRequests);
    const o = tf.tidy(() => net.predict(b) as tf.TensorContainerObject) as CtrNetOutput;
    const put = async <K extends 'pCtr' | 'pCvr' | 'assignment' | 'repeatIntention'>(
      key: K,
      make: (len: number) => NonNullable<NetPrediction[K]>,
    ) => {
      const t = o[key];
      if (!t) return;
      const width = t.shape.length === 2 ? (t.shape[1] as number) : 1;
      const target = (out[key] ??= make(n * width)) as Float32Array | Int32Array;
      target.set((await t.data()) as Float32Array | Int32Array, i * width);
    };
    await put('pCtr', (len) => new Float32Array(len));
    await put('pCvr', (len) => new Float32Array(len));
    await put('assignment', (len) => new Int32Array(len));
    await put('repeatIntention', (len) => new Float32Array(len));
    tf.dispose(o as tf.TensorContainer);
  }
  return out;
}
