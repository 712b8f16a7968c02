import * as tf from '@tensorflow/tfjs-core';
import { ok } from '../util/result';
import { SequenceModel, type SeqConfig } from '../models/sequence/index';
import type { ModelRegistry } from './registry';

/**
 * The next-item models p(y|x) of core/models/sequence in the registry: `RNN` (GRU) and `Transformer`, which give
 * `RNN`, `RNN-Pop`, `RNN-EMA`, `RNN-Hawkes`, `RNN-HP` and the Transformer versions. The host must have registered a
 * tfjs backend (the worker picks webgpu → webgl → wasm → cpu; the CLI imports the cpu backend). `overrides` set
 * architecture fields (hidden size, layers, …) that the run config does not carry; the run config's epochs win.
 */
export function registerSequenceModels(reg: ModelRegistry, overrides: Partial<Omit<SeqConfig, 'kind'>> = {}): ModelRegistry {
  for (const [name, kind] of [['RNN', 'gru'], ['Transformer', 'transformer']] as const) {
    reg.registerNextItem(name, async (ctx) => {
      const cfg = ctx.config.epochs === undefined ? { ...overrides, kind } : { ...overrides, kind, epochs: ctx.config.epochs };
      const created = SequenceModel.create(cfg, ctx.dataset.nItems, ctx.config.seed);
      if (!created.ok) return created;
      const model = created.data;
      const fit = await model.fit(
        { dataset: ctx.dataset, trainEnd: ctx.split.trainEnd },
        { rng: ctx.rng.fork(), signal: ctx.signal, onProgress: (p) => ctx.onProgress?.(name, p) },
      );
      if (!fit.ok) {
        model.dispose();
        return fit;
      }
      const r = fit.data;
      return ok({
        model,
        meta: {
          backend: tf.getBackend(),
          seconds: r.seconds,
          epochs: r.epochs,
          finalLoss: r.trainLoss[r.trainLoss.length - 1],
          finalValidLoss: r.validLoss[r.validLoss.length - 1],
          bestEpoch: r.bestEpoch,
          stopped: r.stopped,
        },
      });
    });
  }
  return reg;
}
