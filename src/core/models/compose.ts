import type { Dataset, EvalSet } from '../data/types';
import type { IntensityModel, NextItemFactors, NextItemModel, Scorer } from './types';
import type { ScoreSource } from './scores';
import { factoredScores } from './factored';
import { COUNT_FLOOR } from './intensity/simple';
import { historyLengths } from './intensity/history';

/**
 * RIM compositions (paper eq. 5): λ(x, y) = λ(x) · p(y | x), with p(y|x) = softmax_y(h_x · E_y + b_y) (eq. 1), and the
 * item-popularity and trivial scorers the paper compares against. Names follow the paper's tables (./names.ts):
 * `RNN-Hawkes`, `Transformer-Pop`, …; `Hawkes` alone is λ(x) × item count; `Pop` is user count × item count; `Rand` is
 * uniform.
 */

/**
 * λ(x) · p(y|x) for rows in blocks, p(y|x) = softmax(h_x · E + b) or, when the factors carry a mixture, the repeat and
 * explore parts of types.ts NextItemMixture. Stable softmax: each row's logits are shifted by their max before exp,
 * and Z is summed per row in double precision.
 */
export function rimScores(lambda: Float64Array, f: NextItemFactors): ScoreSource {
  const nRows = lambda.length;
  const nCols = f.itemBias.length;
  const logits = factoredScores({ nRows, nCols, dim: f.dim, U: f.hidden, V: f.itemEmb, colBias: f.itemBias });
  const mix = f.mix;
  return {
    nRows,
    nCols,
    fillRows(r0, r1, out) {
      logits.fillRows(r0, r1, out);
      for (let r = r0; r < r1; r++) {
        const base = (r - r0) * nCols;
        let max = -Infinity;
        for (let c = 0; c < nCols; c++) max = Math.max(max, out[base + c]);
        let Z = 0;
        for (let c = 0; c < nCols; c++) {
          const e = Math.exp(out[base + c] - max);
          out[base + c] = e;
          Z += e;
        }
        if (!mix) {
          const k = lambda[r] / Z;
          for (let c = 0; c < nCols; c++) out[base + c] *= k;
          continue;
        }
        // The explore part e, its weight on the history scaled by keep and renormalised; the repeat part added there.
        const u = mix.seq[r];
        let S = 0;
        for (let q = mix.histPtr[r]; q < mix.histPtr[r + 1]; q++) S += out[base + mix.histItems[q]];
        const eHist = (u * S) / Z + (1 - u) * mix.popInHist[r];
        const D = Math.max(1e-12, 1 - (1 - mix.keep) * eHist);
        const k = (lambda[r] * (1 - mix.repeat[r])) / D;
        const ks = (k * u) / Z;
        const kp = k * (1 - u);
        for (let c = 0; c < nCols; c++) out[base + c] = ks * out[base + c] + kp * mix.popProbs[c];
        const kh = lambda[r] * mix.repeat[r];
        for (let q = mix.histPtr[r]; q < mix.histPtr[r + 1]; q++) {
          const c = base + mix.histItems[q];
          out[c] = mix.keep * out[c] + kh * mix.histProbs[q];
        }
      }
    },
  };
}

/** λ(x) × max(0.01, item count): the intensity with an item-popularity next-item model (paper's `Hawkes`, `HP`, `EMA`). */
export function itemPopScores(lambda: ArrayLike<number>, itemCounts: ArrayLike<number>): ScoreSource {
  const colScale = Float64Array.from(itemCounts, (n) => Math.max(COUNT_FLOOR, n));
  // No product (dim 0): identity of the bias 1 times the two scales, λ(x) · count(y).
  const ones = new Float64Array(colScale.length).fill(1);
  return factoredScores({
    nRows: lambda.length,
    nCols: colScale.length,
    dim: 0,
    rowScale: lambda,
    colScale,
    colBias: ones,
  });
}

/** Uniform scores in [0, 1) from a hash of (seed, row, column): deterministic per call, no state (rime's `Rand`). */
export function randScores(nRows: number, nCols: number, seed: number): ScoreSource {
  return {
    nRows,
    nCols,
    fillRows(r0, r1, out) {
      for (let r = r0; r < r1; r++) {
        for (let c = 0; c < nCols; c++) {
          let h =
            Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(r + 1, 0xc2b2ae35) ^ Math.imul(c + 1, 0x27d4eb2f);
          h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
          h = Math.imul(h ^ (h >>> 12), 0x297a2d39);
          h ^= h >>> 15;
          out[(r - r0) * nCols + c] = (h >>> 0) / 4294967296;
        }
      }
    },
  };
}

/** A scorer composing an intensity with a next-item model, e.g. `RNN-Hawkes`. */
export function rimScorer(name: string, intensity: IntensityModel, next: NextItemModel): Scorer {
  return { name, scores: async (rows) => rimScores(intensity.predict(rows), await next.factors(rows)) };
}

/** A scorer λ(x) × item count, e.g. `Hawkes`. `itemCounts` are training counts per item. */
export function itemPopScorer(name: string, intensity: IntensityModel, itemCounts: ArrayLike<number>): Scorer {
  return { name, scores: async (rows) => itemPopScores(intensity.predict(rows), itemCounts) };
}

/** rime's `Pop`: max(0.01, user history length) × max(0.01, item training count). */
export function popScorer(dataset: Dataset, itemCounts: ArrayLike<number>): Scorer {
  return {
    name: 'Pop',
    scores: async (rows: EvalSet) =>
      itemPopScores(
        historyLengths(dataset, rows).map((n) => Math.max(COUNT_FLOOR, n)),
        itemCounts,
      ),
  };
}

/** rime's `Rand`, seeded. */
export function randScorer(nItems: number, seed: number): Scorer {
  return { name: 'Rand', scores: async (rows) => randScores(rows.users.length, nItems, seed) };
}
