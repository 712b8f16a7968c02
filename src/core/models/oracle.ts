import type { Dataset } from '../data/types';
import { datasetEvents, truthAt, type SynthWorld } from '../data/synthetic/index';
import type { Scorer } from './types';
import type { ScoreSource } from './scores';

/**
 * The oracle of a synthetic world: scores λ(x, y) = E[N(T, T + ΔT) | H_T] · p(y | x) (paper eq. 5) from the world's
 * ground truth (data/synthetic/truth.ts) instead of fitted models. It is the ceiling the evidence compares fitted RIMs
 * with: `RNN-Hawkes` UserRec recall as a fraction of the oracle's. With recency ρ = 0 it is the exact expected count of
 * each (user, item) pair in the window; with ρ > 0 exact for the next item only (see truthAt).
 *
 * `dataset` must be the world's own dataset (buildSynthDataset), since truthAt reads histories by user index.
 */
export function oracleScorer(world: SynthWorld, dataset: Dataset, name = 'Oracle'): Scorer {
  return {
    name,
    async scores(rows): Promise<ScoreSource> {
      const truth = truthAt(world, rows.users, rows.testStart, rows.horizon, datasetEvents(dataset));
      const nCols = dataset.nItems;
      const p = new Float64Array(nCols);
      return {
        nRows: rows.users.length,
        nCols,
        fillRows(r0, r1, out) {
          for (let r = r0; r < r1; r++) {
            truth.itemProbs(r, p);
            const lam = truth.expectedCount[r];
            const base = (r - r0) * nCols;
            for (let c = 0; c < nCols; c++) out[base + c] = lam * p[c];
          }
        },
      };
    },
  };
}
