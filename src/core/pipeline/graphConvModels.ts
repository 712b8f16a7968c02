import { err, ok } from '../util/result';
import { rngFor } from '../util/rng';
import { extraWindows } from '../data/split';
import type { EvalSet } from '../data/types';
import { fitGraphConv } from '../models/graphconv/fit';
import { graphConvScorer, stateFeatures, type GraphConvTask } from '../models/graphconv/graphConv';
import type { FitContext, ModelRegistry } from './registry';

/**
 * The GCMC-style baselines (paper appendix B): `GraphConv-Base` learns from the validation window's labels only,
 * `GraphConv-Extra` also from earlier windows (core/data/split `extraWindows`). The run config's `epochs`, when set,
 * is their number of passes over the labels.
 */
function graphConvFactory(name: 'GraphConv-Base' | 'GraphConv-Extra') {
  return async (ctx: FitContext) => {
    const { dataset: ds, split } = ctx;
    const horizon = split.test.horizon;
    const windows: EvalSet[] = [split.valid, ...(name === 'GraphConv-Extra' ? extraWindows(ds, split) : [])];
    const tasks: GraphConvTask[] = windows
      .filter((w) => w.target.indptr[w.target.nRows] > 0)
      .map((w) => ({ states: stateFeatures(ds, w, horizon), labels: w.target }));
    if (tasks.length === 0)
      return err('no-labels', `${name}: the validation window holds no target events to learn from`);
    try {
      const r = await fitGraphConv(ds.nItems, tasks, {
        epochs: ctx.config.epochs,
        rng: rngFor(ctx.config.seed, name),
        signal: ctx.signal,
        onProgress: (p) => ctx.onProgress?.(name, p),
      });
      return ok({
        model: graphConvScorer(name, ds, r.params, horizon),
        meta: {
          ...r.meta,
          backend: 'js',
          finalLoss: r.meta.epochLoss[r.meta.epochLoss.length - 1],
        },
      });
    } catch (e) {
      if (e instanceof RangeError) return err('bad-option', e.message);
      throw e;
    }
  };
}

export function registerGraphConvModels(reg: ModelRegistry): ModelRegistry {
  reg.registerScorer('GraphConv-Base', graphConvFactory('GraphConv-Base'));
  reg.registerScorer('GraphConv-Extra', graphConvFactory('GraphConv-Extra'));
  return reg;
}
