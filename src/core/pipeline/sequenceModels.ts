import * as tf from '@tensorflow/tfjs-core';
import { err, ok } from '../util/result';
import { tuneSequenceModel, tuneStep } from '../tune/tune';
import { rngFor } from '../util/rng';
import {
  SequenceModel,
  resolveSeqConfig,
  type ReplicaPool,
  type SeqConfig,
  type SerializedSeqModel,
} from '../models/sequence/index';
import { effectiveSplit } from './config';
import { modelFingerprint } from './fingerprint';
import type { FitContext, ModelMeta, ModelRegistry } from './registry';

/** A trained next-item model as stored: weights with their config, and the run metadata of the fit that made it. */
export interface CachedSeqModel {
  model: SerializedSeqModel;
  /** The fit's metadata (backend, seconds, epochs, losses) as first reported. */
  meta: ModelMeta;
  /** When it was stored, ms since the epoch (for the UI and for pruning). */
  savedAt: number;
}

/**
 * Where trained sequence models are kept between runs, by key `NAME:FINGERPRINT` (pipeline/fingerprint.ts: data,
 * split, resolved config, seed). workers/modelCache.ts implements it over IndexedDB; tests use a Map. A failing
 * store never fails a run: the factory trains as if the cache were empty and says so in the metadata.
 */
export interface SeqModelCache {
  get(key: string): Promise<CachedSeqModel | undefined>;
  put(key: string, entry: CachedSeqModel): Promise<void>;
}

export interface SequenceModelOptions {
  /** Reload trained models from here instead of retraining, and store newly trained ones. */
  cache?: SeqModelCache;
  /**
   * Replicas in other threads that share each batch's work (core/models/sequence/parallel.ts; the CLI makes them
   * over worker_threads). meta.threads says how many trained a model.
   */
  replicas?: ReplicaPool;
}

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The next-item models p(y|x) of core/models/sequence in the registry: `RNN` (GRU) and `Transformer`, which give
 * `RNN`, `RNN-Pop`, `RNN-EMA`, `RNN-Hawkes`, `RNN-HP` and the Transformer versions. The host must have registered a
 * tfjs backend (the worker picks webgpu → webgl → wasm → cpu; the CLI imports the cpu backend). `overrides` set
 * architecture fields (hidden size, layers, …); the run config's `sequence` fields and epochs win over them, and with
 * `tune` the settings the search chose win over those (the trials in meta.tune).
 * With `opts.cache`, a model whose fingerprint is stored is deserialised instead of trained (no progress reported;
 * meta.cache = 'hit'), and a newly trained one is stored (meta.cache = 'stored', or 'error: …' when the store failed).
 */
export function registerSequenceModels(
  reg: ModelRegistry,
  overrides: Partial<Omit<SeqConfig, 'kind'>> = {},
  opts: SequenceModelOptions = {},
): ModelRegistry {
  for (const [name, kind] of [
    ['RNN', 'gru'],
    ['Transformer', 'transformer'],
  ] as const) {
    reg.registerNextItem(name, async (ctx) => {
      // Registry overrides, then the run config's sequence fields and epochs, then (with config.tune) the settings
      // a search on the validation window chose.
      let cfg: Partial<SeqConfig> & { kind: SeqConfig['kind'] } = {
        ...overrides,
        ...ctx.config.sequence,
        kind,
        ...(ctx.config.epochs === undefined ? {} : { epochs: ctx.config.epochs }),
      };
      let tuned: ModelMeta['tune'];
      if (ctx.config.tune) {
        const t = await tuneSequenceModel(ctx.dataset, ctx.split, cfg, {
          trials: ctx.config.tune.trials,
          minutes: ctx.config.tune.minutes,
          seed: ctx.config.seed,
          signal: ctx.signal,
          onProgress: (p) => {
            if (p.current?.fit)
              ctx.onProgress?.(`${name} trial ${p.current.index + 1}/${p.trials}`, p.current.fit, tuneStep(p));
          },
        });
        if (!t.ok) return t;
        if (t.data.stopped === 'aborted') return err('aborted', `${name}: tuning stopped`);
        if (t.data.best) cfg = { ...cfg, ...t.data.best.settings };
        tuned = {
          trials: t.data.trials,
          best: t.data.best?.settings ?? null,
          stopped: t.data.stopped,
          seconds: t.data.seconds,
        };
      }
      const resolved = resolveSeqConfig(cfg);
      if (!resolved.ok) return resolved;
      const cache = opts.cache;
      const key = cache ? cacheKey(name, resolved.data, ctx) : '';
      let cacheNote: string | undefined;
      if (cache) {
        const t0 = Date.now();
        let hit: CachedSeqModel | undefined;
        try {
          hit = await cache.get(key);
        } catch (e) {
          cacheNote = `error: ${why(e)}`;
        }
        const loaded = hit ? SequenceModel.deserialize(hit.model) : undefined;
        if (hit && loaded?.ok) {
          loaded.data.bindDataset(ctx.dataset);
          const meta: ModelMeta = {
            ...hit.meta,
            ...(tuned ? { tune: tuned } : {}),
            backend: tf.getBackend(),
            seconds: (Date.now() - t0) / 1000,
            trainedSeconds: hit.meta.seconds,
            cache: 'hit',
            cacheKey: key,
          };
          return ok({ model: loaded.data, meta });
        }
        if (loaded && !loaded.ok) cacheNote = `error: stored model unusable: ${loaded.reason}`;
      }
      const created = SequenceModel.create(resolved.data, ctx.dataset.nItems, ctx.config.seed);
      if (!created.ok) return created;
      const model = created.data;
      const fit = await model.fit(
        { dataset: ctx.dataset, trainEnd: ctx.split.trainEnd },
        {
          rng: rngFor(ctx.config.seed, name),
          signal: ctx.signal,
          onProgress: (p) => ctx.onProgress?.(name, p),
          replicas: opts.replicas,
        },
      );
      if (!fit.ok) {
        model.dispose();
        return fit;
      }
      const r = fit.data;
      const meta: ModelMeta = {
        backend: tf.getBackend(),
        seconds: r.seconds,
        epochs: r.epochs,
        finalLoss: r.trainLoss[r.trainLoss.length - 1],
        finalValidLoss: r.validLoss[r.validLoss.length - 1],
        bestEpoch: r.bestEpoch,
        stopped: r.stopped,
        batchSize: r.batchSize,
        threads: opts.replicas?.size ?? 1,
        ...(r.mixture ? { mixture: r.mixture } : {}),
        ...(tuned ? { tune: tuned } : {}),
      };
      // An aborted fit is not the model the config asks for: never store it.
      if (cache && r.stopped !== 'aborted') {
        try {
          await cache.put(key, { model: await model.serialize(), meta: { ...meta }, savedAt: Date.now() });
          cacheNote = 'stored';
        } catch (e) {
          cacheNote = `error: ${why(e)}`;
        }
      }
      return ok({ model, meta: cache ? { ...meta, cache: cacheNote ?? 'not stored', cacheKey: key } : meta });
    });
  }
  return reg;
}

/** The cache key of a next-item model in this run: data, training ends, split config, resolved config, seed. */
function cacheKey(name: string, config: SeqConfig, ctx: FitContext): string {
  const d = ctx.dataset;
  return modelFingerprint({
    model: name,
    item: d.item,
    userOffsets: d.userOffsets,
    nItems: d.nItems,
    trainEnd: ctx.split.trainEnd,
    splitConfig: effectiveSplit(ctx.config),
    config,
    seed: ctx.config.seed,
  });
}
