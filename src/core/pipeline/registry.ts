import type { Dataset, Split } from '../data/types';
import type { FitProgress, IntensityModel, NextItemModel, Scorer } from '../models/types';
import type { StopSignal } from '../util/abort';
import { err, ok, type Result } from '../util/result';
import type { RunConfig } from './config';
import {
  INTENSITY_NAMES,
  SEQUENCE_NAMES,
  itemPopScorer,
  popScorer,
  randScorer,
  rimScorer,
  type IntensityName,
} from '../models/compose';
import { emaIntensity, popIntensity } from '../models/intensity/simple';
import { fitHawkes, type HawkesCoefficients, type HawkesModel } from '../models/intensity/hawkes';
import { fitHawkesPoisson, type HawkesPoissonFit } from '../models/intensity/hawkesPoisson';
import { trainItemCounts } from '../models/intensity/history';
import type { ScoreSource } from '../models/scores';
import { rimScores } from '../models/compose';
import { registerSequenceModels, type SeqModelCache } from './sequenceModels';
import { registerMfModels } from './mfModels';
import { itemKnnScorer } from '../models/itemknn';
import type { TuneSettings, TuneTrial } from '../tune/tune';

/**
 * Model factories by name. Three kinds plug in:
 *  - intensities λ(x) (Pop, EMA, Hawkes, HP): give `Hawkes` = λ × item count and, with a next-item model, `RNN-Hawkes`;
 *  - next-item models p(y|x) (RNN, Transformer; async, tfjs): give `RNN` (λ ≡ 1) and the `RNN-*` compositions;
 *  - whole scorers (Pop, Rand, and baselines such as BPR, ALS, LogisticMF).
 * Each intensity and next-item model is fitted once per run and shared by every composition that uses it.
 */

/** What every factory sees. `cache` shares fitted parts within one run. */
export interface FitContext {
  dataset: Dataset;
  split: Split;
  config: RunConfig;
  signal?: StopSignal;
  onProgress?: (model: string, p: FitProgress) => void;
}

/** Run metadata of one fitted part, written into the results. */
export interface ModelMeta {
  /** tfjs backend used, or 'js' for plain TypeScript. */
  backend: string;
  /** Wall seconds to fit (and for compositions: of the parts, summed). */
  seconds: number;
  epochs?: number;
  finalLoss?: number;
  finalValidLoss?: number;
  hawkes?: HawkesCoefficients;
  hawkesPoisson?: HawkesPoissonFit;
  /** With config.tune: the search's trials and the settings it chose (core/tune). */
  tune?: { trials: TuneTrial[]; best: TuneSettings | null; stopped: string; seconds: number };
  [key: string]: unknown;
}

export type Fitted<T> = Result<{ model: T; meta: ModelMeta }, string>;
export type IntensityFactory = (
  ctx: FitContext,
  get: (name: IntensityName) => Promise<Fitted<IntensityModel>>,
) => Promise<Fitted<IntensityModel>>;
export type NextItemFactory = (ctx: FitContext) => Promise<Fitted<NextItemModel>>;
export type ScorerFactory = (ctx: FitContext) => Promise<Fitted<Scorer>>;

export class ModelRegistry {
  private readonly intensities = new Map<string, IntensityFactory>();
  private readonly nextItems = new Map<string, NextItemFactory>();
  private readonly scorers = new Map<string, ScorerFactory>();

  registerIntensity(name: IntensityName, f: IntensityFactory): this {
    this.intensities.set(name, f);
    return this;
  }
  registerNextItem(name: string, f: NextItemFactory): this {
    this.nextItems.set(name, f);
    return this;
  }
  registerScorer(name: string, f: ScorerFactory): this {
    this.scorers.set(name, f);
    return this;
  }
  /** Whether `name` can be built: a scorer, an intensity, a next-item model, or `SEQ-INTENSITY` of registered parts. */
  has(name: string): boolean {
    if (this.scorers.has(name) || this.intensities.has(name) || this.nextItems.has(name)) return true;
    const [seq, lam] = name.split('-');
    return lam !== undefined && this.nextItems.has(seq) && this.intensities.has(lam);
  }
  /** A session for one run: fits parts lazily and once, and builds any registered name. */
  session(ctx: FitContext): RunSession {
    return new RunSession(ctx, this.intensities, this.nextItems, this.scorers);
  }
}

const secondsSince = (t0: number) => (Date.now() - t0) / 1000;

export class RunSession {
  private readonly fittedIntensity = new Map<string, Promise<Fitted<IntensityModel>>>();
  private readonly fittedNext = new Map<string, Promise<Fitted<NextItemModel>>>();
  private readonly itemCounts: Float64Array;

  constructor(
    private readonly ctx: FitContext,
    private readonly intensities: Map<string, IntensityFactory>,
    private readonly nextItems: Map<string, NextItemFactory>,
    private readonly scorers: Map<string, ScorerFactory>,
  ) {
    this.itemCounts = trainItemCounts(ctx.dataset, ctx.split.trainEnd);
  }

  intensity(name: IntensityName): Promise<Fitted<IntensityModel>> {
    let p = this.fittedIntensity.get(name);
    if (!p) {
      const f = this.intensities.get(name);
      p = f
        ? f(this.ctx, (n) => this.intensity(n))
        : Promise.resolve(err('unknown-model', `no intensity named ${name}`));
      this.fittedIntensity.set(name, p);
    }
    return p;
  }

  nextItem(name: string): Promise<Fitted<NextItemModel>> {
    let p = this.fittedNext.get(name);
    if (!p) {
      const f = this.nextItems.get(name);
      p = f ? f(this.ctx) : Promise.resolve(err('unknown-model', `no next-item model named ${name}`));
      this.fittedNext.set(name, p);
    }
    return p;
  }

  /** The scorer for a table name, with the metadata of every part it used. */
  async build(name: string): Promise<Fitted<Scorer>> {
    const sf = this.scorers.get(name);
    if (sf) return sf(this.ctx);
    if ((INTENSITY_NAMES as readonly string[]).includes(name) && this.intensities.has(name)) {
      const lam = await this.intensity(name as IntensityName);
      if (!lam.ok) return lam;
      return ok({ model: itemPopScorer(name, lam.data.model, this.itemCounts), meta: lam.data.meta });
    }
    if ((SEQUENCE_NAMES as readonly string[]).includes(name) && this.nextItems.has(name)) {
      const nx = await this.nextItem(name);
      if (!nx.ok) return nx;
      const next = nx.data.model;
      const scorer: Scorer = {
        name,
        scores: async (rows): Promise<ScoreSource> =>
          rimScores(new Float64Array(rows.users.length).fill(1), await next.factors(rows)),
      };
      return ok({ model: scorer, meta: nx.data.meta });
    }
    const [seq, lamName] = name.split('-');
    if (lamName !== undefined && this.nextItems.has(seq) && this.intensities.has(lamName)) {
      const lam = await this.intensity(lamName as IntensityName);
      if (!lam.ok) return lam;
      const nx = await this.nextItem(seq);
      if (!nx.ok) return nx;
      const meta: ModelMeta = {
        ...lam.data.meta,
        ...nx.data.meta,
        seconds: nx.data.meta.seconds + lam.data.meta.seconds,
      };
      return ok({ model: rimScorer(name, lam.data.model, nx.data.model), meta });
    }
    return err('unknown-model', `model ${name} is not available in this build (its factory is not registered yet)`);
  }

  /** Frees every fitted next-item model (tfjs tensors). */
  async dispose(): Promise<void> {
    for (const p of this.fittedNext.values()) {
      const r = await p;
      if (r.ok) r.data.model.dispose();
    }
  }
}

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
 * sequence models RNN and Transformer (with them, every `SEQ-λ` composition), ItemKNN, and the ALS and LogisticMF
 * baselines.
 */
export function defaultRegistry(
  opts: { sequence?: Parameters<typeof registerSequenceModels>[1] | false; modelCache?: SeqModelCache } = {},
): ModelRegistry {
  // `sequence: false` leaves the tfjs models out (hosts without a tfjs backend); `modelCache` reloads trained
  // sequence models by fingerprint instead of retraining them (workers/modelCache.ts).
  const seq =
    opts.sequence === false
      ? new ModelRegistry()
      : registerSequenceModels(new ModelRegistry(), opts.sequence, { cache: opts.modelCache });
  const reg = registerMfModels(seq);
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
