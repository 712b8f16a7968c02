/**
 * The default model set: the intensities (Pop, EMA, Hawkes, HP) and the Pop, ItemKNN and Rand scorers registered here,
 * the sequence models (sequenceModels.ts), the matrix-factorisation baselines (mfModels.ts) and the GraphConv
 * baselines (graphConvModels.ts), over registry.ts.
 */
import { ok } from '../util/result';
import { popScorer, randScorer } from '../models/compose';
import { emaIntensity, popIntensity } from '../models/intensity/simple';
import { fitHawkes, type HawkesModel } from '../models/intensity/hawkes';
import { fitHawkesPoisson } from '../models/intensity/hawkesPoisson';
import { trainItemCounts } from '../models/intensity/history';
import type { IntensityModel } from '../models/types';
import { ModelRegistry, type FitContext, type ModelMeta } from './registry';
import { registerSequenceModels, type SeqModelCache } from './sequenceModels';
import type { ReplicaPool } from '../models/sequence/index';
import { registerMfModels } from './mfModels';
import { itemKnnScorer } from '../models/itemknn';
import { registerGraphConvModels } from './graphConvModels';

const secondsSince = (t0: number) => (Date.now() - t0) / 1000;

/**
 * Per user the end of the observed training window (unix seconds), where the Hawkes likelihood stops integrating λ:
 * a test row's start; else, for a user whose events are all training data (user split, group A), the end of the
 * log; else the first held-out event.
 */
function observeEnds(ctx: FitContext): Float64Array {
  const { dataset: d, split } = ctx;
  let logEnd = -Infinity;
  for (let e = 0; e < d.time.length; e++) if (d.time[e] > logEnd) logEnd = d.time[e];
  const end = new Float64Array(d.nUsers);
  for (let u = 0; u < d.nUsers; u++)
    end[u] = split.trainEnd[u] < d.userOffsets[u + 1] ? d.time[split.trainEnd[u]] : logEnd;
  for (let r = 0; r < split.test.users.length; r++) end[split.test.users[r]] = split.test.testStart[r];
  return end;
}

/**
 * The registry of every model built so far: Pop, EMA, Hawkes, HP intensities, the Pop and Rand scorers, the tfjs
 * sequence models RNN and Transformer (with them, every `SEQ-λ` composition), ItemKNN, the MF baselines (BPR,
 * BPR-Item, BPR-User, ALS, LogisticMF) and the GraphConv baselines.
 */
export function defaultRegistry(
  opts: {
    sequence?: Parameters<typeof registerSequenceModels>[1] | false;
    modelCache?: SeqModelCache;
    replicas?: ReplicaPool;
  } = {},
): ModelRegistry {
  // `sequence: false` leaves the tfjs models out (hosts without a tfjs backend); `modelCache` reloads trained
  // sequence models by fingerprint instead of retraining them (workers/modelCache.ts); `replicas` share their
  // training batches (the CLI's worker threads).
  const seq =
    opts.sequence === false
      ? new ModelRegistry()
      : registerSequenceModels(new ModelRegistry(), opts.sequence, { cache: opts.modelCache, replicas: opts.replicas });
  const reg = registerGraphConvModels(registerMfModels(seq));
  reg.registerIntensity('Pop', async (ctx) =>
    ok({ model: popIntensity(ctx.dataset), meta: { backend: 'js', seconds: 0 } }),
  );
  reg.registerIntensity('EMA', async (ctx) =>
    ok({ model: emaIntensity(ctx.dataset), meta: { backend: 'js', seconds: 0 } }),
  );
  reg.registerIntensity('Hawkes', async (ctx) => {
    const t0 = Date.now();
    const res = fitHawkes(ctx.dataset, ctx.split.trainEnd, {
      horizon: ctx.split.test.horizon,
      observeEnd: observeEnds(ctx),
    });
    if (!res.ok) return res;
    return ok({
      model: res.data as IntensityModel,
      meta: { backend: 'js', seconds: secondsSince(t0), hawkes: res.data.coefficients },
    });
  });
  reg.registerIntensity('HP', async (ctx, get) => {
    const hk = await get('Hawkes');
    if (!hk.ok) return hk;
    const t0 = Date.now();
    const res = fitHawkesPoisson(hk.data.model as HawkesModel, ctx.split.valid);
    if (!res.ok) return res;
    const meta: ModelMeta = {
      ...hk.data.meta,
      seconds: hk.data.meta.seconds + secondsSince(t0),
      hawkesPoisson: res.data.fit,
      finalLoss: res.data.fit.lossEnd,
    };
    return ok({ model: res.data, meta });
  });
  reg.registerScorer('Pop', async (ctx) =>
    ok({
      model: popScorer(ctx.dataset, trainItemCounts(ctx.dataset, ctx.split.trainEnd)),
      meta: { backend: 'js', seconds: 0 },
    }),
  );
  reg.registerScorer('ItemKNN', async (ctx) => {
    const t0 = Date.now();
    const model = itemKnnScorer(ctx.dataset, ctx.split.trainEnd);
    return ok({ model, meta: { backend: 'js', seconds: secondsSince(t0) } });
  });
  reg.registerScorer('Rand', async (ctx) =>
    ok({ model: randScorer(ctx.dataset.nItems, ctx.config.seed), meta: { backend: 'js', seconds: 0 } }),
  );
  return reg;
}
