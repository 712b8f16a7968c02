import type { Dataset, EvalSet, Split } from '../data/types';
import type { FitProgress } from '../models/types';
import type { StopSignal } from '../util/abort';
import { createRng, type Rng } from '../util/rng';
import { err, ok, type Result } from '../util/result';
import { SequenceModel, resolveSeqConfig, type SeqConfig } from '../models/sequence/index';
import { rimScores } from '../models/compose';
import { evaluateItemRec, onePercent } from '../metrics/evaluate';
import { blockRows } from '../metrics/topk';

/**
 * A seeded random search over a next-item model's training settings, each trial judged on the split's validation
 * window: the model trains on the events before that window (split.validTrainEnd; its own held-out users stop it
 * early), then p(y|x) of the validation rows is scored on the window's events. The first trial is the defaults, so
 * the search can only improve on them by this measure. What the worker's Tune action and `rimw run`'s "tune" call.
 */

/** The settings a trial draws (the rest of the config stays as given). */
export interface TuneSettings {
  lr: number;
  hidden: number;
  dropout: number;
  weightDecay: number;
}

/** Where a search draws from: lr and weightDecay log-uniform, hidden a choice, dropout uniform. */
export interface TuneSpace {
  lr: [number, number];
  hidden: number[];
  dropout: [number, number];
  /** Log-uniform range; a quarter of the trials draw 0 (no decay). */
  weightDecay: [number, number];
}

export const DEFAULT_TUNE_SPACE: TuneSpace = {
  lr: [0.01, 0.3],
  hidden: [16, 32, 64, 128],
  dropout: [0, 0.5],
  weightDecay: [1e-7, 1e-3],
};

export interface TuneTrial {
  index: number;
  settings: TuneSettings;
  /**
   * Validation-window negative log-likelihood per event of p(y|x) (nats; lower is better): the score trials are
   * ranked by. Infinity when the trial trained nothing.
   */
  validNll: number;
  /** ItemRec recall on the validation window (K = 1% of items), for display. */
  validRecall: number;
  epochs: number;
  seconds: number;
}

export interface TuneProgress {
  /** Trials finished and the budget. */
  done: number;
  trials: number;
  /** The trial running now (its settings and its training progress), absent between trials. */
  current?: { index: number; settings: TuneSettings; fit?: FitProgress };
  /** The best trial so far. */
  best: TuneTrial | null;
  seconds: number;
}

/** Where a search stands, as a fit's progress carries it to the page: trial (from 1) of the budget, and the best so far. */
export interface TuneStep {
  trial: number;
  trials: number;
  best: { trial: number; settings: TuneSettings; validNll: number } | null;
}

/** The step of a search's progress report (its trial counted from 1). */
export function tuneStep(p: TuneProgress): TuneStep {
  const best = p.best && { trial: p.best.index + 1, settings: p.best.settings, validNll: p.best.validNll };
  return { trial: (p.current?.index ?? p.done) + 1, trials: p.trials, best };
}

export interface TuneOptions {
  /** Trials at most (budget), the defaults first. */
  trials: number;
  /** Wall minutes at most: no trial starts after, and a running one is stopped at the limit. */
  minutes?: number;
  /** Seeds the draws and every trial's initialisation. */
  seed: number;
  space?: Partial<TuneSpace>;
  signal?: StopSignal;
  onProgress?: (p: TuneProgress) => void;
}

export interface TuneResult {
  trials: TuneTrial[];
  best: TuneTrial | null;
  /** done: the trial budget spent; time: the minutes; aborted: the signal. */
  stopped: 'done' | 'time' | 'aborted';
  seconds: number;
}

/** Settings of trial `i` (0: the base config's own). */
export function drawSettings(i: number, base: SeqConfig, space: TuneSpace, rng: Rng): TuneSettings {
  if (i === 0) return { lr: base.lr, hidden: base.hidden, dropout: base.dropout, weightDecay: base.weightDecay };
  const logU = ([a, b]: [number, number]) => Math.exp(Math.log(a) + rng.next() * (Math.log(b) - Math.log(a)));
  const lr = logU(space.lr);
  const hidden = space.hidden[rng.int(space.hidden.length)];
  const dropout = space.dropout[0] + rng.next() * (space.dropout[1] - space.dropout[0]);
  const weightDecay = rng.next() < 0.25 ? 0 : logU(space.weightDecay);
  return { lr, hidden, dropout, weightDecay };
}

/**
 * Mean −log p(y|x) over the events of an EvalSet's windows (each target counted as often as it occurs) and the
 * ItemRec recall, p from the model's factors (its mixture included).
 */
export async function validationScore(
  model: SequenceModel,
  dataset: Dataset,
  rows: EvalSet,
): Promise<{ nll: number; recall: number }> {
  const src = rimScores(new Float64Array(rows.users.length).fill(1), await model.factors(rows));
  const nCols = src.nCols;
  const block = blockRows(nCols);
  const buf = new Float32Array(block * nCols);
  let sum = 0;
  let count = 0;
  for (let r0 = 0; r0 < src.nRows; r0 += block) {
    const r1 = Math.min(src.nRows, r0 + block);
    src.fillRows(r0, r1, buf);
    for (let r = r0; r < r1; r++)
      for (let q = rows.target.indptr[r]; q < rows.target.indptr[r + 1]; q++) {
        const y = rows.target.data[q];
        sum -= y * Math.log(Math.max(1e-30, buf[(r - r0) * nCols + rows.target.indices[q]]));
        count += y;
      }
  }
  const recall = evaluateItemRec(src, rows, { topK: onePercent(nCols), dataset }).recall;
  return { nll: count > 0 ? sum / count : Infinity, recall };
}

declare const setTimeout: (f: () => void, ms: number) => unknown;

/**
 * Random search over `space` for the next-item model `base` (its kind and the fields the search leaves alone) on the
 * validation window of `split`. Expected failures (no validation rows, a bad base config) are values.
 */
export async function tuneSequenceModel(
  dataset: Dataset,
  split: Split,
  base: Partial<SeqConfig> & { kind: SeqConfig['kind'] },
  opts: TuneOptions,
): Promise<Result<TuneResult, 'bad-config' | 'no-data'>> {
  const resolved = resolveSeqConfig(base);
  if (!resolved.ok) return resolved;
  if (!Number.isInteger(opts.trials) || opts.trials < 1)
    return err('bad-config', `tune: trials must be a positive integer, got ${opts.trials}`);
  if (split.valid.users.length === 0 || split.valid.target.data.length === 0)
    return err('no-data', 'tune: the validation window has no events to judge trials on');
  const space = { ...DEFAULT_TUNE_SPACE, ...opts.space };
  const draws = createRng(opts.seed);
  const t0 = Date.now();
  const deadline = opts.minutes === undefined ? Infinity : t0 + opts.minutes * 60_000;
  const elapsed = () => (Date.now() - t0) / 1000;
  // Stops a running trial at the deadline as the caller's signal would.
  const stop = {
    get aborted() {
      return opts.signal?.aborted === true || Date.now() >= deadline;
    },
  };
  const trials: TuneTrial[] = [];
  let best: TuneTrial | null = null;
  let stopped: TuneResult['stopped'] = 'done';
  for (let i = 0; i < opts.trials; i++) {
    const settings = drawSettings(i, resolved.data, space, draws);
    if (opts.signal?.aborted) {
      stopped = 'aborted';
      break;
    }
    if (Date.now() >= deadline) {
      stopped = 'time';
      break;
    }
    opts.onProgress?.({ done: i, trials: opts.trials, current: { index: i, settings }, best, seconds: elapsed() });
    const started = Date.now();
    const made = SequenceModel.create({ ...resolved.data, ...settings }, dataset.nItems, opts.seed * 1000 + i);
    if (!made.ok) return made;
    const model = made.data;
    try {
      const fit = await model.fit(
        { dataset, trainEnd: split.validTrainEnd },
        {
          rng: createRng(opts.seed * 1000 + i + 1),
          signal: stop,
          onProgress: (fp) =>
            opts.onProgress?.({
              done: i,
              trials: opts.trials,
              current: { index: i, settings, fit: fp },
              best,
              seconds: elapsed(),
            }),
        },
      );
      if (!fit.ok) return err('no-data', fit.reason);
      if (fit.data.stopped === 'aborted') {
        stopped = opts.signal?.aborted ? 'aborted' : 'time';
        break;
      }
      const score = await validationScore(model, dataset, split.valid);
      const trial: TuneTrial = {
        index: i,
        settings,
        validNll: score.nll,
        validRecall: score.recall,
        epochs: fit.data.epochs,
        seconds: (Date.now() - started) / 1000,
      };
      trials.push(trial);
      if (!best || trial.validNll < best.validNll) best = trial;
    } finally {
      model.dispose();
    }
    await new Promise<void>((r) => setTimeout(r, 0));
  }
  opts.onProgress?.({ done: trials.length, trials: opts.trials, best, seconds: elapsed() });
  return ok({ trials, best, stopped, seconds: elapsed() });
}
