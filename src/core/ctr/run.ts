/**
 * One click-and-conversion run: time split → fit each model → evaluate on the test impressions, the same in the
 * worker, the CLI and the tests (as core/pipeline/run.ts is for the RIM track). Per task, as 002 and 003 report:
 *   click: pCTR against click over every test impression;
 *   conversion: pCVR against conversion over the clicked test impressions (conversion given a click);
 *   clickConversion: pCTR·pCVR against click ∧ conversion over every test impression (002's decomposition).
 * Each with AUC, GAUC (grouped by user), Logloss, RelaImpr against the base model, ROC points and calibration
 * deciles; MuseNet's learned scenarios with the adjusted Rand index against a synthetic world's true ones; and on a
 * synthetic world the oracle that knows the true probabilities.
 */
import type { StopSignal } from '../util/abort';
import { err, ok, type Result } from '../util/result';
import { rngFor } from '../util/rng';
import {
  adjustedRandIndex,
  auc,
  calibration,
  gauc,
  logloss,
  relImpr,
  rocCurve,
  type CalibrationBin,
  type Metric,
} from './metrics';
import { createCtrModel, ctrDims, type CtrModel, type CtrPrediction, type CtrFitReport } from './models/index';
import type { CtrModelName, CtrOptionsByName } from './models/options';
import { modelOptions, validateCtrRunConfig, type CtrRunConfig, type CtrTask } from './runConfig';
import { splitByTime } from './split';
import type { CtrFitProgress } from './train';
import type { CtrSplit, ImpressionLog } from './types';

export const CTR_RESULT_TASKS = ['click', 'conversion', 'clickConversion'] as const;
export type CtrResultTask = (typeof CTR_RESULT_TASKS)[number];

/** ROC points kept per curve (every point lies on the exact curve; metrics.ts rocCurve). */
export const ROC_POINTS = 101;
/** Calibration bins (deciles of the predictions). */
export const CALIBRATION_BINS = 10;
/** Items listed per learned scenario. */
export const TOP_ITEMS = 5;

/** One task's numbers for one model; a metric without a value is null, with the reason in `undefined`. */
export interface CtrTaskMetrics {
  /** Impressions scored and the positives among them. */
  impressions: number;
  positives: number;
  auc: number | null;
  gauc: number | null;
  /** Users averaged by GAUC, and those left out (one class only). */
  gaucUsers: number;
  gaucUsersLeftOut: number;
  logloss: number | null;
  /** RelaImpr against the run's base model, percent (null for the base itself). */
  relaImpr: number | null;
  /** Why a metric above is null. */
  undefined: Partial<Record<'auc' | 'gauc' | 'logloss' | 'relaImpr' | 'roc' | 'calibration', string>>;
  roc: { fpr: number[]; tpr: number[] } | null;
  calibration: CalibrationBin[] | null;
}

/** MuseNet's learned scenarios over the test impressions (003 §4.4, Fig. 5). */
export interface CtrScenarios {
  k: number;
  size: number[];
  /** Share of the scenario's rows whose target item the user clicked before. */
  repeatRate: (number | null)[];
  /** Mean inferred repeat intention p_r^k (eq. 9); null without the repeat module. */
  repeatIntention: (number | null)[];
  /** The scenario's most shown items (ids) among its rows. */
  topItems: string[][];
  /** Adjusted Rand index against the world's true scenarios (null for a file, with the reason). */
  ari: number | null;
  ariUndefined?: string;
}

export interface CtrModelResult {
  name: string;
  kind: 'single-task' | 'multi-task' | 'oracle';
  /** What the conversion head learned from (models/model.ts CtrModelInfo). */
  conversionSamples: 'clicked-only' | 'all-impressions' | null;
  tasks: Partial<Record<CtrResultTask, CtrTaskMetrics>>;
  /** Per network: epochs, losses per epoch, why it stopped (absent for the oracle). */
  fit?: CtrFitReport;
  evalSeconds: number;
  scenarios?: CtrScenarios;
}

export interface CtrResult {
  task: 'ctr';
  config: CtrRunConfig;
  split: {
    protocol: CtrSplit['protocol'];
    train: number;
    valid: number;
    test: number;
    validStart: number;
    testStart: number;
    dropped: number;
    testClicks: number;
    testConversions: number;
  };
  /** RelaImpr's base model. */
  base: string;
  models: Record<string, CtrModelResult>;
  /** The true probabilities of a synthetic world, scored like a model. */
  oracle?: CtrModelResult;
  /** Models that could not be built, fitted or evaluated, with the reason (the run goes on). */
  failed: Record<string, { code: string; reason: string }>;
  warnings: string[];
}

export type CtrModelFactory = (
  name: CtrModelName,
  dims: ReturnType<typeof ctrDims>,
  options: CtrOptionsByName[CtrModelName],
  seed: number,
) => Result<CtrModel, string>;

export interface CtrRunOptions {
  signal?: StopSignal;
  /** Batched progress of the model being fitted (`index` of `count` models). */
  onProgress?: (model: string, p: CtrFitProgress, index: number, count: number) => void;
  /** A model's results as soon as they are ready (a UI fills its table row by row). */
  onModel?: (name: string, r: CtrModelResult) => void;
  /** Called with each evaluated model before it is freed (the worker scores it for the planner). */
  onFitted?: (name: string, model: CtrModel, split: CtrSplit) => Promise<void>;
  /** Builds the models (tests pass models with known predictions); default createCtrModel. */
  create?: CtrModelFactory;
}

const value = (m: Metric, why: CtrTaskMetrics['undefined'], key: keyof CtrTaskMetrics['undefined']) => {
  if (m.ok) return m.data;
  why[key] = m.reason;
  return null;
};

/**
 * One task's metrics on parallel arrays over the scored rows: labels, scores and the user of each row; `rows` picks
 * positions of those arrays (the clicked ones for conversion), all when absent.
 */
export function taskMetrics(
  labels: Uint8Array,
  scores: Float32Array,
  users: Int32Array,
  rows?: Int32Array,
): CtrTaskMetrics {
  const why: CtrTaskMetrics['undefined'] = {};
  const n = rows ? rows.length : labels.length;
  let positives = 0;
  for (let k = 0; k < n; k++) positives += labels[rows ? rows[k] : k];
  const g = gauc(users, labels, scores, rows);
  const roc = rocCurve(labels, scores, rows, ROC_POINTS);
  const cal = calibration(labels, scores, rows, CALIBRATION_BINS);
  if (!roc.ok) why.roc = roc.reason;
  if (!cal.ok) why.calibration = cal.reason;
  if (!g.ok) why.gauc = g.reason;
  return {
    impressions: n,
    positives,
    auc: value(auc(labels, scores, rows), why, 'auc'),
    gauc: g.ok ? g.data.value : null,
    gaucUsers: g.ok ? g.data.users : 0,
    gaucUsersLeftOut: g.ok ? g.data.usersLeftOut : 0,
    logloss: value(logloss(labels, scores, rows), why, 'logloss'),
    relaImpr: null,
    undefined: why,
    roc: roc.ok ? { fpr: Array.from(roc.data.fpr), tpr: Array.from(roc.data.tpr) } : null,
    calibration: cal.ok ? cal.data : null,
  };
}

/** The test rows' labels and users, gathered once per run. */
interface TestView {
  rows: Int32Array;
  users: Int32Array;
  click: Uint8Array;
  /** click ∧ conversion per row. */
  both: Uint8Array;
  conversion: Uint8Array;
  /** Positions (into rows) of the clicked test impressions. */
  clicked: Int32Array;
}

function testView(log: ImpressionLog, rows: Int32Array): TestView {
  const n = rows.length;
  const users = new Int32Array(n);
  const click = new Uint8Array(n);
  const conversion = new Uint8Array(n);
  const both = new Uint8Array(n);
  let nc = 0;
  for (let k = 0; k < n; k++) {
    const e = rows[k];
    users[k] = log.user[e];
    click[k] = log.click[e];
    conversion[k] = log.conversion[e];
    both[k] = log.click[e] & log.conversion[e];
    nc += click[k];
  }
  const clicked = new Int32Array(nc);
  for (let k = 0, j = 0; k < n; k++) if (click[k]) clicked[j++] = k;
  return { rows, users, click, both, conversion, clicked };
}

/** The task metrics of one model's predictions over the test rows. */
function evaluate(
  view: TestView,
  pCtr: Float32Array,
  pCvr: Float32Array | undefined,
  tasks: readonly CtrTask[],
): CtrModelResult['tasks'] {
  const out: CtrModelResult['tasks'] = {};
  if (tasks.includes('click')) out.click = taskMetrics(view.click, pCtr, view.users);
  if (tasks.includes('conversion') && pCvr) {
    out.conversion = taskMetrics(view.conversion, pCvr, view.users, view.clicked);
    const joint = new Float32Array(pCtr.length);
    for (let k = 0; k < joint.length; k++) joint[k] = pCtr[k] * pCvr[k];
    out.clickConversion = taskMetrics(view.both, joint, view.users);
  }
  return out;
}

/** MuseNet's scenario table over the test rows, with the ARI against the world's truth when there is one. */
function scenarioTable(log: ImpressionLog, view: TestView, s: NonNullable<CtrPrediction['scenarios']>): CtrScenarios {
  const counts = Array.from({ length: s.k }, () => new Map<number, number>());
  for (let k = 0; k < view.rows.length; k++) {
    const m = counts[s.assignment[k]];
    const i = log.item[view.rows[k]];
    m.set(i, (m.get(i) ?? 0) + 1);
  }
  const num = (x: number) => (Number.isNaN(x) ? null : x);
  let ari: number | null = null;
  let ariUndefined: string | undefined;
  if (log.truth) {
    const truth = Int32Array.from(view.rows, (e) => log.truth!.scenario[e]);
    const a = adjustedRandIndex(s.assignment, truth);
    if (a.ok) ari = a.data;
    else ariUndefined = a.reason;
  } else ariUndefined = 'the log has no true scenarios (only a synthetic world knows them)';
  return {
    k: s.k,
    size: Array.from(s.size),
    repeatRate: Array.from(s.repeatRate, num),
    repeatIntention: Array.from(s.repeatIntention, num),
    topItems: counts.map((m) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, TOP_ITEMS)
        .map(([i]) => log.itemIds[i]),
    ),
    ari,
    ...(ariUndefined ? { ariUndefined } : {}),
  };
}

/** Fills each model's RelaImpr per task against the base model's AUC on that task. */
function addRelaImpr(results: CtrModelResult[], base: CtrModelResult | undefined, baseName: string): void {
  for (const r of results)
    for (const t of CTR_RESULT_TASKS) {
      const m = r.tasks[t];
      if (!m || r === base) continue;
      const b = base?.tasks[t];
      if (m.auc === null) m.undefined.relaImpr = 'no AUC';
      else if (!b || b.auc === null) m.undefined.relaImpr = `the base model ${baseName} has no AUC on this task`;
      else {
        const v = relImpr(m.auc, b.auc);
        m.relaImpr = v.ok ? v.data : null;
        if (!v.ok) m.undefined.relaImpr = v.reason;
      }
    }
}

/** The split a run makes of `log` (MuseNet's ADS protocol unless the config names another). */
export const runSplit = (log: ImpressionLog, config: CtrRunConfig) =>
  splitByTime(log, config.split ?? { protocol: 'ads' });

const defaultFactory: CtrModelFactory = (name, dims, options, seed) => createCtrModel(name, dims, options, seed);

/** Runs the experiment the config asks for on `log`. Stops within one batch once `opts.signal` is aborted. */
export async function runCtr(
  log: ImpressionLog,
  config: CtrRunConfig,
  opts: CtrRunOptions = {},
): Promise<Result<CtrResult, string>> {
  const v = validateCtrRunConfig(config);
  if (!v.ok) return v;
  const sp = runSplit(log, config);
  if (!sp.ok) return err(sp.code, `split: ${sp.reason}`);
  const split = sp.data;
  const view = testView(log, split.test);
  const tasks = config.tasks ?? ['click', 'conversion'];
  const baseName = config.base ?? config.models[0];
  const result: CtrResult = {
    task: 'ctr',
    config,
    split: {
      protocol: split.protocol,
      train: split.train.length,
      valid: split.valid.length,
      test: split.test.length,
      validStart: split.validStart,
      testStart: split.testStart,
      dropped: split.dropped ?? 0,
      testClicks: view.clicked.length,
      testConversions: view.both.reduce((a, x) => a + x, 0),
    },
    base: baseName,
    models: {},
    failed: {},
    warnings: [],
  };
  if (log.negatives === 'sampled')
    result.warnings.push(
      'The non-clicked impressions are sampled, not logged: AUCs are against sampled negatives, not a real display log.',
    );
  if (log.truth) {
    const t = log.truth;
    const t0 = Date.now();
    result.oracle = {
      name: 'Oracle',
      kind: 'oracle',
      conversionSamples: null,
      tasks: evaluate(
        view,
        Float32Array.from(split.test, (e) => t.pClick[e]),
        Float32Array.from(split.test, (e) => t.pConvGivenClick[e]),
        tasks,
      ),
      evalSeconds: (Date.now() - t0) / 1000,
    };
  }
  const create = opts.create ?? defaultFactory;
  const dims = ctrDims(log);
  const count = config.models.length;
  for (let index = 0; index < count; index++) {
    const name = config.models[index];
    if (opts.signal?.aborted) return err('aborted', 'run: stopped');
    const o = modelOptions(config, name);
    const built = o.ok ? create(name, dims, o.data, config.seed) : o;
    if (!built.ok) {
      result.failed[name] = { code: built.code, reason: built.reason };
      continue;
    }
    const model = built.data;
    try {
      const fit = await model.fit(log, split, {
        rng: rngFor(config.seed, `ctr-run/${name}`),
        signal: opts.signal,
        onProgress: (p) => opts.onProgress?.(name, p, index, count),
      });
      if (!fit.ok) {
        result.failed[name] = { code: fit.code, reason: fit.reason };
        continue;
      }
      if (fit.data.stopped === 'aborted' || opts.signal?.aborted) return err('aborted', 'run: stopped');
      const t0 = Date.now();
      const p = await model.predict(log, split.test);
      if (!p.ok) {
        result.failed[name] = { code: p.code, reason: p.reason };
        continue;
      }
      const r: CtrModelResult = {
        name,
        kind: model.info.kind,
        conversionSamples: model.info.conversionSamples,
        tasks: evaluate(view, p.data.pCtr, p.data.pCvr, tasks),
        fit: fit.data,
        evalSeconds: 0,
        ...(p.data.scenarios ? { scenarios: scenarioTable(log, view, p.data.scenarios) } : {}),
      };
      r.evalSeconds = (Date.now() - t0) / 1000;
      result.models[name] = r;
      // RelaImpr needs the base: filled for all once it is known, and again at the end.
      addRelaImpr(Object.values(result.models), result.models[baseName], baseName);
      opts.onModel?.(name, r);
      await opts.onFitted?.(name, model, split);
    } finally {
      model.dispose();
    }
  }
  const all = [...Object.values(result.models), ...(result.oracle ? [result.oracle] : [])];
  addRelaImpr(all, result.models[baseName], baseName);
  if (result.failed[baseName]) result.warnings.push(`The base model ${baseName} failed: no RelaImpr.`);
  return ok(result);
}
