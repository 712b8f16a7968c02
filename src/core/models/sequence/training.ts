/**
 * The sequence models' training loop: epochs of shuffled batches (trained here, or split among replicas), progress
 * about every 250 ms, the plateau schedule, and the best validation epoch's weights restored at the end.
 */
import * as tf from '@tensorflow/tfjs-core';
import { shuffleInPlace, type Rng } from '../../util/rng';
import type { FitOptions } from '../types';
import type { SeqConfig } from './config';
import { batchesOf, tokenBatch, type SeqSlice } from './data';
import type { SeqNet, TrainStep } from './net';
import { readScalar } from './ops';
import { shardSeeds, shardSlices, ShardedTrainer, type ReplicaPool } from './parallel';
import { Adagrad, restore, snapshot, type Params } from './params';
import type { SerializedSeqModel } from './serialized';

// Core is built without DOM or Node types; setTimeout exists in every host we run in (worker, browser, Node).
declare const setTimeout: (f: () => void, ms: number) => unknown;
/** Lets queued messages (an abort) in between batches; a microtask would not. */
const yieldToHost = () => new Promise<void>((r) => setTimeout(r, 0));

/** Options of SequenceModel.fit beyond every model's. */
export interface SeqFitOptions extends FitOptions {
  /**
   * Replicas of this model in other threads (parallel.ts): each batch is split among them and their gradients
   * averaged. Absent, or of size 1: the batch trains here, in one piece.
   */
  replicas?: ReplicaPool;
}

/** What a fit did: per-epoch losses (mean token NLL, nats) and why it stopped. */
export interface FitReport {
  epochs: number;
  trainLoss: number[];
  validLoss: number[];
  bestEpoch: number;
  stopped: 'done' | 'plateau' | 'aborted';
  seconds: number;
  /** Users per batch used (config.batchSize, or fewer on a small log: config.minBatches). */
  batchSize: number;
  /** The repeat/explore/popularity mixture fitted on the validation users, when config.mixture (mixture.ts). */
  mixture?: {
    decay: number;
    repeat: number[];
    seq: number[];
    keep: number;
    logLik: number;
    seqLogLik: number;
    tokens: number;
  };
}

/** What the loop trains: the model's weights and network, on the training users' slices of the events' items. */
export interface EpochsInput {
  params: Params;
  net: SeqNet;
  config: SeqConfig;
  item: Int32Array;
  train: SeqSlice[];
  /** Users per batch. */
  batchSize: number;
  /** The validation users' batches and their targets (none: the training loss picks the best epoch). */
  validBatches: ReturnType<typeof tokenBatch>[];
  validCount: number;
  rng: Rng;
  opts: SeqFitOptions;
  /** The model as its replicas load it (called only when there are replicas). */
  serialize: () => Promise<SerializedSeqModel>;
}

/** Trains for at most config.epochs; `seconds` and `mixture` of the report are the caller's to fill. */
export async function trainEpochs(input: EpochsInput): Promise<FitReport> {
  const { params, net, item, train, batchSize, validBatches, validCount, rng, opts } = input;
  const cfg = input.config;
  const noise = rng.fork();
  const opt = new Adagrad(cfg.lr, cfg.weightDecay, cfg.warmup);
  const vars = [...params.values()];
  // The loss is read asynchronously (ops.ts: canReadSync); the update is queued at once either way.
  const step: TrainStep = (f) => {
    const { value, grads } = tf.variableGrads(f, vars);
    opt.apply(params, grads);
    tf.dispose(grads);
    return { loss: readScalar(value) };
  };
  const report: FitReport = {
    epochs: 0,
    trainLoss: [],
    validLoss: [],
    bestEpoch: -1,
    stopped: 'done',
    seconds: 0,
    batchSize,
  };
  let best = Infinity;
  let bestWeights: Map<string, Float32Array> | null = null;
  let bad = 0;
  const pool = opts.replicas && opts.replicas.size > 1 ? opts.replicas : null;
  try {
    const sharded = pool && (await ShardedTrainer.start(pool, params, opt, await input.serialize()));
    // Data-parallel: the batch's users in shards, each shard's dropout stream seeded from `noise` (parallel.ts).
    const train1 = (slices: SeqSlice[]): Promise<number> => {
      if (!sharded) return net.trainBatch(tokenBatch(item, slices), step, noise);
      const shards = shardSlices(slices, sharded.size).map((sh) => tokenBatch(item, sh));
      return sharded.trainBatch(shards, shardSeeds(shards.length, noise));
    };
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      const order = shuffleInPlace([...train], rng);
      const batches = batchesOf(order, batchSize);
      let sum = 0,
        count = 0,
        repSum = 0,
        repCount = 0,
        repT = Date.now(),
        repStart = Date.now();
      for (let bi = 0; bi < batches.length; bi++) {
        if (opts.signal?.aborted) {
          report.stopped = 'aborted';
          break;
        }
        const s = await train1(batches[bi]);
        const n = targetCount(batches[bi]);
        sum += s;
        count += n;
        repSum += s;
        repCount += n;
        const now = Date.now();
        const lastBatch = bi === batches.length - 1;
        if (now - repT >= 250 || lastBatch) {
          // Batched progress: one report per ~250 ms carrying the mean since the previous one.
          const validLoss =
            lastBatch && validCount > 0 ? await validationLoss(net, validBatches, validCount) : undefined;
          opts.onProgress?.({
            epoch,
            epochs: cfg.epochs,
            batch: bi + 1,
            batches: batches.length,
            loss: repSum / Math.max(1, repCount),
            validLoss,
            examplesPerSecond: (repCount / Math.max(1, now - repStart)) * 1000,
          });
          repSum = 0;
          repCount = 0;
          repT = now;
          repStart = now;
          if (validLoss !== undefined) report.validLoss.push(validLoss);
          await yieldToHost();
        }
      }
      if (report.stopped === 'aborted') break;
      report.epochs = epoch + 1;
      report.trainLoss.push(sum / Math.max(1, count));
      const score = validCount > 0 ? report.validLoss[report.validLoss.length - 1] : report.trainLoss[epoch];
      if (score < best - 1e-6) {
        best = score;
        bad = 0;
        report.bestEpoch = epoch;
        bestWeights = await snapshot(params);
      } else {
        // Plateau: divide the learning rate by 10 every `patience` bad epochs; stop after 2·patience + 1.
        bad++;
        if (cfg.patience === 0 || bad > 2 * cfg.patience) {
          report.stopped = 'plateau';
          break;
        }
        if (bad % cfg.patience === 0) opt.lr /= 10;
      }
    }
    if (bestWeights) restore(params, bestWeights);
  } finally {
    opt.dispose();
  }
  return report;
}

/** Mean token NLL (nats) of the validation batches. */
async function validationLoss(net: SeqNet, batches: ReturnType<typeof tokenBatch>[], count: number): Promise<number> {
  let s = 0;
  for (const b of batches) s += await net.evalBatch(b);
  return s / count;
}

/** Non-padding targets of a batch of slices (TokenBatch.count). */
const targetCount = (slices: SeqSlice[]) => slices.reduce((a, s) => a + s.end - s.start, 0);
