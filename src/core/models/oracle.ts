import type { Dataset, EvalSet } from '../data/types';
import { datasetEvents, truthAt, type SynthWorld } from '../data/synthetic/index';
import type { IntensityModel, Scorer } from './types';
import type { ScoreSource } from './scores';

/**
 * The oracle of a synthetic world: scores λ(x, y) = E[N(T, T + ΔT) | H_T] · p(y | x) (paper eq. 5) from the world's
 * ground truth (data/synthetic/truth.ts) instead of fitted models. It is the ceiling the evidence compares fitted RIMs
 * with: `RNN-Hawkes` UserRec recall as a fraction of the oracle's. With recency ρ = 0 and no repeats it is the exact
 * expected count of each (user, item) pair in the window; otherwise exact for the next item only (see truthAt).
 * Its two parts also stand alone, to tell which part of a fitted RIM loses recall: the true intensity (with a fitted
 * p(y|x): compose.rimScorer) and the true next-item distribution (with a fitted λ: `truthScorer(…, λ̂)`).
 *
 * `dataset` must be the world's own dataset (buildSynthDataset), since truthAt reads histories by user index.
 */

/** λ_true(x): the expected events of each row's user in its window, E[N(T, T + ΔT) | H_T]. */
export function truthIntensity(world: SynthWorld, dataset: Dataset): IntensityModel {
  return {
    name: 'Truth',
    predict: (rows: EvalSet) =>
      truthAt(world, rows.users, rows.testStart, rows.horizon, datasetEvents(dataset)).expectedCount,
  };
}

/** λ(x) · p_true(y|x), λ from `intensity` (default the truth: the oracle). */
export function truthScorer(world: SynthWorld, dataset: Dataset, name: string, intensity?: IntensityModel): Scorer {
  return {
    name,
    async scores(rows): Promise<ScoreSource> {
      const truth = truthAt(world, rows.users, rows.testStart, rows.horizon, datasetEvents(dataset));
      const lambda = intensity ? intensity.predict(rows) : truth.expectedCount;
      const nCols = dataset.nItems;
      const p = new Float64Array(nCols);
      return {
        nRows: rows.users.length,
        nCols,
        fillRows(r0, r1, out) {
          for (let r = r0; r < r1; r++) {
            truth.itemProbs(r, p);
            const lam = lambda[r];
            const base = (r - r0) * nCols;
            for (let c = 0; c < nCols; c++) out[base + c] = lam * p[c];
          }
        },
      };
    },
  };
}

/** The oracle λ_true · p_true. */
export const oracleScorer = (world: SynthWorld, dataset: Dataset, name = 'Oracle'): Scorer =>
  truthScorer(world, dataset, name);
