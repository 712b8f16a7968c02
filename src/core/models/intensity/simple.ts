import type { Dataset, EvalSet } from '../../data/types';
import type { IntensityModel } from '../types';
import { historyLengths } from './history';

/**
 * The two intensities without parameters (rime's `Pop` user side and `EMA`), in events per horizon up to scale.
 */

/** rime's floor on a count, so a user or item with no history keeps a small positive score (np.fmax(0.01, n)). */
export const COUNT_FLOOR = 0.01;

/** Pop: λ(x) = max(0.01, number of history events) — the user side of rime's `Pop` (user_rec prior). */
export function popIntensity(dataset: Dataset): IntensityModel {
  return {
    name: 'Pop',
    predict(rows) {
      const n = historyLengths(dataset, rows);
      for (let i = 0; i < n.length; i++) n[i] = Math.max(COUNT_FLOOR, n[i]);
      return n;
    },
  };
}

/**
 * EMA: λ(x) = Σ_j exp(−(T − t_j)/ΔT) over the history, T the row's test start, ΔT its horizon (rime's `EMA`:
 * an exponentially decayed count with the horizon as time constant).
 */
export function emaIntensity(dataset: Dataset): IntensityModel {
  return {
    name: 'EMA',
    predict(rows: EvalSet) {
      const out = new Float64Array(rows.users.length);
      for (let i = 0; i < out.length; i++) {
        const T = rows.testStart[i];
        let s = 0;
        for (let j = dataset.userOffsets[rows.users[i]]; j < rows.histEnd[i]; j++)
          s += Math.exp(-(T - dataset.time[j]) / rows.horizon);
        out[i] = s;
      }
      return out;
    },
  };
}
