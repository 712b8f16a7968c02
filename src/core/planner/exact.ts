/**
 * The offline Dual's ε → 0 limit (eq. 14) solved on all rows by the price auction of auction.ts: what offline
 * planning uses by default for minimal exposure (β). Annealing ε (eqs. 12-13, dual.ts) is what the item-maximum (β')
 * case and online calibration use: online decisions are TopK{λ − v} per user, and the auction's prices reproduce its
 * chosen sets only up to its raise margin.
 *
 * Warm starts resume the auction from a previous assignment at the same K and a lower or equal β (prices only rise
 * from there: each boosted item wins its few extra users). Re-deriving the chosen sets from old prices instead starts
 * a cascade of corrections (with the raise margin they are not exactly the top K of λ + w), and resuming from a
 * higher β needs lowerings that each rescan rows: both cost more than solving afresh (a step down cost many times a
 * cold solve), so those start cold.
 */
import type { StopSignal } from '../util/abort';
import { solveAuction } from './auction';
import type { AuctionWorkspace } from './auctionState';
import { assignmentOf, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import type { DualState, MatchSettings, MatchSolution } from './types';

/**
 * The CSR of each row's chosen items (−1: an empty slot), ascending, with the loads and exposures: one counting pass
 * over items instead of a sort per row and a second count.
 */
export function assignmentOfChoices(chosen: Int32Array, nRows: number, nCols: number, K: number) {
  const userLoad = new Int32Array(nRows);
  const itemExposure = new Int32Array(nCols);
  for (let x = 0; x < nRows; x++) {
    for (let i = 0; i < K; i++) {
      const y = chosen[x * K + i];
      if (y >= 0) {
        userLoad[x]++;
        itemExposure[y]++;
      }
    }
  }
  const indptr = new Int32Array(nRows + 1);
  for (let x = 0; x < nRows; x++) indptr[x + 1] = indptr[x] + userLoad[x];
  // Rows of each item (a counting sort by item), then items appended to their rows in ascending order.
  const itemPtr = new Int32Array(nCols + 1);
  for (let y = 0; y < nCols; y++) itemPtr[y + 1] = itemPtr[y] + itemExposure[y];
  const rowsOf = new Int32Array(itemPtr[nCols]);
  const fill = itemPtr.slice(0, nCols);
  for (let x = 0; x < nRows; x++) {
    for (let i = 0; i < K; i++) {
      const y = chosen[x * K + i];
      if (y >= 0) rowsOf[fill[y]++] = x;
    }
  }
  const indices = new Int32Array(indptr[nRows]);
  const next = indptr.slice(0, nRows);
  for (let y = 0; y < nCols; y++) for (let p = itemPtr[y]; p < itemPtr[y + 1]; p++) indices[next[rowsOf[p]]++] = y;
  return { assignment: assignmentOf(nRows, nCols, indptr, indices), userLoad, itemExposure };
}

export function solveExact(
  data: Float32Array,
  transposed: Float32Array,
  nRows: number,
  nCols: number,
  s: MatchSettings,
  signal?: StopSignal,
  warm?: DualState,
  workspace?: AuctionWorkspace,
): MatchSolution {
  const t0 = Date.now();
  const K = hardK(s, nCols);
  // Minimal exposure in whole users, rounded like K (round(α·n_items)): within one of β·rows; never more than the
  // users' capacity holds (β = α can ask for a few more after rounding).
  const lo = Math.min(Math.round(s.beta * nRows), Math.floor((nRows * K) / Math.max(1, nCols)));
  const prev = warm?.auction;
  const resume =
    prev && prev.K === K && prev.lo <= lo && prev.chosen.length === nRows * K && prev.w.length === nCols
      ? prev
      : undefined;
  const r = solveAuction({ data, transposed, nRows, nCols, K, lo, hi: Infinity }, { signal, resume, workspace });
  const { assignment, userLoad, itemExposure } = assignmentOfChoices(r.chosen, nRows, nCols, K);
  const res = hardResiduals(assignment, s, userLoad, itemExposure);
  const v = new Float64Array(nCols);
  for (let y = 0; y < nCols; y++) v[y] = r.w[y] === 0 ? 0 : -r.w[y];
  // The state keeps no values: a resumed solve re-reads λ + w at its K choices per row (the same assignment; see
  // auction.ts), and a memo holds dozens of these states, each rows × K doubles more.
  const auction = { K, lo, chosen: r.chosen, w: r.w };
  // Σ λ over the decisions from the values the auction keeps (λ + w, so Σ values − Σ_y w_y·exposure_y), rather than
  // reading λ back at rows × K scattered places of the matrix. Equal up to f64 rounding.
  let objective = 0;
  for (let i = 0; i < r.chosen.length; i++) if (r.chosen[i] >= 0) objective += r.values[i];
  for (let y = 0; y < nCols; y++) objective -= r.w[y] * itemExposure[y];
  return solutionOf(
    'offline',
    s,
    data,
    assignment,
    { u: r.u, v, eps: 0, auction },
    { user: [res.user], item: [res.item] },
    r.raises + r.lowers,
    secondsSince(t0),
    {
      objective,
      userLoad,
      itemExposure,
    },
  );
}
