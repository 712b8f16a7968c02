// Model quality (recall), not speed: valid on a shared machine.
//  1. Synthetic worlds with ground truth (core/data/synthetic/qualityPresets.ts), three seeds each, temporal split with a
//     50-day window: each model's UserRec and ItemRec against the oracle λ_true·p_true, and the decomposition of the
//     gap: λ̂·p_true (the fitted intensity with the true next-item distribution), λ_true·p̂ (the true intensity with
//     the fitted RNN) and λ̂·p̂ (the RIM). "before": the models as they were before the quality work (plain Hawkes
//     without churn; RNN for 5 epochs at 64 users a batch, no mixture), same architecture. A smaller GRU on every
//     preset, the default one on a few.
//  2. MovieLens latest-small (../shared/data/ml-latest-small/ratings.csv), user split (three split seeds) and temporal
//     split, default settings.
//  3. MovieLens UserRec: HP's λ with several p(y|x), to tell why the compositions trail HP there.
// Sequence models train on tfjs-wasm in Node, in the pipeline's own code. Each run's numbers are kept in
// bench/.out/quality/ (QUALITY_FRESH=1 recomputes), so a long bench resumes where it stopped.
// Env: QUALITY_PARTS ("synthetic,movielens,userrec"), QUALITY_PRESETS (names, default all), QUALITY_SEEDS ("1,2,3"),
// QUALITY_BEFORE ("1": also the before models), QUALITY_SEQ (JSON sequence settings of the synthetic part),
// QUALITY_DEFAULT_PRESETS (presets run again with the default architecture), QUALITY_ML_SEEDS ("0,1,2"),
// QUALITY_ML_SPLITS ("user,temporal"), QUALITY_ML_SEQ_SPLITS (where the sequence models run; default all),
// QUALITY_ML_GROUPS (model groups: "base,RNN,Transformer"),
// QUALITY_DIAG_SEQ (part 3's RNN settings), QUALITY_DIAG_SPLIT_SEED (part 3's user split seed, default 0).
import { dirname, join } from 'node:path';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs';
import { useWasm } from './wasm';
import { table, type Bench } from './lib';
import { generateSynthetic, QUALITY_PRESETS, type QualityPreset } from '../src/core/data/synthetic/index';
import { userHawkes } from '../src/core/data/synthetic/generate';
import { excitationAt, expectedCount } from '../src/core/data/synthetic/hawkes';
import { makeSplit } from '../src/core/data/split';
import type { Dataset, EvalSet } from '../src/core/data/types';
import { fitHawkes, type HawkesModel } from '../src/core/models/intensity/hawkes';
import { fitHawkesPoisson } from '../src/core/models/intensity/hawkesPoisson';
import { historyLengths, trainItemCounts } from '../src/core/models/intensity/history';
import { oracleScorer, truthIntensity, truthScorer } from '../src/core/models/oracle';
import { itemPopScores, rimScorer, rimScores } from '../src/core/models/compose';
import { denseScores, materialize } from '../src/core/models/scores';
import type { IntensityModel, NextItemModel, Scorer } from '../src/core/models/types';
import { temperedRimScorer, type Calibration } from '../src/core/models/calibrate';
import type { ScoreSource } from '../src/core/models/scores';
import { evaluateItemRec, evaluateUserRec, onePercent } from '../src/core/metrics/evaluate';
import type { ModelRegistry } from '../src/core/pipeline/registry';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';
import { runExperiment, type ExperimentResult } from '../src/core/pipeline/run';
import type { RunConfig } from '../src/core/pipeline/config';
import { ok } from '../src/core/util/result';
import { loadDataset } from '../src/cli/commands/run';

const here = dirname(fileURLToPath(import.meta.url));
const env = (k: string, d: string) => process.env[k] ?? d;
const DAY = 86_400;
const cacheDir = join(here, '.out', 'quality');

/** A run's numbers from the cache, or computed and stored. */
async function cached<T>(key: string, f: () => Promise<T>): Promise<T> {
  const file = join(cacheDir, `${key}.json`);
  if (process.env.QUALITY_FRESH !== '1' && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
  const v = await f();
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, JSON.stringify(v));
  return v;
}

const progress = (model: string, p: { epoch: number; loss: number; validLoss?: number }) => {
  if (p.validLoss !== undefined)
    console.log(`    ${model} epoch ${p.epoch + 1}: train ${p.loss.toFixed(3)}, valid ${p.validLoss.toFixed(3)}`);
};

/**
 * Sequence settings of the synthetic part: a GRU of 1 × 64 on the last 64 events (48 runs on two shared cores; the
 * paper's 2 × 128 is measured on one preset with QUALITY_SEQ='{"maxLen":64,"bptt":32}').
 */
export const SYNTH_SEQ = JSON.parse(env('QUALITY_SEQ', '{"hidden":64,"layers":1,"maxLen":64,"bptt":32}'));
/** The training schedule before the quality work: 5 epochs, 64 users a batch whatever the log, no mixture. */
const BEFORE_SEQ = { epochs: 5, patience: 1, minBatches: 1, mixture: false, warmup: 0 };

/** p(y|x) ∝ the user's own history counts, popularity breaking ties: "a user's own smoothed history". */
function historyScorer(ds: Dataset, itemCounts: Float64Array): Scorer {
  let total = 0;
  for (const c of itemCounts) total += c;
  return {
    name: 'History',
    scores: async (rows: EvalSet): Promise<ScoreSource> => ({
      nRows: rows.users.length,
      nCols: ds.nItems,
      fillRows(r0, r1, out) {
        for (let r = r0; r < r1; r++) {
          const base = (r - r0) * ds.nItems;
          const n = rows.histEnd[r] - ds.userOffsets[rows.users[r]];
          // Add-one smoothing toward popularity: (count + p_pop) / (n + 1).
          for (let c = 0; c < ds.nItems; c++) out[base + c] = itemCounts[c] / total / (n + 1);
          for (let e = ds.userOffsets[rows.users[r]]; e < rows.histEnd[r]; e++) out[base + ds.item[e]] += 1 / (n + 1);
        }
      },
    }),
  };
}

/** history count × exp(−days since the last event / 10) × item popularity: a two-line recency heuristic. */
function recencyHeuristic(ds: Dataset, itemCounts: Float64Array): Scorer {
  return {
    name: 'Heuristic',
    scores: async (rows) => {
      const n = historyLengths(ds, rows);
      const lam = n.map((c, r) => {
        const last = rows.histEnd[r] - 1;
        return last >= ds.userOffsets[rows.users[r]]
          ? c * Math.exp(-(rows.testStart[r] - ds.time[last]) / DAY / 10)
          : 0;
      });
      return itemPopScores(lam, itemCounts);
    },
  };
}

/** The Hawkes and HP intensities as before the quality work (no churn), for the "before" runs. */
function plainHawkes(reg: ModelRegistry): ModelRegistry {
  reg.registerIntensity('Hawkes', async (ctx) => {
    const T = ctx.split.test.testStart[0];
    const r = fitHawkes(ctx.dataset, ctx.split.trainEnd, {
      horizon: ctx.split.test.horizon,
      observeEnd: T,
      churn: false,
    });
    return r.ok ? ok({ model: r.data as IntensityModel, meta: { backend: 'js', seconds: 0 } }) : r;
  });
  reg.registerIntensity('HP', async (ctx, get) => {
    const hk = await get('Hawkes');
    if (!hk.ok) return hk;
    const r = fitHawkesPoisson(hk.data.model as HawkesModel, ctx.split.valid);
    return r.ok ? ok({ model: r.data as IntensityModel, meta: { backend: 'js', seconds: 0 } }) : r;
  });
  return reg;
}

interface SynthRun {
  users: number;
  events: number;
  item: Record<string, number>;
  user: Record<string, number>;
  rnn: { epochs: number; seconds: number; bestEpoch: number; batchSize?: number; mixture?: unknown };
  /** Per composition, the temperature of p(y|x) chosen on the validation window (core/models/calibrate). */
  tau?: Record<string, number | null>;
  /** Per composition, the validation curves of the calibration and the test UserRec recall at every τ of its grid. */
  tauCurves?: Record<string, TauCurve>;
}

export interface TauCurve {
  grid: number[];
  validRecall: number[];
  validLogLik: number[];
  testRecall: number[];
}

/** The calibration's validation curves of a composition beside its test UserRec recall at each τ of the grid. */
export async function tauCurve(
  cal: Calibration,
  lam: IntensityModel,
  next: NextItemModel,
  test: EvalSet,
  dataset: Dataset,
  topC: number,
): Promise<TauCurve> {
  const testRecall: number[] = [];
  for (const t of cal.grid) {
    const src = await temperedRimScorer('τ', lam, next, t).scores(test);
    testRecall.push(evaluateUserRec(src, test, { topC, dataset }).recall);
  }
  return { grid: cal.grid, validRecall: cal.validRecall, validLogLik: cal.validLogLik, testRecall };
}

export async function synthRun(p: QualityPreset, seed: number, before: boolean, arch: object): Promise<SynthRun> {
  const g = generateSynthetic({ ...p.config, seed });
  if (!g.ok) throw new Error(g.reason);
  const { world, dataset } = g.data;
  const config: RunConfig = { split: { kind: 'temporal', horizon: p.horizon }, models: [], seed };
  const sp = makeSplit(dataset, config.split);
  if (!sp.ok) throw new Error(sp.reason);
  const split = sp.data;
  const seq = before ? { ...arch, ...BEFORE_SEQ } : arch;
  const reg = defaultRegistry({ sequence: seq });
  if (before) plainHawkes(reg);
  const session = reg.session({ dataset, split, config, onProgress: progress });
  const test = split.test;
  const itemCounts = trainItemCounts(dataset, split.trainEnd);
  const scorers: Scorer[] = [oracleScorer(world, dataset)];
  const tau: Record<string, number | null> = {};
  const cals: Record<string, Calibration> = {};
  for (const name of ['Pop', 'Hawkes', 'HP', 'RNN', 'RNN-Pop', 'RNN-Hawkes', 'RNN-HP']) {
    const b = await session.build(name);
    if (!b.ok) throw new Error(`${name}: ${b.reason}`);
    scorers.push(b.data.model);
    if (name.startsWith('RNN-')) tau[name] = b.data.meta.calibration?.tau ?? null;
    if (b.data.meta.calibration) cals[name] = b.data.meta.calibration;
  }
  for (const lam of ['Hawkes', 'HP'] as const) {
    const l = await session.intensity(lam);
    if (!l.ok) throw new Error(l.reason);
    scorers.push(truthScorer(world, dataset, `${lam}·p_true`, l.data.model));
  }
  const rnn = await session.nextItem('RNN');
  if (!rnn.ok) throw new Error(rnn.reason);
  scorers.push(rimScorer('λ_true·RNN', truthIntensity(world, dataset), rnn.data.model));
  // The plain product (the reference's τ = 1) of the same fitted parts, beside the calibrated compositions.
  const tauCurves: Record<string, TauCurve> = {};
  for (const lam of ['Pop', 'Hawkes', 'HP'] as const) {
    const l = await session.intensity(lam);
    if (!l.ok) throw new Error(l.reason);
    scorers.push(rimScorer(`RNN-${lam} (τ = 1)`, l.data.model, rnn.data.model));
    const cal = cals[`RNN-${lam}`];
    if (cal)
      tauCurves[`RNN-${lam}`] = await tauCurve(
        cal,
        l.data.model,
        rnn.data.model,
        test,
        dataset,
        onePercent(test.users.length),
      );
  }
  if (!before) {
    const knn = await session.build('ItemKNN');
    if (!knn.ok) throw new Error(knn.reason);
    scorers.push(knn.data.model, historyScorer(dataset, itemCounts), recencyHeuristic(dataset, itemCounts));
  }
  const topK = onePercent(test.target.nCols);
  const topC = onePercent(test.users.length);
  const out: SynthRun = {
    users: test.users.length,
    events: dataset.item.length,
    item: {},
    user: {},
    rnn: {
      epochs: Number(rnn.data.meta.epochs),
      seconds: rnn.data.meta.seconds,
      bestEpoch: Number(rnn.data.meta.bestEpoch),
      batchSize: rnn.data.meta.batchSize as number | undefined,
      mixture: rnn.data.meta.mixture,
    },
    tau,
    tauCurves,
  };
  for (const s of scorers) {
    const src = await s.scores(test);
    out.item[s.name] = evaluateItemRec(src, test, { topK, dataset }).recall;
    out.user[s.name] = evaluateUserRec(src, test, { topC, dataset }).recall;
  }
  await session.dispose();
  return out;
}

/** Spearman's rank correlation (mid-ranks for ties). */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ranks = (x: ArrayLike<number>) => {
    const idx = Array.from(x, (_, i) => i).sort((i, j) => x[i] - x[j]);
    const r = new Float64Array(x.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && x[idx[j + 1]] === x[idx[i]]) j++;
      for (let q = i; q <= j; q++) r[idx[q]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const m = (ra.length - 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < ra.length; i++) {
    ab += (ra[i] - m) * (rb[i] - m);
    aa += (ra[i] - m) ** 2;
    bb += (rb[i] - m) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** The fitted intensities against the world's truth, user by user, on one preset and seed (no sequence model). */
export interface IntensityTruth {
  users: number;
  /** Test users alive at T in the world, and the fitted P(alive) averaged over them and over the others. */
  alive: number;
  meanAliveFittedOfAlive: number;
  meanAliveFittedOfGone: number;
  /** Churn hazard per horizon, fitted and true (the horizon over the mean lifetime). */
  gammaFitted: number;
  gammaTrue: number;
  /** Spearman's ρ of the expected window count, fitted against true, over all test users and over the alive ones. */
  rhoHawkes: number;
  rhoHP: number;
  /** Over the alive users: λ̂/P̂(alive) (the fitted rate if there) against the true rate if there, and simpler rates. */
  rhoRateAlive: number;
  rhoTrueMuAlive: number;
  rhoCountOverAgeAlive: number;
  rhoRecentAlive: number;
  /** Σ over test users: expected window count, fitted (Hawkes, HP) and true, and the events that came. */
  sumHawkes: number;
  sumHP: number;
  sumTrue: number;
  sumEvents: number;
  /** UserRec recall with p_true: the oracle; λ̂ (Hawkes, HP); the true rate × the fitted P(alive); λ̂'s rate × the true alive. */
  userRec: Record<string, number>;
  coefficients: HawkesModel['coefficients'];
}

export async function intensityTruth(p: QualityPreset, seed: number): Promise<IntensityTruth> {
  const g = generateSynthetic({ ...p.config, seed });
  if (!g.ok) throw new Error(g.reason);
  const { world, dataset } = g.data;
  const sp = makeSplit(dataset, { kind: 'temporal', horizon: p.horizon });
  if (!sp.ok) throw new Error(sp.reason);
  const { test, valid, trainEnd } = sp.data;
  const T = test.testStart[0];
  const hk = fitHawkes(dataset, trainEnd, { horizon: p.horizon, observeEnd: T });
  if (!hk.ok) throw new Error(hk.reason);
  const hp = fitHawkesPoisson(hk.data, valid);
  if (!hp.ok) throw new Error(hp.reason);
  const n = test.users.length;
  const lamTrue = truthIntensity(world, dataset).predict(test);
  const lamHk = hk.data.predict(test);
  const lamHp = hp.data.predict(test);
  const pAlive = hk.data.aliveAt(test);
  const isAlive = Float64Array.from(test.users, (u) => (T < world.users.end[u] ? 1 : 0));
  // The true expected count of a user were it still there through the window (the world's Hawkes from its state at T).
  const ifThere = Float64Array.from(test.users, (u, i) => {
    const q = userHawkes(world, u);
    return expectedCount(q, excitationAt(q, dataset.time, dataset.userOffsets[u], test.histEnd[i], T), p.horizon);
  });
  const count = historyLengths(dataset, test);
  const events = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let q = test.target.indptr[i]; q < test.target.indptr[i + 1]; q++) events[i] += test.target.data[q];
  const alive = [...Array(n).keys()].filter((i) => isAlive[i] === 1);
  const on = (xs: ArrayLike<number>, idx: number[]) => idx.map((i) => xs[i]);
  const age = Float64Array.from(test.users, (u) => (T - dataset.time[dataset.userOffsets[u]]) / DAY);
  const recent = Float64Array.from(test.users, (u, i) => {
    let c = 0;
    for (let e = dataset.userOffsets[u]; e < test.histEnd[i]; e++) if (T - dataset.time[e] < p.horizon) c++;
    return c;
  });
  const rate = Float64Array.from(lamHk, (v, i) => v / Math.max(1e-12, pAlive[i]));
  const topC = onePercent(n);
  const rec = async (name: string, lam?: Float64Array) => {
    const src = await truthScorer(world, dataset, name, lam ? { name, predict: () => lam } : undefined).scores(test);
    return evaluateUserRec(src, test, { topC, dataset }).recall;
  };
  const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
  const meanOn = (xs: ArrayLike<number>, idx: number[]) => sum(on(xs, idx)) / Math.max(1, idx.length);
  const gone = [...Array(n).keys()].filter((i) => isAlive[i] === 0);
  return {
    users: n,
    alive: alive.length,
    meanAliveFittedOfAlive: meanOn(pAlive, alive),
    meanAliveFittedOfGone: meanOn(pAlive, gone),
    gammaFitted: hk.data.coefficients.gamma,
    gammaTrue: p.horizon / (world.config.meanLifetime * world.config.span),
    rhoHawkes: spearman(lamHk, lamTrue),
    rhoHP: spearman(lamHp, lamTrue),
    rhoRateAlive: spearman(on(rate, alive), on(ifThere, alive)),
    rhoTrueMuAlive: spearman(
      alive.map((i) => world.users.mu[test.users[i]]),
      on(ifThere, alive),
    ),
    rhoCountOverAgeAlive: spearman(
      alive.map((i) => (count[i] + 1) / (age[i] + 30)),
      on(ifThere, alive),
    ),
    rhoRecentAlive: spearman(on(recent, alive), on(ifThere, alive)),
    sumHawkes: sum(lamHk),
    sumHP: sum(lamHp),
    sumTrue: sum(lamTrue),
    sumEvents: sum(events),
    userRec: {
      oracle: await rec('oracle'),
      'Hawkes·p_true': await rec('Hawkes', lamHk),
      'HP·p_true': await rec('HP', lamHp),
      'true rate × fitted P(alive)': await rec(
        'a',
        Float64Array.from(ifThere, (v, i) => v * pAlive[i]),
      ),
      'Hawkes rate × true alive': await rec(
        'b',
        Float64Array.from(rate, (v, i) => v * isAlive[i]),
      ),
    },
    coefficients: hk.data.coefficients,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};
/** mean ± sd over seeds, two decimals. */
const spread = (xs: number[]) => `${mean(xs).toFixed(2)} ± ${sd(xs).toFixed(2)}`;
const BEST_RIM = ['RNN-Pop', 'RNN-Hawkes', 'RNN-HP'];
const bestRim = (r: SynthRun) => Math.max(...BEST_RIM.map((m) => r.user[m]));

/** The sequence models' own defaults (2 × 128) on the last 64 events: the before/after of the product's settings. */
const DEFAULT_ARCH = { maxLen: 64, bptt: 32 };

/** The tables for presets `names` with the sequence settings `arch`. */
async function synthetic(arch: object, names: string[]): Promise<string> {
  const seeds = env('QUALITY_SEEDS', '1,2,3').split(',').map(Number);
  const presets = QUALITY_PRESETS.filter((p) => names.includes(p.name));
  const withBefore = env('QUALITY_BEFORE', '1') === '1';
  const seqKey = JSON.stringify(arch).replace(/[^a-z0-9]+/gi, '');
  const runs = new Map<string, { after: SynthRun[]; before: SynthRun[] }>();
  for (const p of presets) {
    const r = { after: [] as SynthRun[], before: [] as SynthRun[] };
    for (const seed of seeds) {
      for (const before of withBefore ? [false, true] : [false]) {
        const t0 = Date.now();
        console.log(`  ${p.name} seed ${seed}${before ? ' (before)' : ''}`);
        const run = await cached(`synth-${p.name}-${seed}-${before ? 'before' : 'after'}-${seqKey}`, () =>
          synthRun(p, seed, before, arch),
        );
        console.log(
          `  ${p.name} seed ${seed}${before ? ' before' : ''}: best RIM / oracle ${(bestRim(run) / run.user.Oracle).toFixed(2)}, ` +
            `RNN ItemRec / oracle ${(run.item.RNN / run.item.Oracle).toFixed(2)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
        );
        (before ? r.before : r.after).push(run);
      }
    }
    runs.set(p.name, r);
  }
  const ratio = (rs: SynthRun[], f: (r: SynthRun) => number) => spread(rs.map(f));
  // A model's UserRec over Pop's per seed; where Pop found nobody on some seed, the ratio of the means, said so.
  const popRatio = (rs: SynthRun[], m: string) => {
    const zeros = rs.filter((r) => r.user.Pop === 0).length;
    if (zeros === 0) return ratio(rs, (r) => r.user[m] / r.user.Pop);
    const q = mean(rs.map((r) => r.user[m])) / mean(rs.map((r) => r.user.Pop));
    return `${q.toFixed(2)} (of the means; Pop 0 on ${zeros} of ${rs.length} seeds)`;
  };
  const summary = presets.map((p) => {
    const { after, before } = runs.get(p.name)!;
    const b = (f: (r: SynthRun) => number) => (before.length ? `${ratio(before, f)} → ` : '');
    return [
      p.name,
      ratio(after, (r) => r.user.Oracle),
      b((r) => bestRim(r) / r.user.Oracle) + ratio(after, (r) => bestRim(r) / r.user.Oracle),
      (before.length ? `${popRatio(before, 'Hawkes')} → ` : '') + popRatio(after, 'Hawkes'),
      (before.length ? `${popRatio(before, 'HP')} → ` : '') + popRatio(after, 'HP'),
      ratio(after, (r) => r.item.Oracle),
      b((r) => r.item.RNN / r.item.Oracle) + ratio(after, (r) => r.item.RNN / r.item.Oracle),
      ratio(after, (r) => r.item.History / r.item.Oracle),
      ratio(after, (r) => r.item.ItemKNN / r.item.Oracle),
      ratio(after, (r) => r.item.Pop / r.item.Oracle),
    ];
  });
  const decomposition = presets.map((p) => {
    const { after } = runs.get(p.name)!;
    const bestLam = (r: SynthRun) => Math.max(r.user['Hawkes·p_true'], r.user['HP·p_true']);
    return [
      p.name,
      ratio(after, (r) => bestLam(r) / r.user.Oracle),
      ratio(after, (r) => r.user['λ_true·RNN'] / r.user.Oracle),
      ratio(after, (r) => bestRim(r) / r.user.Oracle),
      ratio(after, (r) => Math.max(r.user.Hawkes, r.user.HP) / r.user.Oracle),
      ratio(after, (r) => r.user.Heuristic / r.user.Oracle),
      ratio(after, (r) => r.user.RNN / r.user.Oracle),
    ];
  });
  const perSeed = presets.flatMap((p) =>
    runs
      .get(p.name)!
      .after.map((r, i) => [
        p.name,
        String(seeds[i]),
        r.users,
        r.events,
        r.user.Oracle,
        r.user.Pop,
        r.user.Hawkes,
        r.user.HP,
        r.user.Heuristic,
        r.user['RNN-Hawkes'],
        r.user['RNN-HP'],
        r.item.Oracle,
        r.item.Pop,
        r.item.ItemKNN,
        r.item.History,
        r.item.RNN,
        `${r.rnn.epochs} (best ${r.rnn.bestEpoch + 1}, batch ${r.rnn.batchSize})`,
      ]),
  );
  return [
    `Worlds (core/data/synthetic/qualityPresets.ts): 1,400 users, 240 items in 8 topics, ~70,000 events over three`,
    'years unless the preset says otherwise; users start at random times and leave after an exponential life. Temporal',
    'split, the last 50 days the test window, ItemRec K = 1% of items (3), UserRec C = 1% of test users; seeds',
    `${seeds.join(', ')}; mean ± sd over the seeds. RNN: GRU ${JSON.stringify(arch)}, otherwise the defaults`,
    '(Adagrad 0.1 reached over an 8-step warm-up, until the validation loss stops improving, the batch shrunk to',
    '≥ 64 steps an epoch, the repeat/explore/popularity mixture), tfjs-wasm. "a → b": before the quality work (plain',
    'Hawkes, RNN 5 epochs at 64 users a batch without the mixture or the warm-up, same architecture) → now. Oracle: λ_true·p_true. History: the user’s own',
    'history counts, popularity breaking ties. Best RIM: the best of RNN-Pop, RNN-Hawkes, RNN-HP.',
    '',
    table(
      [
        'preset',
        'oracle UserRec',
        'best RIM / oracle',
        'Hawkes / Pop',
        'HP / Pop',
        'oracle ItemRec',
        'RNN ItemRec / oracle',
        'History / oracle',
        'ItemKNN / oracle',
        'Pop / oracle',
      ],
      summary,
    ),
    '',
    'Where the UserRec gap is (ratios to the oracle’s UserRec recall): each fitted part with the other part true, then',
    'both fitted; λ̂·item popularity is what the paper calls Hawkes and HP; the heuristic is history count ×',
    'exp(−days since the last event / 10) × item popularity; RNN alone is λ ≡ 1.',
    '',
    table(
      [
        'preset',
        'λ̂·p_true (best of Hawkes, HP)',
        'λ_true·p̂ (RNN)',
        'λ̂·p̂ (best RIM)',
        'λ̂·item pop',
        'heuristic',
        'RNN alone',
      ],
      decomposition,
    ),
    '',
    'Recall per seed (now):',
    '',
    table(
      [
        'preset',
        'seed',
        'test users',
        'events',
        'UserRec oracle',
        'Pop',
        'Hawkes',
        'HP',
        'heuristic',
        'RNN-Hawkes',
        'RNN-HP',
        'ItemRec oracle',
        'Pop',
        'ItemKNN',
        'History',
        'RNN',
        'RNN epochs',
      ],
      perSeed,
    ),
  ].join('\n');
}

/** The models of the MovieLens part, in groups fitted together (a sequence model is shared by its compositions). */
const ML_GROUPS: { key: string; models: string[] }[] = [
  { key: 'base', models: ['Pop', 'Pop (unseen)', 'Hawkes', 'HP', 'ItemKNN'] },
  { key: 'RNN', models: ['RNN', 'RNN-Hawkes', 'RNN-HP'] },
  { key: 'Transformer', models: ['Transformer', 'Transformer-Hawkes', 'Transformer-HP'] },
];

/** Pop's items less the user's own (a user rates a movie once): what the mixture's explore part learns on MovieLens. */
function popUnseen(reg: ModelRegistry): ModelRegistry {
  return reg.registerScorer('Pop (unseen)', async (ctx) => {
    const counts = trainItemCounts(ctx.dataset, ctx.split.trainEnd);
    const d = ctx.dataset;
    const model: Scorer = {
      name: 'Pop (unseen)',
      scores: async (rows) => {
        const pop = itemPopScores(new Float64Array(rows.users.length).fill(1), counts);
        return {
          nRows: pop.nRows,
          nCols: pop.nCols,
          fillRows(r0, r1, out) {
            pop.fillRows(r0, r1, out);
            for (let r = r0; r < r1; r++)
              for (let e = d.userOffsets[rows.users[r]]; e < rows.histEnd[r]; e++)
                out[(r - r0) * d.nItems + d.item[e]] = 0;
          },
        };
      },
    };
    return ok({ model, meta: { backend: 'js', seconds: 0 } });
  });
}

interface MlRun {
  item: Record<string, number>;
  user: Record<string, number>;
  meta: Record<string, { epochs?: number; seconds: number; bestEpoch?: number; validLoss?: number[] }>;
  split: ExperimentResult['split'];
}

async function movielens(): Promise<string> {
  const file =
    process.env.QUALITY_ML_FILE ?? join(here, '..', '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
  if (!existsSync(file)) return `Skipped: ${file} is absent.`;
  const ds = await loadDataset(file);
  if (!ds.ok) throw new Error(ds.reason);
  const seeds = env('QUALITY_ML_SEEDS', '0,1,2').split(',').map(Number);
  const kinds = env('QUALITY_ML_SPLITS', 'user,temporal').split(',');
  const splits: { label: string; split: RunConfig['split'] }[] = [
    ...(kinds.includes('user')
      ? seeds.map((seed) => ({ label: `user ${seed}`, split: { kind: 'user' as const, seed } }))
      : []),
    ...(kinds.includes('temporal') ? [{ label: 'temporal', split: { kind: 'temporal' as const } }] : []),
  ];
  // Splits on which the sequence models train (each an hour or more on two shared cores); the rest get the others.
  const seqOn = env('QUALITY_ML_SEQ_SPLITS', splits.map((s) => s.label).join(',')).split(',');
  const groups = env('QUALITY_ML_GROUPS', ML_GROUPS.map((g) => g.key).join(',')).split(',');
  const runs: { label: string; r: MlRun }[] = [];
  for (const s of splits) {
    const r: MlRun = { item: {}, user: {}, meta: {}, split: undefined as unknown as MlRun['split'] };
    for (const g of ML_GROUPS) {
      if (!groups.includes(g.key) || (g.key !== 'base' && !seqOn.includes(s.label))) continue;
      const part = await cached(`ml-${s.label.replace(' ', '')}-${g.key}`, async () => {
        const t0 = Date.now();
        const res = await runExperiment(
          ds.data,
          { split: s.split, models: g.models, seed: 1 },
          {
            registry: popUnseen(defaultRegistry()),
            onProgress: progress,
            onModel: (m, i, u) =>
              console.log(`  ${s.label} ${m}: ItemRec ${i.recall.toFixed(4)}, UserRec ${u.recall.toFixed(4)}`),
          },
        );
        if (!res.ok) throw new Error(res.reason);
        console.log(`  movielens ${s.label} ${g.key}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        const x = res.data;
        const run: MlRun = { item: {}, user: {}, meta: {}, split: x.split };
        for (const m of Object.keys(x.item_rec)) {
          run.item[m] = x.item_rec[m].recall;
          run.user[m] = x.user_rec[m].recall;
          run.meta[m] = {
            epochs: x.meta[m].epochs,
            bestEpoch: x.meta[m].bestEpoch as number | undefined,
            seconds: x.meta[m].seconds,
          };
        }
        return run;
      });
      Object.assign(r.item, part.item);
      Object.assign(r.user, part.user);
      Object.assign(r.meta, part.meta);
      r.split = part.split;
    }
    runs.push({ label: s.label, r });
  }
  const names = ML_GROUPS.flatMap((g) => g.models).filter((m) => runs.some((x) => m in x.r.item));
  const cell = (v: number | undefined) => (v === undefined ? '—' : v);
  const userRuns = runs.filter((x) => x.label.startsWith('user'));
  const avg = (f: (r: MlRun) => number | undefined) => {
    const v = userRuns.map((x) => f(x.r));
    return v.every((x) => x !== undefined) && v.length ? mean(v as number[]) : '—';
  };
  const fits = runs.flatMap((x) =>
    ['RNN', 'Transformer']
      .filter((m) => x.r.meta[m])
      .map(
        (m) =>
          `${m} on ${x.label}: ${x.r.meta[m].epochs} epochs (best ${(x.r.meta[m].bestEpoch ?? 0) + 1}), ${x.r.meta[m].seconds.toFixed(0)} s`,
      ),
  );
  return [
    `ml-latest-small/ratings.csv (${ds.data.nUsers} users, ${ds.data.nItems} items, ${ds.data.item.length} events), read by`,
    "rimw run's loader; default settings of every model (run config {split, models, seed: 1}); user split with its",
    `defaults at split seeds ${seeds.join(', ')} and the temporal split with its defaults; sequence models on tfjs-wasm`,
    `where a column has them (${seqOn.join(', ')}). Pop (unseen): Pop without the items already in the user's`,
    'history. Recall:',
    '',
    table(
      [
        'model',
        ...runs.map((x) => `ItemRec ${x.label}`),
        'ItemRec user mean',
        ...runs.map((x) => `UserRec ${x.label}`),
        'UserRec user mean',
      ],
      names.map((m) => [
        m,
        ...runs.map((x) => cell(x.r.item[m])),
        avg((r) => r.item[m]),
        ...runs.map((x) => cell(x.r.user[m])),
        avg((r) => r.user[m]),
      ]),
    ),
    '',
    'Test users and events per split: ' +
      runs.map((x) => `${x.label}: ${x.r.split.testUsers} users, ${x.r.split.testEvents} events`).join('; ') +
      '. Fits: ' +
      (fits.join('; ') || 'none') +
      '.',
  ].join('\n');
}

/**
 * Why the RIM compositions trail HP on MovieLens UserRec: HP's λ with several p(y|x), from item popularity to the RNN's
 * mixture, and the mixture flattened (p^(1/τ), renormalised), on one user split. A smaller RNN than the default (so
 * the part runs in minutes): QUALITY_DIAG_SEQ.
 */
export async function userRecDiagnosis(): Promise<string> {
  const file = join(here, '..', '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
  if (!existsSync(file)) return `Skipped: ${file} is absent.`;
  const ds = await loadDataset(file);
  if (!ds.ok) throw new Error(ds.reason);
  const d = ds.data;
  const seqCfg = JSON.parse(env('QUALITY_DIAG_SEQ', '{"maxLen":64,"hidden":32,"layers":1}'));
  const splitSeed = Number(env('QUALITY_DIAG_SPLIT_SEED', '0'));
  const config: RunConfig = { split: { kind: 'user', seed: splitSeed }, models: [], seed: 1 };
  const sp = makeSplit(d, config.split);
  if (!sp.ok) throw new Error(sp.reason);
  const session = defaultRegistry({ sequence: seqCfg }).session({
    dataset: d,
    split: sp.data,
    config,
    onProgress: progress,
  });
  const test = sp.data.test;
  const hp = await session.intensity('HP');
  const rnn = await session.nextItem('RNN');
  if (!hp.ok || !rnn.ok) throw new Error('fit failed');
  const lam = hp.data.model.predict(test);
  const n = test.users.length;
  const m = d.nItems;
  const ones = new Float64Array(n).fill(1);
  const f = await rnn.data.model.factors(test);
  const pMix = materialize(rimScores(ones, f))!;
  const pSoft = materialize(rimScores(ones, { ...f, mix: undefined }))!;
  const counts = trainItemCounts(d, sp.data.trainEnd);
  let total = 0;
  for (const c of counts) total += c;
  const pop = new Float32Array(n * m);
  const popUnseen = new Float32Array(n * m);
  const seen = new Int32Array(m).fill(-1);
  for (let r = 0; r < n; r++) {
    for (let e = d.userOffsets[test.users[r]]; e < test.histEnd[r]; e++) seen[d.item[e]] = r;
    let s = 0;
    for (let c = 0; c < m; c++) if (seen[c] !== r) s += counts[c];
    for (let c = 0; c < m; c++) {
      pop[r * m + c] = counts[c] / total;
      popUnseen[r * m + c] = seen[c] === r ? 0 : counts[c] / s;
    }
  }
  const temper = (p: Float32Array, tau: number) => {
    const o = new Float32Array(p.length);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += o[r * m + c] = p[r * m + c] ** (1 / tau);
      for (let c = 0; c < m; c++) o[r * m + c] /= s;
    }
    return o;
  };
  const rows: (string | number)[][] = [];
  const row = (name: string, p: Float32Array) => {
    const src = denseScores(
      n,
      m,
      Float32Array.from(p, (v, i) => v * lam[Math.floor(i / m)]),
    );
    rows.push([
      name,
      evaluateItemRec(src, test, { topK: onePercent(m), dataset: d }).recall,
      evaluateUserRec(src, test, { topC: onePercent(n), dataset: d }).recall,
    ]);
  };
  row('λ_HP · item popularity (HP)', pop);
  row('λ_HP · popularity of the items the user has not rated', popUnseen);
  row('λ_HP · RNN softmax', pSoft);
  row('λ_HP · RNN mixture (RNN-HP)', pMix);
  for (const tau of [2, 3, 5]) row(`λ_HP · RNN mixture^(1/${tau}), renormalised`, temper(pMix, tau));
  await session.dispose();
  return [
    `ml-latest-small, user split seed ${splitSeed}, HP's λ with each p(y|x); RNN ${JSON.stringify(seqCfg)} otherwise the defaults`,
    `(mixture ${JSON.stringify(rnn.data.meta.mixture)}).`,
    '',
    table(['scores', 'ItemRec recall', 'UserRec recall'], rows),
  ].join('\n');
}

const bench: Bench = {
  name: 'quality',
  title: 'Model quality: synthetic worlds with ground truth, MovieLens latest-small',
  async run() {
    await useWasm();
    const parts = env('QUALITY_PARTS', 'synthetic,movielens,userrec').split(',');
    const out: string[] = [];
    if (parts.includes('synthetic')) {
      const all = env('QUALITY_PRESETS', QUALITY_PRESETS.map((p) => p.name).join(',')).split(',');
      out.push('### Synthetic worlds (ground truth known)', '', await synthetic(SYNTH_SEQ, all), '');
      // The product's own architecture on a few presets (each run several times the smaller one's time).
      const few = env('QUALITY_DEFAULT_PRESETS', 'churn-moderate,topics-focused').split(',').filter(Boolean);
      if (few.length)
        out.push(
          '#### The same with the sequence models’ default architecture (GRU 2 × 128)',
          '',
          await synthetic(DEFAULT_ARCH, few),
          '',
        );
    }
    if (parts.includes('movielens')) out.push('### MovieLens latest-small', '', await movielens(), '');
    if (parts.includes('userrec'))
      out.push('#### MovieLens UserRec: HP’s λ with each p(y|x)', '', await userRecDiagnosis(), '');
    return out.join('\n');
  },
};

export default bench;
