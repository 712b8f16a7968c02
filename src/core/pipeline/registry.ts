import type { Dataset, Split } from '../data/types';
import type { FitProgress, IntensityModel, NextItemModel, Scorer } from '../models/types';
import type { StopSignal } from '../util/abort';
import { err, ok, type Result } from '../util/result';
import type { RunConfig } from './config';
import { itemPopScorer, rimScorer, rimScores } from '../models/compose';
import { parseModelName, type IntensityName, type SequenceName } from '../models/names';
import type { HawkesCoefficients } from '../models/intensity/hawkes';
import type { HawkesPoissonFit } from '../models/intensity/hawkesPoisson';
import { trainItemCounts } from '../models/intensity/history';
import type { ScoreSource } from '../models/scores';
import type { TuneSettings, TuneStep, TuneTrial } from '../tune/tune';
import { calibratedRimScorer, type Calibration } from '../models/calibrate';

/**
 * Model factories by name. Three kinds plug in:
 *  - intensities λ(x) (Pop, EMA, Hawkes, HP): give `Hawkes` = λ × item count and, with a next-item model, `RNN-Hawkes`;
 *  - next-item models p(y|x) (RNN, Transformer; async, tfjs): give `RNN` (λ ≡ 1) and the `RNN-*` compositions;
 *  - whole scorers (Pop, Rand, and baselines such as BPR, ALS, LogisticMF).
 * Each intensity and next-item model is fitted once per run and shared by every composition that uses it. A name is
 * taken apart by core/models/names.
 */

/** What every factory sees. `cache` shares fitted parts within one run. */
export interface FitContext {
  dataset: Dataset;
  split: Split;
  config: RunConfig;
  signal?: StopSignal;
  /** A fit's progress; `tune` while a search (config.tune) trains its trials. */
  onProgress?: (model: string, p: FitProgress, tune?: TuneStep) => void;
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
  /** A composition's temperature of p(y|x), chosen on the validation window (core/models/calibrate). */
  calibration?: Calibration;
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
  registerNextItem(name: SequenceName, f: NextItemFactory): this {
    this.nextItems.set(name, f);
    return this;
  }
  registerScorer(name: string, f: ScorerFactory): this {
    this.scorers.set(name, f);
    return this;
  }
  /** Whether `name` can be built: a scorer, or an intensity, a next-item model or a composition of registered parts. */
  has(name: string): boolean {
    if (this.scorers.has(name)) return true;
    const p = parseModelName(name);
    if (!p || (p.intensity === null && p.sequence === null)) return false;
    return (
      (p.intensity === null || this.intensities.has(p.intensity)) &&
      (p.sequence === null || this.nextItems.has(p.sequence))
    );
  }
  /** A session for one run: fits parts lazily and once, and builds any registered name. */
  session(ctx: FitContext): RunSession {
    return new RunSession(ctx, this.intensities, this.nextItems, this.scorers);
  }
}

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

  nextItem(name: SequenceName): Promise<Fitted<NextItemModel>> {
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
    const p = parseModelName(name);
    const lamName = p?.intensity ?? null;
    const seqName = p?.sequence ?? null;
    if (lamName !== null && seqName === null && this.intensities.has(lamName)) {
      const lam = await this.intensity(lamName);
      if (!lam.ok) return lam;
      return ok({ model: itemPopScorer(name, lam.data.model, this.itemCounts), meta: lam.data.meta });
    }
    if (seqName !== null && lamName === null && this.nextItems.has(seqName)) {
      const nx = await this.nextItem(seqName);
      if (!nx.ok) return nx;
      const next = nx.data.model;
      const scorer: Scorer = {
        name,
        scores: async (rows): Promise<ScoreSource> =>
          rimScores(new Float64Array(rows.users.length).fill(1), await next.factors(rows)),
      };
      return ok({ model: scorer, meta: nx.data.meta });
    }
    if (seqName !== null && lamName !== null && this.nextItems.has(seqName) && this.intensities.has(lamName)) {
      const lam = await this.intensity(lamName);
      if (!lam.ok) return lam;
      const nx = await this.nextItem(seqName);
      if (!nx.ok) return nx;
      const meta: ModelMeta = {
        ...lam.data.meta,
        ...nx.data.meta,
        seconds: nx.data.meta.seconds + lam.data.meta.seconds,
      };
      if (this.ctx.config.calibrate === false)
        return ok({ model: rimScorer(name, lam.data.model, nx.data.model), meta });
      const c = await calibratedRimScorer(name, lam.data.model, nx.data.model, this.ctx.split.valid, this.ctx.dataset);
      return ok({ model: c.scorer, meta: c.calibration ? { ...meta, calibration: c.calibration } : meta });
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
