import { err, ok } from '../util/result';
import { rngFor } from '../util/rng';
import { fitALS } from '../models/mf/als';
import { fitLogisticMF } from '../models/mf/logmf';
import { fitBPR } from '../models/mf/bpr';
import { fitLightfmBPR } from '../models/mf/lightfmBpr';
import type { FitContext, ModelRegistry } from './registry';
import type { FitOptions, Scorer, TrainData } from '../models/types';

/**
 * The timeless MF baselines of core/models/mf as whole scorers (paper appendix B): `BPR`, the LightFM-style one-sided
 * `BPR-Item` and `BPR-User`, `ALS` (implicit, Hu et al.) and `LogisticMF` (Johnson). The run config's `epochs`, when set, is BPR's epochs and the others' alternating sweeps.
 */
type MfFit = (
  train: TrainData,
  opts: { iterations?: number; epochs?: number } & FitOptions,
) => Promise<{ scorer: Scorer; meta: { seconds: number } & object }>;

function mfFactory(name: string, fit: MfFit) {
  return async (ctx: FitContext) => {
    try {
      const r = await fit(
        { dataset: ctx.dataset, trainEnd: ctx.split.trainEnd },
        {
          iterations: ctx.config.epochs,
          epochs: ctx.config.epochs,
          rng: rngFor(ctx.config.seed, name),
          signal: ctx.signal,
          onProgress: (p) => ctx.onProgress?.(name, p),
        },
      );
      const m = r.meta as {
        seconds: number;
        iterations?: number;
        epochs?: number;
        objective?: number[];
        logLik?: number[];
        epochLoss?: number[];
      };
      const losses = m.objective ?? m.logLik ?? m.epochLoss;
      return ok({
        model: r.scorer,
        meta: {
          ...r.meta,
          backend: 'js',
          seconds: m.seconds,
          epochs: m.iterations ?? m.epochs,
          finalLoss: losses?.[losses.length - 1],
        },
      });
    } catch (e) {
      // The MF fits throw a RangeError naming a bad option; anything else is a bug and propagates.
      if (e instanceof RangeError) return err('bad-option', e.message);
      throw e;
    }
  };
}

export function registerMfModels(reg: ModelRegistry): ModelRegistry {
  reg.registerScorer('BPR', mfFactory('BPR', fitBPR));
  reg.registerScorer(
    'BPR-Item',
    mfFactory('BPR-Item', (t, o) => fitLightfmBPR(t, { ...o, side: 'item' })),
  );
  reg.registerScorer(
    'BPR-User',
    mfFactory('BPR-User', (t, o) => fitLightfmBPR(t, { ...o, side: 'user' })),
  );
  reg.registerScorer('ALS', mfFactory('ALS', fitALS));
  reg.registerScorer('LogisticMF', mfFactory('LogisticMF', fitLogisticMF));
  return reg;
}
