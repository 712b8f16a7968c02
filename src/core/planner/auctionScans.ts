/**
 * The reads of the score matrix that the auction (auction.ts) makes: the transposed copy its raises read columns of,
 * the margin scale, a raise's cheapest outsiders (one column read) and a lift's swap thresholds (row reads).
 */
import { allocTransposed, f32Bound, type ScanKernel } from './scanKernel';
import { kthLargest } from './select';

/** cols × rows copy, in tiles so both reads and writes stay in cache; in a scan kernel's memory where possible. */
export function transpose(data: Float32Array, nRows: number, nCols: number, useKernel = true): Float32Array {
  const out = allocTransposed(nRows, nCols, useKernel);
  const T = 64;
  for (let r0 = 0; r0 < nRows; r0 += T) {
    const r1 = Math.min(nRows, r0 + T);
    for (let c0 = 0; c0 < nCols; c0 += T) {
      const c1 = Math.min(nCols, c0 + T);
      for (let r = r0; r < r1; r++) {
        const off = r * nCols;
        for (let c = c0; c < c1; c++) out[c * nRows + r] = data[off + c];
      }
    }
  }
  return out;
}

/** k-th smallest (1-based) of a[0..n); reorders a. */
export const kthSmallest = (a: Float64Array, n: number, k: number): number => kthLargest(a, n, n - k + 1);

export function maxOf(data: Float32Array): number {
  let mx = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > mx) mx = data[i];
  return mx;
}

/** Mean K-th largest score over up to 64 evenly spaced rows: the scale of the choices at the margin. */
export function marginalScore(data: Float32Array, n: number, m: number, K: number): number {
  if (K < 1 || n === 0) return 0;
  const rows = Math.min(n, 64);
  const a = new Float64Array(m);
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const x = Math.floor((i * n) / rows);
    for (let y = 0; y < m; y++) a[y] = data[x * m + y];
    sum += kthLargest(a, m, K);
  }
  return sum / rows;
}

/** Relative to the magnitudes compared, far above the rounding (~1e-16) that regrouping a difference adds. */
const SCREEN_SLACK = 1e-12;

/**
 * Adds (cx, x) to the bounded max-heap cost[0..c) / users[0..c) of at most `need`; returns the new count. The heap
 * orders by (cost, user), so which of several equal costs it keeps does not depend on the order it saw them in.
 */
export function keep(cost: Float64Array, users: Int32Array, c: number, need: number, cx: number, x: number): number {
  let i: number;
  if (c < need) {
    // Sift up from the new leaf.
    i = c++;
    for (let p = (i - 1) >> 1; i > 0 && (cost[p] < cx || (cost[p] === cx && users[p] < x)); p = (i - 1) >> 1) {
      cost[i] = cost[p];
      users[i] = users[p];
      i = p;
    }
  } else {
    // Replace the root (the dearest kept; (cx, x) is below it) and sift it down.
    i = 0;
    for (let l = 1; l < c; l = 2 * i + 1) {
      const r = l + 1;
      const k = r < c && (cost[r] > cost[l] || (cost[r] === cost[l] && users[r] > users[l])) ? r : l;
      if (cost[k] < cx || (cost[k] === cx && users[k] < x)) break;
      cost[i] = cost[k];
      users[i] = users[k];
      i = k;
    }
  }
  cost[i] = cx;
  users[i] = x;
  return c;
}

/**
 * The `need` users outside column `col` cheapest to win at boost wy (cost: their K-th value − (λ + wy)), written to
 * cost[0..c) / users[0..c) in ascending user order; returns c. Ties at the margin go to the lower user index, so the
 * JS scan and the kernel's pick the same users. Module functions with their arrays as arguments, so that V8 keeps
 * them in registers (as closures they were re-read every iteration).
 *
 * In JS: one pass over the column keeping a bounded max-heap (a quickselect over all outsiders cost several times more per
 * raise); once `need` are kept, users are read eight at a time and looked at further (membership, the heap) only
 * when one of them costs less than the dearest kept. With a scan kernel (T and membership in its memory) WASM SIMD
 * takes each 16-user block's cheapest outsider; the need-th smallest of those bounds the answer, and only the few
 * blocks under it are read exactly.
 */
export function cheapestOutsiders(
  member: Uint8Array,
  col: number,
  kth: Float64Array,
  T: Float32Array,
  wy: number,
  n: number,
  need: number,
  cost: Float64Array,
  users: Int32Array,
  kern: ScanKernel | null = null,
): number {
  const c = kern
    ? cheapestByBlocks(member, col, kth, T, wy, n, need, cost, users, kern)
    : cheapestInJs(member, col, kth, T, wy, n, need, cost, users);
  byUser(cost, users, c);
  return c;
}

function cheapestInJs(
  member: Uint8Array,
  col: number,
  kth: Float64Array,
  T: Float32Array,
  wy: number,
  n: number,
  need: number,
  cost: Float64Array,
  users: Int32Array,
): number {
  let c = 0;
  let x = 0;
  for (; x < n && c < need; x++) if (!member[col + x]) c = keep(cost, users, c, need, kth[x] - (T[col + x] + wy), x);
  if (c < need) return c;
  let bar = cost[0];
  // The screen compares kth − λ with bar + wy (one subtraction a user), widened for the rounding that regrouping
  // adds; those it passes are costed exactly as above.
  const wide = (b: number) => b + wy + SCREEN_SLACK * (1 + Math.abs(wy) + Math.abs(b));
  let screen = wide(bar);
  const end = col + n;
  for (let i = col + x; i < end; i += 8) {
    const z = i - col;
    if (i + 7 < end) {
      if (!(
        kth[z] - T[i] < screen ||
        kth[z + 1] - T[i + 1] < screen ||
        kth[z + 2] - T[i + 2] < screen ||
        kth[z + 3] - T[i + 3] < screen ||
        kth[z + 4] - T[i + 4] < screen ||
        kth[z + 5] - T[i + 5] < screen ||
        kth[z + 6] - T[i + 6] < screen ||
        kth[z + 7] - T[i + 7] < screen
      ))
        continue;
    }
    for (let j = 0, e = Math.min(8, end - i); j < e; j++) {
      const cx = kth[z + j] - (T[i + j] + wy);
      if (cx < bar && !member[i + j]) {
        keep(cost, users, c, need, cx, z + j);
        bar = cost[0];
        screen = wide(bar);
      }
    }
  }
  return c;
}

function cheapestByBlocks(
  member: Uint8Array,
  col: number,
  kth: Float64Array,
  T: Float32Array,
  wy: number,
  n: number,
  need: number,
  cost: Float64Array,
  users: Int32Array,
  kern: ScanKernel,
): number {
  const nb = kern.blockMins(kern.tBase + 4 * col, kern.kBase, kern.mBase + col, n, kern.minsBase);
  const mins = kern.mins;
  // The need-th smallest block minimum: `need` distinct outsiders cost at most that (+ wy), so the need cheapest do
  // too, and every block holding one of them has its minimum under the bound (widened for f32 rounding).
  let c = 0;
  for (let b = 0; b < nb; b++) {
    const v = mins[b];
    if (v === Infinity) continue;
    if (c < need) c = keep(cost, users, c, need, v, b);
    else if (v < cost[0]) keep(cost, users, c, need, v, b);
  }
  const bound = c < need ? Infinity : f32Bound(cost[0]);
  c = 0;
  let bar = Infinity;
  for (let b = 0; b <= nb; b++) {
    // Block nb is the tail (n mod 16 users), which the kernel leaves to this loop.
    if (b < nb && !(mins[b] <= bound)) continue;
    for (let x = b * 16, e = Math.min(n, x + 16); x < e; x++) {
      if (member[col + x]) continue;
      const cx = kth[x] - (T[col + x] + wy);
      if (c < need) {
        c = keep(cost, users, c, need, cx, x);
        if (c === need) bar = cost[0];
      } else if (cx < bar) {
        keep(cost, users, c, need, cx, x);
        bar = cost[0];
      }
    }
  }
  return c;
}

/** Sorts the pairs (cost[i], users[i]), i < c, by user. */
function byUser(cost: Float64Array, users: Int32Array, c: number): void {
  if (c <= 32) {
    for (let i = 1; i < c; i++) {
      const u = users[i];
      const v = cost[i];
      let j = i - 1;
      for (; j >= 0 && users[j] > u; j--) {
        users[j + 1] = users[j];
        cost[j + 1] = cost[j];
      }
      users[j + 1] = u;
      cost[j + 1] = v;
    }
    return;
  }
  const order = Array.from({ length: c }, (_, i) => i).sort((a, b) => users[a] - users[b]);
  const u = order.map((i) => users[i]);
  const v = order.map((i) => cost[i]);
  users.set(u);
  cost.set(v);
}

/** Swaps per user that the lift's line search considers (a user's j-th swap needs its j-th worst unboosted item). */
export const LIFT_SWAPS = 8;
/**
 * The lift estimates its line minimum on every LIFT_SAMPLE-th user (all users below 1,024; at least 512 sampled): a
 * pass over every user's row costs several times more and estimated the common rise no better for the raises that
 * follow. A sample that under-lifts only leaves more of the rise to the raises.
 */
export const LIFT_SAMPLE = 8;

/**
 * The lift's breakpoints (see `lift` in solveAuction): for every `stride`-th user x holding unboosted items, its
 * j-th swap threshold a_j − b_j (a_j its j-th worst held unboosted value λ + w, b_j its j-th best unheld boosted
 * value), j up to min(held unboosted, LIFT_SWAPS), written to th; returns their count. One row read per such user.
 * A module function with its arrays as arguments, like cheapestOutsiders, so that V8 keeps them in registers.
 */
export function liftThresholds(
  data: Float32Array,
  n: number,
  m: number,
  K: number,
  item: Int32Array,
  val: Float64Array,
  w: Float64Array,
  inRow: Uint8Array,
  th: Float64Array,
  stride: number,
): number {
  const R = LIFT_SWAPS;
  const aVal = new Float64Array(K);
  const bVal = new Float64Array(R);
  // Boosts with the unboosted items at −∞, so the row scan below rejects most items with one add and one compare.
  const wb = Float64Array.from(w, (v) => (v > 0 ? v : -Infinity));
  let ns = 0;
  for (let x = 0; x < n; x += stride) {
    const b = x * K;
    let q = 0;
    for (let i = 0; i < K; i++) {
      const y = item[b + i];
      if (y < 0 || w[y] > 0) continue;
      const v = val[b + i];
      let j = q++;
      for (; j > 0 && aVal[j - 1] > v; j--) aVal[j] = aVal[j - 1];
      aVal[j] = v;
    }
    if (q === 0) continue;
    const r = Math.min(q, R);
    for (let i = 0; i < K; i++) if (item[b + i] >= 0) inRow[item[b + i]] = 1;
    let nb = 0;
    let floor = -Infinity;
    const off = x * m;
    for (let y = 0; y < m; y++) {
      const v = data[off + y] + wb[y];
      if (v <= floor || inRow[y]) continue;
      let j = nb < r ? nb++ : r - 1;
      for (; j > 0 && bVal[j - 1] < v; j--) bVal[j] = bVal[j - 1];
      bVal[j] = v;
      if (nb === r) floor = bVal[r - 1];
    }
    for (let i = 0; i < K; i++) if (item[b + i] >= 0) inRow[item[b + i]] = 0;
    for (let j = 0; j < nb; j++) th[ns++] = aVal[j] - bVal[j];
  }
  return ns;
}
