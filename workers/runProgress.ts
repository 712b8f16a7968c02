/**
 * Training progress as the page sees it, and the batching that keeps it to a message every PROGRESS_MS (plus one at
 * each epoch end) however fast the batches come: the run worker's side of the progress bar and loss curves.
 */
import type { FitProgress } from '../src/core/models/types';
import type { RecMetrics } from '../src/core/metrics/evaluate';
import type { RunOptions } from '../src/core/pipeline/run';
import type { TuneStep } from '../src/core/tune/tune';

/** One model's row as soon as it is evaluated (the page fills its tables row by row). */
export interface ModelRow {
  name: string;
  item: RecMetrics;
  user: RecMetrics;
}

/** What the page sees of training while it runs; sent at most every `PROGRESS_MS` and at each epoch end. */
export interface RunProgress {
  /** The fitted part reporting (e.g. `RNN` while `RNN-Hawkes` is built), or the table model just finished. */
  model: string;
  /** Table models finished so far, and how many the config asks for. */
  done: number;
  total: number;
  /** Current epoch, counted from 1 (0 in a model-finished message), of `epochs`. */
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean training loss of each batch reported since the previous message (cross-entropy per event, nats). */
  losses: number[];
  /** Validation loss when an epoch ended since the previous message. */
  validLoss?: number;
  examplesPerSecond: number;
  /** Seconds left for this model's fit at the current pace (null before a rate is known or for instant models). */
  etaSeconds: number | null;
  /** Whole run, 0 to 1: finished table models plus the fraction of the current fit. */
  fraction: number;
  /** While a search (config.tune) trains its trials: which trial, and the best so far. */
  tune?: TuneStep;
  /** While a fitted model is scored for the planner (click-and-conversion track): users scored of all. */
  scoring?: { users: number; of: number };
}

/** Progress messages cross the boundary at most this often (ms), plus one at each epoch end. */
export const PROGRESS_MS = 100;
/** Batches fit progress: losses accumulate and leave at most every PROGRESS_MS, and at each epoch end. */
export function progressBatcher(total: number, send: (p: RunProgress) => void) {
  let losses: number[] = [];
  let lastSent = 0;
  let done = 0;
  const fitStart = new Map<string, number>();
  /** Per model: 1 when its reports count epochs from 0 (the sequence models), 0 when from 1 (the MF baselines). */
  const shift = new Map<string, number>();
  /** A message while no fit is under way (a model finished, or being scored): no epoch, batch or rate. */
  const outsideFit = (
    model: string,
    rest: Pick<RunProgress, 'losses' | 'etaSeconds' | 'fraction'> & Partial<RunProgress>,
  ): RunProgress => ({ model, done, total, epoch: 0, epochs: 0, batch: 0, batches: 0, examplesPerSecond: 0, ...rest });
  return {
    fit(model: string, raw: FitProgress, tune?: TuneStep) {
      if (!shift.has(model)) shift.set(model, raw.epoch === 0 ? 1 : 0);
      const p = { ...raw, epoch: raw.epoch + (shift.get(model) ?? 0) };
      losses.push(p.loss);
      const now = Date.now();
      if (p.validLoss === undefined && now - lastSent < PROGRESS_MS) return;
      lastSent = now;
      if (!fitStart.has(model)) fitStart.set(model, now);
      const fitFrac = p.epochs > 0 ? (p.epoch - 1 + p.batch / Math.max(1, p.batches)) / p.epochs : 0;
      const elapsed = (now - (fitStart.get(model) ?? now)) / 1000;
      const eta = fitFrac > 0.01 && elapsed > 0 ? (elapsed * (1 - fitFrac)) / fitFrac : null;
      send({
        model,
        done,
        total,
        epoch: p.epoch,
        epochs: p.epochs,
        batch: p.batch,
        batches: p.batches,
        losses,
        validLoss: p.validLoss,
        examplesPerSecond: p.examplesPerSecond,
        etaSeconds: eta,
        fraction: Math.min(1, (done + Math.min(1, fitFrac)) / total),
        ...(tune ? { tune } : {}),
      });
      losses = [];
    },
    /** Planner scoring of a fitted model: users scored of all, at most every PROGRESS_MS and at the last user. */
    scoring(model: string, p: { done: number; total: number; etaSeconds: number | null }) {
      const now = Date.now();
      if (p.done < p.total && now - lastSent < PROGRESS_MS) return;
      lastSent = now;
      send(
        outsideFit(model, {
          losses: [],
          etaSeconds: p.etaSeconds,
          fraction: Math.min(1, done / total),
          scoring: { users: p.done, of: p.total },
        }),
      );
    },
    model(name: string) {
      done++;
      lastSent = Date.now();
      send(outsideFit(name, { losses, etaSeconds: null, fraction: done / total }));
      losses = [];
    },
  };
}

/**
 * The run's progress hooks for the page: fit progress batched (progressBatcher), a row per evaluated model. After a
 * cancel (`stop.aborted`) nothing more is reported: the page has moved on.
 */
export function pageHooks(
  total: number,
  stop: { aborted: boolean },
  onProgress?: (p: RunProgress) => void,
  onModel?: (row: ModelRow) => void,
): Pick<RunOptions, 'onProgress' | 'onModel'> {
  const batch = progressBatcher(total, (p) => stop.aborted || onProgress?.(p));
  return {
    onProgress: (m, p, tune) => batch.fit(m, p, tune),
    onModel: (name, item, user) => {
      if (stop.aborted) return;
      batch.model(name);
      onModel?.({ name, item, user });
    },
  };
}
