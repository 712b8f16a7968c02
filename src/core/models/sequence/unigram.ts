/** Item frequencies among the training users' targets (add-one): the decoder's starting bias and the mixture's p_pop. */
import type { SeqSlice } from './data';
import { restore, type Params } from './params';

/**
 * Decoder bias b_v = log((n_v + 1) / (N + V)): the add-one log frequency of token v among the targets of the training users (not the validation ones), so
 * the untrained model already predicts item popularity (eq. 1 with h·E ≈ 0 at initialisation) and training only
 * has to learn what the history adds. rime's word_language_model init starts the bias at 0; on a small log
 * (ml-latest-small: 9,724 items, ~50k training targets) two epochs from 0 left the RNN's validation loss above
 * the unigram entropy (8.26-8.60 vs 8.12 nats) and its ItemRec below Pop's.
 */
export function setUnigramPrior(params: Params, nItems: number, item: Int32Array, slices: SeqSlice[]): void {
  const V = nItems + 1;
  const counts = new Float64Array(V);
  let total = 0;
  for (const sl of slices) {
    for (let e = sl.start; e < sl.end; e++) counts[item[e] + 1]++;
    total += sl.end - sl.start;
  }
  const prior = Float32Array.from(counts, (n) => Math.log((n + 1) / (total + V)));
  restore(params, new Map([['bias', prior]]));
}

/** p_pop: add-one frequency of each item among the training users' events (over items; the start token excluded). */
export function unigram(item: Int32Array, slices: SeqSlice[], nItems: number): Float32Array {
  const counts = new Float64Array(nItems);
  let total = 0;
  for (const sl of slices) {
    for (let e = sl.start; e < sl.end; e++) counts[item[e]]++;
    total += sl.end - sl.start;
  }
  return Float32Array.from(counts, (n) => (n + 1) / (total + nItems));
}
