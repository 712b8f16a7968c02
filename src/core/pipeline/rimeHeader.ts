import type { Dataset, Split } from '../data/types';
import { perplexity } from '../metrics/evaluate';
import { trainItemCounts } from '../models/intensity/history';
import type { SweepPoint } from '../planner/types';
import type { RunConfig } from './config';

/**
 * The header of the reference's `ExperimentResult` (rime/__init__.py), so that its loaders and plotting functions
 * (`plot_rec_results`, `plot_mtch_results`, `get_mtch_`) read our results JSON as they read their own:
 *  - `dual`, `online`: how the mtch_ curves were solved (greedy: both false; offline Dual: dual; online: both);
 *  - `_k1`, `_c1`: the ItemRec top-K and the UserRec top-C; `_kmax`, `_cmax`: candidate items and test user states;
 *  - `item_ppl_baseline`: eq. 15's perplexity of the candidate items' training counts (what recommending in
 *    proportion to popularity spreads to); `user_ppl_baseline`: the same over the test states' history lengths.
 */
export interface RimeHeader {
  dual: boolean;
  online: boolean;
  _k1: number;
  _c1: number;
  _kmax: number;
  _cmax: number;
  item_ppl_baseline: number;
  user_ppl_baseline: number;
}

export function rimeHeader(dataset: Dataset, split: Split, config: RunConfig, topK: number, topC: number): RimeHeader {
  const mode = config.match?.mode ?? 'greedy';
  const counts = trainItemCounts(dataset, split.trainEnd);
  // The candidate items are those seen in training (the reference's item_in_test).
  const candidates = Array.from(counts).filter((c) => c > 0);
  const { test } = split;
  const hist = Array.from(test.users, (u, r) => test.histEnd[r] - dataset.userOffsets[u]);
  return {
    dual: mode !== 'greedy',
    online: mode === 'online',
    _k1: topK,
    _c1: topC,
    _kmax: candidates.length,
    _cmax: test.users.length,
    item_ppl_baseline: perplexity(candidates),
    user_ppl_baseline: perplexity(hist),
  };
}

/**
 * A sweep point as the reference's `mtch_` records it: `k` and `c` are the settings the point was solved at, not the
 * counts it delivered, so that `get_mtch_(k=_k1)` picks the β sweep and `get_mtch_(c=_c1)` the α sweep:
 *  - β sweep (item minimal exposure, the reference's 'lb'): k = _k1, c = β · test states;
 *  - α sweep (user capacity under item maximal exposure, 'ub'): k = α · items, c = _c1.
 * What was delivered stays beside them, as `recs/user` and `recs/item` (means).
 */
export type RimeMtchPoint = SweepPoint & { 'recs/user': number; 'recs/item': number };

export function rimeMtchPoint(p: SweepPoint, h: RimeHeader, nItems: number): RimeMtchPoint {
  const alphaSweep = p.betaMax !== undefined;
  return {
    ...p,
    'recs/user': p.k,
    'recs/item': p.c,
    k: alphaSweep ? p.alpha * nItems : h._k1,
    c: alphaSweep ? h._c1 : p.beta * h._cmax,
  };
}
