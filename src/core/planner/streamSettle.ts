/**
 * The last step of the streamed offline Dual (streamDual.ts): items still below their minimal exposure after the
 * streamed passes raise their boosts one at a time, each just enough to win the users cheapest to win, as the dense
 * auction's raises do (auction.ts, a reverse auction, Bertsekas 1988), but reading one column of scores computed on
 * demand (factored scores: users × D work) instead of a stored transpose.
 *
 * Why the passes alone do not get there: their v-step is every item's best response to the others' boosts, applied
 * to all items at once (Jacobi). Long-tail items all find their cheapest users among the same low-λ(x) users, more of
 * them than those users have slots; after the simultaneous step each such user keeps only its K best, and the items
 * it drops are short again, by about as much as before. One item at a time (Gauss-Seidel) sees who already took
 * those slots; boosts only rise, each raise by at least δ, so the raises end, with every item at or above its
 * minimum. The items they displace are queued and raise in turn.
 *
 * Memory: the users' choices (users × K values and items, kept by streamDual) and a cache of columns (128 MiB).
 */
import type { StopSignal } from '../util/abort';
import { keep } from './auctionScans';
import type { ChoiceSlots } from './choiceSlots';

/** Scores by item: items ys[j]'s scores for every user into out[j·nRows ..]. */
export interface ColumnSource {
  nRows: number;
  nCols: number;
  fillColumns(ys: Int32Array, out: Float32Array): void;
}

/** Memory for the columns kept between raises (an item raises again after the users it won were taken). */
const COLUMN_CACHE_BYTES = 128 * 2 ** 20;
/** Columns computed in one call at most (the queued items next in line share the reads of the user vectors). */
const COLUMN_BATCH = 32;

export interface SettleOptions {
  /** Raise margin δ in score units: a raise goes this far past the dearest user it wins (see auction.ts). */
  delta: number;
  /** Raises after which δ is widened ×4 to end a price war; default 3 per item + 1,000 (as auction.ts). */
  widenAfter?: number;
  /** Most raises; default 50 per item (as auction.ts). The result says whether every item got there. */
  maxRaises?: number;
  signal?: StopSignal;
  onRaises?: (raises: number, queued: number) => void;
}

export interface SettleReport {
  raises: number;
  /** Items that raised at least once. */
  items: number;
  /** The raise margin at the end (δ after any widening), score units. */
  delta: number;
  converged: boolean;
}

/**
 * Raises every item whose exposure is below `lo` (choices, w and exposure are updated in place): w = −v per item,
 * `choices` each user's K chosen items with values λ + w (empty slots: item −1, worth 0).
 */
export function settleRaises(
  cols: ColumnSource,
  choices: ChoiceSlots,
  w: Float64Array,
  exposure: Int32Array,
  lo: number,
  opts: SettleOptions,
): SettleReport {
  const { nRows: n, nCols: p } = cols;
  const K = choices.K;
  const report: SettleReport = { raises: 0, items: 0, delta: opts.delta, converged: true };
  if (lo <= 0 || K === 0) return report;
  const widenAfter = opts.widenAfter ?? 3 * p + 1000;
  const maxRaises = opts.maxRaises ?? 50 * Math.max(1, p);
  // A round-robin cache of columns: slotOf[y] its slot (−1: none), owner[slot] the item in it.
  const C = Math.max(1, Math.min(p, Math.floor(COLUMN_CACHE_BYTES / (4 * Math.max(1, n)))));
  const pool = new Float32Array(C * n);
  const slotOf = new Int32Array(p).fill(-1);
  const owner = new Int32Array(C).fill(-1);
  const batch = new Int32Array(Math.min(C, COLUMN_BATCH));
  let nextSlot = 0;
  /** Item y's column, computed with the next queued items lacking one when not cached. */
  const columnOf = (y: number): Float32Array => {
    if (slotOf[y] < 0) {
      let b = 0;
      batch[b++] = y;
      for (let i = 0; i < len && b < batch.length; i++) {
        const z = queue[(head + i) % p];
        if (slotOf[z] < 0 && z !== y) batch[b++] = z;
      }
      if (nextSlot + b > C) nextSlot = 0;
      for (let i = 0; i < b; i++) {
        const s = nextSlot + i;
        if (owner[s] >= 0) slotOf[owner[s]] = -1;
        owner[s] = batch[i];
        slotOf[batch[i]] = s;
      }
      cols.fillColumns(batch.subarray(0, b), pool.subarray(nextSlot * n, (nextSlot + b) * n));
      nextSlot += b;
    }
    return pool.subarray(slotOf[y] * n, (slotOf[y] + 1) * n);
  };
  const cost = new Float64Array(lo);
  const users = new Int32Array(lo);
  const holders = new Int32Array(n);
  const raised = new Uint8Array(p);
  // Items below their minimum, first in first out (a ring over items; `queued` marks members).
  const queue = new Int32Array(p);
  const queued = new Uint8Array(p);
  let head = 0;
  let len = 0;
  const push = (y: number) => {
    if (queued[y]) return;
    queued[y] = 1;
    queue[(head + len) % p] = y;
    len++;
  };
  for (let y = 0; y < p; y++) if (exposure[y] < lo) push(y);
  const { kth } = choices;
  let delta = opts.delta;
  let budget = widenAfter;
  while (len > 0) {
    if (report.raises >= maxRaises || opts.signal?.aborted) {
      report.converged = false;
      break;
    }
    if (report.raises >= budget) {
      delta *= 4;
      budget += widenAfter;
    }
    const y = queue[head];
    head = (head + 1) % p;
    len--;
    queued[y] = 0;
    const need = lo - exposure[y];
    if (need <= 0) continue;
    const col = columnOf(y);
    const wy = w[y];
    // Costs kth − (λ + w_y): a holder's is ≤ 0 (y is among its K values, kth their least), an outsider's ≥ 0 but
    // for ties and the rows' and columns' different rounding; only users near or below 0 are looked up in their row.
    let c = 0;
    let h = 0;
    for (let x = 0; x < n; x++) {
      const vx = col[x] + wy;
      const cx = kth[x] - vx;
      if (c === need && cx >= cost[0]) continue;
      if (cx <= 1e-5 * (Math.abs(kth[x]) + Math.abs(vx)) && choices.find(x, y) >= 0) {
        holders[h++] = x;
        continue;
      }
      c = keep(cost, users, c, need, cx, x);
    }
    // Holders not reached above (the heap was full and their cost not below its top) are found in a second look.
    if (h < exposure[y]) h = holdersByRows(choices, y, holders);
    if (c === 0) continue; // no outsider left to win (fewer users than the minimum allows)
    let cStar = 0;
    for (let i = 0; i < c; i++) if (cost[i] > cStar) cStar = cost[i];
    const wNew = wy + cStar + delta;
    for (let i = 0; i < h; i++) {
      const x = holders[i];
      choices.setValue(x, choices.find(x, y), col[x] + wNew);
    }
    for (let i = 0; i < c; i++) {
      const x = users[i];
      const out = choices.replaceMin(x, y, col[x] + wNew);
      exposure[y]++;
      if (out >= 0) {
        exposure[out]--;
        if (exposure[out] < lo) push(out);
      }
    }
    w[y] = wNew;
    if (!raised[y]) {
      raised[y] = 1;
      report.items++;
    }
    report.raises++;
    opts.onRaises?.(report.raises, len);
  }
  report.delta = delta;
  for (let y = 0; y < p && report.converged; y++) if (exposure[y] < lo) report.converged = false;
  return report;
}

/** Every holder of y by a scan of all users' choices (the fallback when costs miss one); returns their count. */
function holdersByRows(choices: ChoiceSlots, y: number, out: Int32Array): number {
  let h = 0;
  for (let x = 0; x < choices.nRows; x++) if (choices.find(x, y) >= 0) out[h++] = x;
  return h;
}
