/**
 * Greedy offline matching, the reference's two modes (rime metrics/greedy_mtch `assign_mtch`):
 * - upper bounds (β = 0): walk all pairs in descending score order, assign while the row has capacity
 *   (K = round(α·items)) and the item has room (β'·rows when betaMax is set, unbounded otherwise);
 * - lower bounds (β > 0): first a min-exposure pass with budgets small enough that every item can reach its minimum
 *   (per row min(K, ⌈T/rows⌉), per item min(C, ⌈T/items⌉), T = min(rows·K, C·items), C = round(β·rows)), then a
 *   top-off pass over the pairs not yet taken with the remaining row capacity (rows stay capped at K; the reference
 *   leaves rows uncapped when β·rows·items ≥ K·rows, which β ≤ α excludes but for β = α).
 *
 * Order: higher score first, equal scores by row-major position (deterministic; rime's argsort is not). The walk
 * never sorts the whole matrix: it takes the pairs in score bands (a sampled quantile gives each band's floor), skips
 * pairs whose row or item is already full, and stops when no row or no item has budget left.
 */
import type { ScoreSource } from '../models/scores';
import type { StopSignal } from '../util/abort';
import { checkSettings, denseOf, hardK, secondsSince, solutionOf, hardResiduals } from './common';
import { assignmentCounts } from './metrics';
import type { MatchSettings, MatchSolution } from './types';

export interface GreedyOptions {
  signal?: StopSignal;
  /** Pairs per band (default 2^18): larger bands mean fewer passes over the matrix but bigger sorts. */
  bandSize?: number;
  /**
   * Every pair's flat index in the walk's order (descendingOrder of the same scores): when given, the walk reads it
   * instead of cutting bands, a few ms per solve. Worth keeping for repeated solves on small matrices (4 bytes a pair).
   */
  order?: Int32Array;
}

/** Every pair of `data` in descending score order, ties by ascending flat index: the greedy walk's order. */
export function descendingOrder(data: Float32Array): Int32Array {
  const all = new Int32Array(data.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  return sortBandDescending(
    all,
    all.length,
    new Uint32Array(data.buffer, data.byteOffset, data.length),
    createRadixScratch(),
  );
}

/** Rows and items with budget left (the walk stops when either is 0). */
interface Left {
  rows: number;
  cols: number;
}

const budgetsLeft = (k: Int32Array, c: Int32Array): Left => {
  let rows = 0;
  for (let r = 0; r < k.length; r++) if (k[r] > 0) rows++;
  let cols = 0;
  for (let y = 0; y < c.length; y++) if (c[y] > 0) cols++;
  return { rows, cols };
};

/**
 * Assigns the pairs order[0..m) in turn while the row budget k[r] and the item budget c[y] last, skipping pairs
 * already taken; decrements the budgets and `left`, marks `taken`. Returns the number of pairs assigned.
 */
function assignInOrder(
  order: Int32Array,
  m: number,
  nCols: number,
  k: Int32Array,
  c: Int32Array,
  taken: Uint8Array,
  left: Left,
): number {
  let { rows, cols } = left;
  let assigned = 0;
  for (let q = 0; q < m && rows > 0 && cols > 0; q++) {
    const i = order[q];
    if (taken[i]) continue;
    const r = (i / nCols) | 0;
    const y = i - r * nCols;
    if (k[r] > 0 && c[y] > 0) {
      taken[i] = 1;
      assigned++;
      if (--k[r] === 0) rows--;
      if (--c[y] === 0) cols--;
    }
  }
  left.rows = rows;
  left.cols = cols;
  return assigned;
}

/**
 * Assigns pairs in descending score order while the row budget k[r] and the item budget c[y] last, skipping pairs
 * already taken; decrements the budgets and marks `taken`. Returns the number of pairs assigned.
 */
export function assignSorted(
  data: Float32Array,
  nRows: number,
  nCols: number,
  k: Int32Array,
  c: Int32Array,
  taken: Uint8Array,
  bandSize = 1 << 18,
  signal?: StopSignal,
): number {
  const budgets = budgetsLeft(k, c);
  const n = nRows * nCols;
  // A strided sample of the scores, sorted descending, to place band floors.
  const step = Math.max(1, Math.floor(n / 65536));
  const picked: number[] = [];
  for (let i = 0; i < n; i += step) if (data[i] === data[i]) picked.push(data[i]);
  const sample = Float64Array.from(picked).sort().reverse();
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const radix = createRadixScratch();
  let hi = Infinity;
  let used = 0; // sample values at or above hi
  let assigned = 0;
  let band = new Int32Array(0);
  let grow = 1;
  while (budgets.rows > 0 && budgets.cols > 0) {
    if (signal?.aborted) throw new Error('aborted');
    // Floor of this band: the sample quantile that leaves about max(bandSize, 2 × the budget left) pairs between it
    // and hi (large budgets, e.g. α = 50%, would otherwise take one pass over the matrix per small band).
    let left = 0;
    for (let y = 0; y < nCols; y++) left += c[y] > 0 ? c[y] : 0;
    let leftK = 0;
    for (let r = 0; r < nRows; r++) leftK += k[r] > 0 ? k[r] : 0;
    const want = Math.max(bandSize * grow, 2 * Math.min(left, leftK));
    used += Math.max(1, Math.ceil((want / n) * sample.length));
    const lo = used < sample.length ? sample[used] : -Infinity;
    let m = 0;
    for (let r = 0; r < nRows; r++) {
      if (k[r] <= 0) continue;
      const off = r * nCols;
      for (let y = 0; y < nCols; y++) {
        const s = data[off + y];
        if (s < hi && s >= lo && c[y] > 0 && taken[off + y] === 0) {
          if (m === band.length) {
            const grown = new Int32Array(Math.max(1024, band.length * 2));
            grown.set(band);
            band = grown;
          }
          band[m++] = off + y;
        }
      }
    }
    const inBand = assignInOrder(sortBandDescending(band, m, bits, radix), m, nCols, k, c, taken, budgets);
    assigned += inBand;
    if (lo === -Infinity) break;
    hi = lo;
    // A band that assigned little (deep in the order, few items still short) is mostly a pass over the matrix for
    // nothing: take wider bands from then on.
    if (inBand < m / 8) grow *= 2;
  }
  return assigned;
}

interface RadixScratch {
  keys: Uint32Array;
  keys2: Uint32Array;
  idx2: Int32Array;
  count: Uint32Array;
}

const createRadixScratch = (): RadixScratch => ({
  keys: new Uint32Array(0),
  keys2: new Uint32Array(0),
  idx2: new Int32Array(0),
  count: new Uint32Array(1 << 11),
});

/**
 * band[0..m) (flat indices, ascending) reordered by descending score, ties by ascending index: a stable LSD radix
 * sort over the scores' float bits (3 passes of 11 bits). Hand-written because Array.prototype.sort with a comparator
 * was most of a greedy solve (far slower on bands of 2^18 pairs). Returns a view of the sorted indices.
 */
export function sortBandDescending(band: Int32Array, m: number, bits: Uint32Array, sc: RadixScratch): Int32Array {
  if (sc.keys.length < m) {
    sc.keys = new Uint32Array(m);
    sc.keys2 = new Uint32Array(m);
    sc.idx2 = new Int32Array(m);
  }
  let keys = sc.keys;
  let keys2 = sc.keys2;
  let idx = band;
  let idx2 = sc.idx2;
  for (let q = 0; q < m; q++) {
    const b = bits[band[q]];
    // Unsigned order of floats (negatives flipped), then inverted for descending order.
    keys[q] = ~(b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
  }
  const count = sc.count;
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let q = 0; q < m; q++) count[(keys[q] >>> shift) & 0x7ff]++;
    let sum = 0;
    for (let d = 0; d < count.length; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let q = 0; q < m; q++) {
      const d = (keys[q] >>> shift) & 0x7ff;
      const at = count[d]++;
      keys2[at] = keys[q];
      idx2[at] = idx[q];
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  // Three passes: the result sits in the scratch's index buffer (band and idx2 swapped an odd number of times).
  sc.keys = keys;
  sc.keys2 = keys2;
  if (idx !== band) {
    band.set(idx.subarray(0, m));
    sc.idx2 = idx;
  }
  return band.subarray(0, m);
}

/** Greedy offline assignment under the settings (see the module comment for the two modes). */
export function solveGreedy(scores: ScoreSource, s: MatchSettings, opts: GreedyOptions = {}): MatchSolution {
  checkSettings(s);
  const t0 = Date.now();
  const data = denseOf(scores);
  const { nRows: m, nCols: p } = scores;
  const K = hardK(s, p);
  const cMax = s.betaMax !== undefined ? Math.round(s.betaMax * m) : m;
  const taken = new Uint8Array(m * p);
  const k = new Int32Array(m);
  const c = new Int32Array(p);
  const order = opts.order?.length === m * p ? opts.order : null;
  const walk = (k: Int32Array, c: Int32Array) =>
    order
      ? assignInOrder(order, order.length, p, k, c, taken, budgetsLeft(k, c))
      : assignSorted(data, m, p, k, c, taken, opts.bandSize, opts.signal);
  if (s.beta <= 0) {
    k.fill(K);
    c.fill(cMax);
    walk(k, c);
  } else {
    const C = Math.round(s.beta * m);
    const total = Math.min(m * K, C * p);
    const minK = Math.min(K, Math.ceil(total / m));
    const minC = Math.min(C, Math.ceil(total / p));
    k.fill(minK);
    c.fill(minC);
    walk(k, c);
    // Top-off: remaining capacity per row, room per item up to β' (or unbounded).
    const load = new Int32Array(m);
    const expo = new Int32Array(p);
    for (let r = 0; r < m; r++) {
      for (let y = 0; y < p; y++) {
        if (taken[r * p + y]) {
          load[r]++;
          expo[y]++;
        }
      }
    }
    for (let r = 0; r < m; r++) k[r] = Math.max(0, K - load[r]);
    for (let y = 0; y < p; y++) c[y] = Math.max(0, cMax - expo[y]);
    walk(k, c);
  }
  const indptr = new Int32Array(m + 1);
  const cols: number[] = [];
  for (let r = 0; r < m; r++) {
    const off = r * p;
    for (let y = 0; y < p; y++) if (taken[off + y]) cols.push(y);
    indptr[r + 1] = cols.length;
  }
  const assignment = { nRows: m, nCols: p, indptr, indices: Int32Array.from(cols) };
  const counts = assignmentCounts(assignment);
  const res = hardResiduals(assignment, s, counts.userLoad, counts.itemExposure);
  const state = { u: new Float64Array(m), v: new Float64Array(p), eps: 0 };
  return solutionOf('greedy', s, data, assignment, state, { user: [res.user], item: [res.item] }, 1, secondsSince(t0));
}
