import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, EvalSet } from '../../data/types';
import { createRng, shuffleInPlace } from '../../util/rng';
import { err, ok, type Result } from '../../util/result';
import type { FitOptions, NextItemFactors, NextItemModel, TrainData } from '../types';
import { resolveSeqConfig, type SeqConfig } from './config';
import { batchesOf, historyBatch, splitUsers, tokenBatch, trainingSlices, type SeqSlice } from './data';
import {
  shardSeeds,
  shardSlices,
  ShardedTrainer,
  trainShard,
  type FromReplica,
  type ReplicaPool,
  type ShardJob,
} from './parallel';
import { readScalar } from './ops';
import type { SerializedSeqModel } from './serialized';
import { createGru } from './gru';
import { createTransformer } from './transformer';
import type { SeqNet, TrainStep } from './net';
import { Adagrad, constParam, get, type Params, restore, snapshot, uniformParam } from './params';
import { fitMixture, mixtureRows, type HeldOutTokens, type MixtureParams } from './mixture';

// Core is built without DOM or Node types; setTimeout exists in every host we run in (worker, browser, Node).
declare const setTimeout: (f: () => void, ms: number) => unknown;
/** Lets queued messages (an abort) in between batches; a microtask would not. */
const yieldToHost = () => new Promise<void>((r) => setTimeout(r, 0));

export type { SerializedSeqModel } from './serialized';

/** Options of SequenceModel.fit beyond every model's. */
export interface SeqFitOptions extends FitOptions {
  /**
   * Replicas of this model in other threads (parallel.ts): each batch is split among them and their gradients
   * averaged. Absent, or of size 1: the batch trains here, in one piece.
   */
  replicas?: ReplicaPool;
}

/** The parts of a Dataset that histories are read from. */
export type HistorySource = Pick<Dataset, 'item' | 'userOffsets'>;

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

/**
 * A next-item model p(y|x) = softmax(h_x·E_y + b_y) (eq. 1) with a GRU or Transformer encoder and the decoder
 * tied to the item embedding (token 0 = start/padding, item i = token i + 1, softmax over all tokens as rime).
 */
export class SequenceModel implements NextItemModel {
  readonly name: string;
  private readonly params: Params = new Map();
  private readonly net: SeqNet;
  private ds: HistorySource | null = null;
  /** Whether the decoder bias has been set to the training prior (first fit only; later fits continue from it). */
  private priorSet = false;
  private mixture: MixtureParams | null = null;

  private constructor(
    readonly config: SeqConfig,
    readonly nItems: number,
    seed: number,
  ) {
    this.name = config.kind === 'gru' ? 'RNN' : 'Transformer';
    const rng = createRng(seed);
    // word_language_model's init: embedding U(−0.1, 0.1), decoder bias 0.
    uniformParam(this.params, 'emb', [nItems + 1, config.hidden], 0.1, rng);
    constParam(this.params, 'bias', [nItems + 1], 0);
    this.net =
      config.kind === 'gru' ? createGru(config, this.params, rng) : createTransformer(config, this.params, rng);
  }

  static create(
    config: Partial<SeqConfig> & { kind: SeqConfig['kind'] },
    nItems: number,
    seed: number,
  ): Result<SequenceModel, 'bad-config'> {
    const c = resolveSeqConfig(config);
    if (!c.ok) return c;
    if (!Number.isInteger(nItems) || nItems < 1)
      return err('bad-config', `nItems: expected a positive integer, got ${nItems}`);
    return ok(new SequenceModel(c.data, nItems, seed));
  }

  /** Trains on events [userOffsets[u], trainEnd[u]) (last maxLen per user); restores the best validation epoch. */
  async fit(data: TrainData, opts: SeqFitOptions): Promise<Result<FitReport, 'no-data' | 'bad-data'>> {
    const { dataset: ds, trainEnd } = data;
    if (ds.nItems !== this.nItems)
      return err('bad-data', `dataset has ${ds.nItems} items, model was built for ${this.nItems}`);
    this.ds = ds;
    const slices = trainingSlices(ds, trainEnd, this.config.maxLen);
    if (slices.length === 0) return err('no-data', 'no user has a training event');
    const t0 = Date.now();
    const cfg = this.config;
    const rng = opts.rng;
    const { train, valid } = splitUsers(slices, cfg.validFraction, rng.fork());
    if (!this.priorSet) {
      this.setUnigramPrior(ds.item, train);
      this.priorSet = true;
    }
    const batchSize = Math.min(cfg.batchSize, Math.max(8, Math.floor(train.length / cfg.minBatches)));
    const validBatches = batchesOf(valid, batchSize).map((b) => tokenBatch(ds.item, b));
    const validCount = validBatches.reduce((a, b) => a + b.count, 0);
    const noise = rng.fork();
    const opt = new Adagrad(cfg.lr, cfg.weightDecay);
    const vars = [...this.params.values()];
    // The loss is read asynchronously (ops.ts: canReadSync); the update is queued at once either way.
    const step: TrainStep = (f) => {
      const { value, grads } = tf.variableGrads(f, vars);
      opt.apply(this.params, grads);
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
      const sharded = pool && (await ShardedTrainer.start(pool, this.params, opt, await this.serialize()));
      // Data-parallel: the batch's users in shards, each shard's dropout stream seeded from `noise` (parallel.ts).
      const train1 = (slices: SeqSlice[]): Promise<number> => {
        if (!sharded) return this.net.trainBatch(tokenBatch(ds.item, slices), step, noise);
        const shards = shardSlices(slices, sharded.size).map((sh) => tokenBatch(ds.item, sh));
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
            const validLoss = lastBatch && validCount > 0 ? await this.validLoss(validBatches, validCount) : undefined;
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
          bestWeights = await snapshot(this.params);
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
      if (bestWeights) restore(this.params, bestWeights);
    } finally {
      opt.dispose();
    }
    if (cfg.mixture && report.stopped !== 'aborted') {
      this.mixture = fitMixture(
        ds.item,
        await this.heldOutTokens(validBatches, valid),
        unigram(ds.item, train, this.nItems),
      );
      if (this.mixture) {
        const { decay, repeat, seq, keep, logLik, seqLogLik, tokens } = this.mixture;
        report.mixture = { decay, repeat: [...repeat], seq: [...seq], keep, logLik, seqLogLik, tokens };
      }
    }
    report.seconds = (Date.now() - t0) / 1000;
    return ok(report);
  }

  /**
   * p_seq of each held-out target and of its history's distinct items (softmax over items, as factors give it), users
   * in order, steps ascending. The softmax rows are read back in chunks of 256 tokens.
   */
  private async heldOutTokens(batches: ReturnType<typeof tokenBatch>[], slices: SeqSlice[]): Promise<HeldOutTokens> {
    const ds = this.ds as HistorySource;
    const users = slices.map((s) => ({ from: s.from ?? s.start, start: s.start, end: s.end }));
    const total = users.reduce((a, u) => a + u.end - u.start, 0);
    const pSeq = new Float32Array(total);
    const pSeqHist = new Float32Array(total);
    const emb = get(this.params, 'emb');
    const bias = get(this.params, 'bias');
    const V = this.nItems;
    const seen = new Int32Array(V).fill(-1);
    const hist: number[] = [];
    let k = 0;
    let u = 0;
    for (const b of batches) {
      const h = this.net.states(b);
      try {
        const first = u;
        const bu = users.slice(u, u + b.size);
        u += b.size;
        // Tokens of this batch in order: per user its events from start (the history walked from `from`).
        const rows = h.shape[0];
        let ui = 0;
        let e = bu.length ? bu[0].start : 0;
        const startUser = (i: number) => {
          hist.length = 0;
          for (let j = bu[i].from; j < bu[i].start; j++) add(ds.item[j]);
          e = bu[i].start;
        };
        const add = (y: number) => {
          if (seen[y] !== first + ui) {
            seen[y] = first + ui;
            hist.push(y);
          }
        };
        if (bu.length) startUser(0);
        for (let r0 = 0; r0 < rows; r0 += 256) {
          const n = Math.min(256, rows - r0);
          const p = tf.tidy(() => {
            const hc = tf.slice(h, [r0, 0], [n, -1]);
            const E = tf.slice(emb, [1, 0], [-1, -1]) as tf.Tensor2D;
            return tf.softmax(tf.add(tf.matMul(hc, E, false, true), tf.slice(bias, [1], [-1])));
          });
          const probs = (await p.data()) as Float32Array;
          p.dispose();
          for (let i = 0; i < n; i++, k++) {
            while (e >= bu[ui].end) startUser(++ui);
            const y = ds.item[e];
            pSeq[k] = probs[i * V + y];
            let s = 0;
            for (const x of hist) s += probs[i * V + x];
            pSeqHist[k] = s;
            add(y);
            e++;
          }
        }
      } finally {
        h.dispose();
      }
    }
    return { users, pSeq, pSeqHist };
  }

  /**
   * Decoder bias b_v = log((n_v + 1) / (N + V)): the add-one log frequency of token v among the targets of the training users (not the validation ones), so
   * the untrained model already predicts item popularity (eq. 1 with h·E ≈ 0 at initialisation) and training only
   * has to learn what the history adds. rime's word_language_model init starts the bias at 0; on a small log
   * (ml-latest-small: 9,724 items, ~50k training targets) two epochs from 0 left the RNN's validation loss above
   * the unigram entropy (8.26-8.60 vs 8.12 nats) and its ItemRec below Pop's.
   */
  private setUnigramPrior(item: Int32Array, slices: SeqSlice[]): void {
    const V = this.nItems + 1;
    const counts = new Float64Array(V);
    let total = 0;
    for (const sl of slices) {
      for (let e = sl.start; e < sl.end; e++) counts[item[e] + 1]++;
      total += sl.end - sl.start;
    }
    const prior = Float32Array.from(counts, (n) => Math.log((n + 1) / (total + V)));
    restore(this.params, new Map([['bias', prior]]));
  }

  private async validLoss(batches: ReturnType<typeof tokenBatch>[], count: number): Promise<number> {
    let s = 0;
    for (const b of batches) s += await this.net.evalBatch(b);
    return s / count;
  }

  /**
   * This model as a data-parallel replica: trains one shard a coordinator handed it (parallel.ts, trainShard),
   * posting each step's gradients and taking the weights `nextWeights` gives before the next step.
   */
  trainShard(
    job: ShardJob,
    post: (msg: FromReplica, transfer: ArrayBuffer[]) => void,
    nextWeights: () => Promise<Float32Array[]>,
  ): Promise<number> {
    return trainShard(this.params, this.net, job, post, nextWeights);
  }

  /** The dataset whose slices EvalSet rows refer to; fit binds it, a deserialised model needs it bound. */
  bindDataset(ds: HistorySource): void {
    this.ds = ds;
  }

  /** h_x after consuming each row's history [userOffsets[u], histEnd[r]) (last maxLen − 1 events), E and b. */
  async factors(rows: EvalSet): Promise<NextItemFactors> {
    // A programming error (no dataset to read histories from), not an expected failure.
    if (!this.ds) throw new Error('SequenceModel.factors: no dataset bound (fit or bindDataset first)');
    return this.factorsOf(rows, this.ds);
  }

  /**
   * Same as factors with the dataset given explicitly (results read asynchronously: ops.ts, canReadSync); rows are processed in blocks of `block` (GRU) or at most 64
   * (Transformer: its B × heads × T × T attention weights would otherwise outgrow the 4 GB WASM heap).
   */
  async factorsOf(rows: EvalSet, ds: HistorySource, block = 256): Promise<NextItemFactors> {
    if (this.config.kind === 'transformer') block = Math.min(block, 64);
    const H = this.config.hidden;
    const n = rows.users.length;
    const hidden = new Float32Array(n * H);
    const keep = this.config.maxLen - 1;
    const sliceOf = (r: number): SeqSlice => {
      const s = ds.userOffsets[rows.users[r]];
      const e = rows.histEnd[r];
      return { start: Math.max(s, e - keep), end: Math.max(s, e) };
    };
    // Rows sorted by history length so each block pads to a similar length (most users are far below maxLen).
    const order = Int32Array.from({ length: n }, (_, r) => r).sort((a, b) => {
      const sa = sliceOf(a),
        sb = sliceOf(b);
      return sa.end - sa.start - (sb.end - sb.start);
    });
    for (let r0 = 0; r0 < n; r0 += block) {
      const idx = order.subarray(r0, Math.min(n, r0 + block));
      const hb = historyBatch(ds.item, Array.from(idx, sliceOf));
      const h = this.net.hidden(hb.input, hb.size, hb.steps, hb.last);
      const v = (await h.data()) as Float32Array;
      h.dispose();
      idx.forEach((r, k) => hidden.set(v.subarray(k * H, (k + 1) * H), r * H));
    }
    const [emb, bias] = (await Promise.all([
      get(this.params, 'emb').data(),
      get(this.params, 'bias').data(),
    ])) as Float32Array[];
    const f: NextItemFactors = { hidden, itemEmb: emb.slice(H), itemBias: bias.slice(1), dim: H };
    if (this.mixture) {
      const from = Int32Array.from(rows.users, (u) => ds.userOffsets[u]);
      f.mix = mixtureRows(
        this.mixture,
        ds.item,
        from,
        Int32Array.from(rows.histEnd, (e, r) => Math.max(from[r], e)),
      );
    }
    return f;
  }

  /** Async: weights are read back asynchronously (ops.ts: canReadSync). */
  async serialize(): Promise<SerializedSeqModel> {
    const w = await snapshot(this.params);
    return {
      format: 'rimw-seq-1',
      config: { ...this.config },
      nItems: this.nItems,
      weights: [...this.params].map(([name, v]) => ({ name, shape: [...v.shape], data: w.get(name) as Float32Array })),
      ...(this.mixture ? { mixture: { ...this.mixture, pop: this.mixture.pop.slice() } } : {}),
    };
  }

  static deserialize(s: SerializedSeqModel): Result<SequenceModel, 'bad-config' | 'bad-weights'> {
    if (s.format !== 'rimw-seq-1') return err('bad-weights', `format: expected rimw-seq-1, got ${String(s.format)}`);
    const m = SequenceModel.create(s.config, s.nItems, 0);
    if (!m.ok) return m;
    const byName = new Map(s.weights.map((w) => [w.name, w]));
    for (const [name, v] of m.data.params) {
      const w = byName.get(name);
      const size = v.shape.reduce((a, b) => a * b, 1);
      if (!w || w.data.length !== size || w.shape.join() !== v.shape.join()) {
        m.data.dispose();
        return err(
          'bad-weights',
          `weight ${name}: expected shape [${v.shape.join(', ')}], got ${w ? `[${w.shape.join(', ')}]` : 'none'}`,
        );
      }
    }
    restore(m.data.params, new Map(s.weights.map((w) => [w.name, w.data])));
    if (s.mixture) {
      if (!(s.mixture.pop instanceof Float32Array) || s.mixture.pop.length !== s.nItems) {
        m.data.dispose();
        return err('bad-weights', `mixture.pop: expected ${s.nItems} item probabilities`);
      }
      m.data.mixture = { ...s.mixture, pop: s.mixture.pop.slice() };
    }
    return m;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}

/** Non-padding targets of a batch of slices (TokenBatch.count). */
const targetCount = (slices: SeqSlice[]) => slices.reduce((a, s) => a + s.end - s.start, 0);

/** p_pop: add-one frequency of each item among the training users' events (over items; the start token excluded). */
function unigram(item: Int32Array, slices: SeqSlice[], nItems: number): Float32Array {
  const counts = new Float64Array(nItems);
  let total = 0;
  for (const sl of slices) {
    for (let e = sl.start; e < sl.end; e++) counts[item[e]]++;
    total += sl.end - sl.start;
  }
  return Float32Array.from(counts, (n) => (n + 1) / (total + nItems));
}
