import { err, ok } from '../util/result';
import { fitALS } from '../models/mf/als';
import { fitLogisticMF } from '../models/mf/logmf';
import type { FitContext, ModelRegistry } from './registry';
import type { FitOptions, Scorer, TrainData } from '../models/types';

/**
 * The timeless MF baselines of core/models/mf as whole scorers (paper appendix B): `ALS` (implicit, Hu et al.) and
 * `LogisticMF` (Johnson). The run config's `epochs`, when set, is their number of alternating sweeps.
 */
type MfFit = (train: TrainData, opts: { iterations?: number } & FitOptions) => Promise<{ scorer: Scorer; meta: { seconds: number } & object }>;

function mfFactory(name: string, fit: MfFit) {
  return async (ctx: FitContext) => {
    try {
      const r = await fit(
        { dataset: ctx.dataset, trainEnd: ctx.split.trainEnd },
        { iterations: ctx.config.epochs, rng: ctx.rng.fork(), signal: ctx.signal, onProgress: (p) => ctx.onProgress?.(name, p) },
      );
      const m = r.meta as { seconds: number; iterations?: number; objective?: number[]; logLik?: number[] };
      const losses = m.objective ?? m.logLik;
      return ok({
        model: r.scorer,
        meta: { ...r.meta, backend: 'js', seconds: m.seconds, epochs: m.iterations, finalLoss: losses?.[losses.length - 1] },
      });
    } catch (e) {
      // The MF fits throw a RangeError naming a bad option; anything else is a bug and propagates.
      if (e instanceof RangeError) return err('bad-option', e.message);
      throw e;
    }
  };
}

export function registerMfModels(reg: ModelRegistry): ModelRegistry {
  reg.registerScorer('ALS', mfFactory('ALS', fitALS));
  reg.registerScorer('LogisticMF', mfFactory('LogisticMF', fitLogisticMF));
  return reg;
}
