import type { EvalSet } from '../../data/types';
import { createRng } from '../../util/rng';
import { err, ok, type Result } from '../../util/result';
import type { NextItemFactors, NextItemModel, TrainData } from '../types';
import { resolveSeqConfig, type SeqConfig } from './config';
import {
  batchesOf,
  historyBatch,
  splitUsers,
  tokenBatch,
  trainingSlices,
  type HistorySource,
  type SeqSlice,
} from './data';
import { trainShard, type FromReplica, type ShardJob } from './parallel';
import type { SerializedSeqModel } from './serialized';
import { createGru } from './gru';
import { createTransformer } from './transformer';
import type { SeqNet } from './net';
import { constParam, get, type Params, restore, snapshot, uniformParam } from './params';
import { fitMixture, mixtureRows, type MixtureParams } from './mixture';
import { heldOutTokens } from './heldOut';
import { trainEpochs, type FitReport, type SeqFitOptions } from './training';
import { setUnigramPrior, unigram } from './unigram';

export type { SerializedSeqModel } from './serialized';

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
      setUnigramPrior(this.params, this.nItems, ds.item, train);
      this.priorSet = true;
    }
    const batchSize = Math.min(cfg.batchSize, Math.max(8, Math.floor(train.length / cfg.minBatches)));
    const validBatches = batchesOf(valid, batchSize).map((b) => tokenBatch(ds.item, b));
    const validCount = validBatches.reduce((a, b) => a + b.count, 0);
    const report = await trainEpochs({
      params: this.params,
      net: this.net,
      config: cfg,
      item: ds.item,
      train,
      batchSize,
      validBatches,
      validCount,
      rng,
      opts,
      serialize: () => this.serialize(),
    });
    if (cfg.mixture && report.stopped !== 'aborted') {
      this.mixture = fitMixture(
        ds.item,
        await heldOutTokens(this.net, this.params, this.nItems, ds, validBatches, valid),
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
