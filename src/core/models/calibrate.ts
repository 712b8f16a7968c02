import type { Dataset, EvalSet } from '../data/types';
import { evaluateUserRec, onePercent } from '../metrics/evaluate';
import { applyMask, historyMask } from '../metrics/mask';
import { blockRows } from '../metrics/topk';
import type { ScoreSource } from './scores';
import type { IntensityModel, NextItemModel, Scorer } from './types';
import { rimScores } from './compose';

/**
 * Calibration of a RIM composition on the validation window: the score λ(x) · p(y|x)^τ / Σ_y' p(y'|x)^τ (paper eq. 5
 * with a tempered next-item distribution), τ chosen on the validation rows' UserRec recall.
 *
 * Why: UserRec ranks the users for one item across rows, so it compares p(y|x) between users; a next-item model
 * trained by cross-entropy on a small log is usually too flat or too sharp for that comparison, and then λ(x) or p(y|x)
 * dominates the product more than it should. Tempering keeps each row's item order (ItemRec is unchanged for every
 * τ > 0) and its total λ(x), and moves only the balance between users.
 *
 * Deviation from the reference implementation (awslabs/recurrent-intensity-model-experiments): its compositions are
 * the plain product, the RNN's softmax times the intensity (τ = 1, nothing fitted on validation); only its zero-shot
 * ItemKNN / BayesLM take a fixed, hand-set temperature. A run config with `calibrate: false` gives the plain product.
 */

/** The objective the pipeline calibrates by. */
export const DEFAULT_OBJECTIVE: CalibrationObjective = 'recall';

/** Temperatures tried, τ = 1 (the plain product) among them. */
export const TAU_GRID: readonly number[] = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3];

/**
 * λ(x) · p(y|x)^τ / Σ_y' p(y'|x)^τ from a source of p(y|x) (rows summing to 1, non-negative). Each row is divided by its
 * maximum before the power, so p^τ cannot underflow Float32 at large τ.
 */
export function temperedScores(lambda: ArrayLike<number>, p: ScoreSource, tau: number): ScoreSource {
  if (!(tau > 0)) throw new RangeError(`tempered scores: τ = ${tau}, expected > 0`);
  if (lambda.length !== p.nRows) throw new RangeError(`tempered scores: ${lambda.length} λ for ${p.nRows} rows`);
  const nCols = p.nCols;
  return {
    nRows: p.nRows,
    nCols,
    fillRows(r0, r1, out) {
      p.fillRows(r0, r1, out);
      if (tau === 1) {
        for (let r = r0; r < r1; r++) {
          const base = (r - r0) * nCols;
          let Z = 0;
          for (let c = 0; c < nCols; c++) Z += out[base + c];
          const k = Z > 0 ? lambda[r] / Z : 0;
          for (let c = 0; c < nCols; c++) out[base + c] *= k;
        }
        return;
      }
      for (let r = r0; r < r1; r++) {
        const base = (r - r0) * nCols;
        let max = 0;
        for (let c = 0; c < nCols; c++) max = Math.max(max, out[base + c]);
        if (max === 0) continue;
        let Z = 0;
        for (let c = 0; c < nCols; c++) {
          const v = (out[base + c] / max) ** tau;
          out[base + c] = v;
          Z += v;
        }
        const k = lambda[r] / Z;
        for (let c = 0; c < nCols; c++) out[base + c] *= k;
      }
    },
  };
}

/**
 * Mean log-likelihood per target event of who came for each item: with q(x|y) = s(x, y) / Σ_x' s(x', y) over the
 * rows, Σ_(x,y) n_xy · log q(x|y) / Σ n_xy (nats; higher is better). A smooth companion of UserRec recall, which
 * counts only the top C users of each item. Masked scores (excludeTrain) are 0 there and in the sums.
 */
export function userLogLik(src: ScoreSource, rows: EvalSet, dataset?: Dataset): number {
  const nCols = src.nCols;
  const mask = dataset ? historyMask(dataset, rows) : null;
  const block = blockRows(nCols);
  const buf = new Float32Array(block * nCols);
  const colSum = new Float64Array(nCols);
  const colCount = new Float64Array(nCols);
  let sum = 0;
  let count = 0;
  for (let r0 = 0; r0 < src.nRows; r0 += block) {
    const r1 = Math.min(src.nRows, r0 + block);
    src.fillRows(r0, r1, buf);
    if (mask) applyMask(mask, r0, r1, nCols, buf);
    for (let r = r0; r < r1; r++) {
      const base = (r - r0) * nCols;
      for (let c = 0; c < nCols; c++) colSum[c] += buf[base + c];
      for (let q = rows.target.indptr[r]; q < rows.target.indptr[r + 1]; q++) {
        const n = rows.target.data[q];
        const c = rows.target.indices[q];
        sum += n * Math.log(Math.max(1e-30, buf[base + c]));
        colCount[c] += n;
        count += n;
      }
    }
  }
  for (let c = 0; c < nCols; c++) if (colCount[c] > 0) sum -= colCount[c] * Math.log(Math.max(1e-30, colSum[c]));
  return count > 0 ? sum / count : -Infinity;
}

/** What τ is chosen by: validation UserRec recall (top C) or the validation log-likelihood of who came (userLogLik). */
export type CalibrationObjective = 'recall' | 'likelihood';

/** The chosen τ with the validation UserRec recall and log-likelihood of every τ tried (same order as `grid`). */
export interface Calibration {
  tau: number;
  objective: CalibrationObjective;
  grid: number[];
  validRecall: number[];
  validLogLik: number[];
  /** C of the validation UserRec (users per item). */
  topC: number;
}

/**
 * τ maximising the objective on the validation rows over `grid`: UserRec recall (top C = 1% of them unless given) or
 * userLogLik; ties go to the τ nearest 1, so the plain product stays unless tempering helps. Null when the window has
 * no rows or no targets.
 */
export function chooseTemperature(
  lambda: ArrayLike<number>,
  p: ScoreSource,
  valid: EvalSet,
  opts: { dataset?: Dataset; topC?: number; grid?: readonly number[]; objective?: CalibrationObjective } = {},
): Calibration | null {
  if (valid.users.length === 0 || valid.target.indices.length === 0) return null;
  const grid = [...(opts.grid ?? TAU_GRID)];
  const objective = opts.objective ?? DEFAULT_OBJECTIVE;
  const topC = opts.topC ?? onePercent(valid.users.length);
  const tempered = grid.map((tau) => temperedScores(lambda, p, tau));
  const validRecall = tempered.map((s) => evaluateUserRec(s, valid, { topC, dataset: opts.dataset }).recall);
  const validLogLik = tempered.map((s) => userLogLik(s, valid, opts.dataset));
  const score = objective === 'recall' ? validRecall : validLogLik;
  let best = 0;
  for (let i = 1; i < grid.length; i++) {
    const d = score[i] - score[best];
    if (d > 0 || (d === 0 && Math.abs(Math.log(grid[i])) < Math.abs(Math.log(grid[best])))) best = i;
  }
  return { tau: grid[best], objective, grid, validRecall, validLogLik, topC };
}

/** p(y|x) of a next-item model on some rows: its composition with λ ≡ 1. */
export async function nextItemProbs(next: NextItemModel, rows: EvalSet): Promise<ScoreSource> {
  return rimScores(new Float64Array(rows.users.length).fill(1), await next.factors(rows));
}

/** A composition scored λ(x) · p(y|x)^τ / Σ p^τ, e.g. `RNN-HP` with its calibrated τ. */
export function temperedRimScorer(name: string, intensity: IntensityModel, next: NextItemModel, tau: number): Scorer {
  return {
    name,
    scores: async (rows) => temperedScores(intensity.predict(rows), await nextItemProbs(next, rows), tau),
  };
}

/** Fits τ for `intensity` × `next` on the validation rows (chooseTemperature) and returns the tempered scorer. */
export async function calibratedRimScorer(
  name: string,
  intensity: IntensityModel,
  next: NextItemModel,
  valid: EvalSet,
  dataset: Dataset,
): Promise<{ scorer: Scorer; calibration: Calibration | null }> {
  const calibration = chooseTemperature(intensity.predict(valid), await nextItemProbs(next, valid), valid, { dataset });
  return { scorer: temperedRimScorer(name, intensity, next, calibration?.tau ?? 1), calibration };
}
