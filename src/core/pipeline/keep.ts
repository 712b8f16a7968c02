/**
 * Keeping a run's scores for later use: each model's dense test scores, validation scores and λ(x), so that the
 * planner and the UserRec explorer work from them after the run and never re-run a model. All kept matrices of a
 * run together stay under a byte budget (4 bytes a score); a model past it is evaluated but not kept.
 */
import type { Split } from '../data/types';
import type { IntensityModel, Scorer } from '../models/types';
import { denseScores, materialize, type ScoreSource } from '../models/scores';
import { parseModelName, type IntensityName } from '../models/names';
import type { Result } from '../util/result';

/** One model's kept scores. */
export interface KeptScores {
  /** λ(x, y) on the test rows, row-major (test rows × items). */
  test: Float32Array;
  /** λ(x, y) on the validation rows (validation rows × items); null when the split has none or it is too large. */
  valid: Float32Array | null;
  /** λ(x) per test row, for models built on an intensity (an intensity, a composition, Pop); else null. */
  lambda: Float64Array | null;
  /** Whether score / λ(x) is a next-item probability p(y|x) (next-item models and their compositions). */
  hasP: boolean;
}

export interface KeepOptions {
  /** Bytes all kept matrices of the run may take together (test and validation of every kept model). */
  budgetBytes: number;
}

/** The run's fitted intensities, by name (the run session's, so nothing is fitted twice). */
export type IntensityOf = (name: IntensityName) => Promise<Result<{ model: IntensityModel }, string>>;

/** Keeps the scores of one run's models, in evaluation order, within `opts.budgetBytes`. */
export function scoreKeeper(split: Split, opts: KeepOptions) {
  const kept = new Map<string, KeptScores>();
  let used = 0;
  return {
    kept,
    /**
     * Takes `name`'s test scores `src`: when they fit what is left of the budget, they are materialised once and
     * kept with the validation scores and λ(x), and the dense matrix is returned for evaluation; otherwise `src`.
     */
    async keep(name: string, src: ScoreSource, scorer: Scorer, intensity: IntensityOf): Promise<ScoreSource> {
      const validRows = split.valid.users.length;
      const bytes = 4 * src.nCols * (src.nRows + validRows);
      const test = used + bytes <= opts.budgetBytes ? materialize(src) : null;
      if (!test) return src;
      const valid = validRows > 0 ? materialize(await scorer.scores(split.valid)) : null;
      const parts = parseModelName(name);
      let lambda: Float64Array | null = null;
      if (parts?.intensity) {
        const lam = await intensity(parts.intensity);
        if (lam.ok) lambda = lam.data.model.predict(split.test);
      }
      used += bytes;
      kept.set(name, { test, valid, lambda, hasP: (parts?.sequence ?? null) !== null });
      return denseScores(src.nRows, src.nCols, test);
    },
  };
}
