import type { Rng } from '../../util/rng';

/**
 * Walker's alias method: draws an index k with probability w_k / Σw in O(1) after an O(n) build.
 * Used for BPR's negative users and items, w = (count + 1)^0.5 (paper appendix B; rime uses (count + 0.1)^0.5 —
 * we follow the task's +1 so that never-seen ids keep a proposal weight of 1 rather than 0.32).
 */
export interface AliasSampler {
  readonly n: number;
  sample(rng: Rng): number;
}

/** Throws RangeError on an empty, negative or all-zero weight vector (a programming error). */
export function aliasSampler(weights: ArrayLike<number>): AliasSampler {
  const n = weights.length;
  if (n === 0) throw new RangeError('alias sampler: no weights');
  let total = 0;
  for (let k = 0; k < n; k++) {
    if (!(weights[k] >= 0)) throw new RangeError(`alias sampler: weight ${k} is ${weights[k]}`);
    total += weights[k];
  }
  if (!(total > 0)) throw new RangeError('alias sampler: weights sum to 0');
  // Scaled probabilities n·p_k; columns with < 1 are topped up by an alias with > 1 (Vose's stable variant).
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let k = 0; k < n; k++) {
    scaled[k] = (weights[k] * n) / total;
    (scaled[k] < 1 ? small : large).push(k);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  // Leftovers are 1 up to rounding.
  for (const k of large) prob[k] = 1;
  for (const k of small) prob[k] = 1;
  return {
    n,
    sample(rng) {
      const x = rng.next() * n;
      const k = Math.min(n - 1, Math.floor(x));
      return x - k < prob[k] ? k : alias[k];
    },
  };
}

/** The BPR proposal weights (count + 1)^0.5 of users or items. */
export function sqrtCountWeights(counts: ArrayLike<number>): Float64Array {
  const w = new Float64Array(counts.length);
  for (let k = 0; k < w.length; k++) w[k] = Math.sqrt(counts[k] + 1);
  return w;
}
