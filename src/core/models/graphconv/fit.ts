/** GraphConv's training: labels of all windows shuffled each epoch, negatives drawn per label, Adagrad steps. */
import { shuffleInPlace } from '../../util/rng';
import { aliasSampler, sqrtCountWeights, type AliasSampler } from '../mf/sampler';
import { nonNegative, positive, positiveInt } from '../mf/options';
import { nowMs, tick } from '../mf/scorer';
import type { FitOptions } from '../types';
import { initGraphConv, type GraphConvParams, type GraphConvTask } from './graphConv';
import { batchLossGrad, zeroGrads, type LabelDraw } from './loss';

/** Options of fitGraphConv (graphConv.ts describes the model and its loss). */
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
