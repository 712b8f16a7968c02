/**
 * The reference's greedy offline matching (greedy.ts) over a ScoreSource read in row blocks: one streamed pass keeps
 * candidate pairs, the walk runs on them, and a certificate says whether the walk on all users × items pairs would
 * have taken the same ones. Memory grows with users × (K + slack) + items × (2·C + slack), not users × items.
 *
 * - β = 0 (no item bound): the walk gives each user its top K (items never fill), read off each row.
 * - β > 0: the min-exposure walk (per-user budget minK, per-item budget minC, greedy.ts) runs over the candidate
 *   pairs: each user's top M1 = minK + 32 items and each item's top L = 2·minC + 16 users, in the walk's order
 *   (higher score first, ties by row-major position). The top-off then gives each user its best untaken items up
 *   to K: always among its top K, which the pass keeps too.
 *
 * Certificate: a pair left out has score ≤ b = min(floorRow[x], floorCol[y]) (the best score outside the user's
 * top M1, the L-th best of the item's column). The walk would never have taken it when, before the walk reached b,
 * the user or the item ran out of budget, or the walk stopped. Checked per user: its budget ran out above its floor,
 * or every item that did not run out above its own floor ran out above the user's floor. While users fail, another
 * pass keeps 4× more users for the items that did not run out above their floor, and the walk runs again (at most
 * maxRounds times). Users still failing are counted (report.uncertifiedRows); their decisions may differ from the
 * full walk's.
 */
import type { StopSignal } from '../util/abort';
import { checkSettings, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import { forEachBlock, RowSelector, type RowSource, type StreamProgress } from './stream';
import type { MatchSettings, MatchSolution } from './types';

export interface StreamGreedyOptions {
  signal?: StopSignal;
  /** Extra passes that widen the items' candidate users while the certificate fails; default 4. */
  maxRounds?: number;
  /** Most (item, user) pairs the items' candidate lists may hold in all before widening stops; default 2^25. */
  maxColumnPairs?: number;
  onProgress?: (p: StreamProgress) => void;
}

export interface StreamGreedyReport {
  /** Candidate pairs the min-exposure walk ran over. */
  pairs: number;
  /** Scoring passes over all users. */
  passes: number;
  /** Users whose decisions the certificate could not vouch for (0: identical to the walk over all pairs). */
  uncertifiedRows: number;
  seconds: { pass: number; walk: number; total: number };
}

export type StreamGreedySolution = MatchSolution & { stream: StreamGreedyReport };

/**
 * The items' candidate lists' budget: 2^25 pairs cost about 1 GB through the walk (heaps, pairs, their sort); each
 * widening multiplies the lists by 4, so without it a certificate that keeps failing grows them towards users × items.
 */
const COLUMN_PAIRS = 1 << 25;

export function solveGreedyStreamed(
  src: RowSource,
  s: MatchSettings,
  opts: StreamGreedyOptions = {},
): StreamGreedySolution {
  checkSettings(s);
  if (s.betaMax !== undefined)
    throw new RangeError('planner at scale: item maximal exposure (betaMax) needs the dense planner (fewer rows)');
  const t0 = Date.now();
  const { nRows: m, nCols: p } = src;
  const K = hardK(s, p);
  const C = Math.round(s.beta * m);
  const total = Math.min(m * K, C * p);
  const minK = s.beta > 0 ? Math.min(K, Math.ceil(total / m)) : 0;
  const minC = s.beta > 0 ? Math.min(C, Math.ceil(total / p)) : 0;
  const M1 = minK > 0 ? Math.min(p, minK + 32) : 0;
  const L = minK > 0 ? Math.min(m, 2 * minC + 16) : 0;
  const M = Math.max(K, M1);

  // The pass: each user's top M (items ascending), its floor beyond M1, and each item's top L users (min-heaps).
  const top = new Int32Array(m * M).fill(-1);
  const topLam = new Float32Array(m * M);
  // Slots among the user's top M1 (the walk's user side).
  const inM1 = new Uint8Array(m * M);
  const floorRow = new Float64Array(m);
  let cols = new ColumnHeaps(new Int32Array(p).fill(L), m);
  const sel = new RowSelector(p);
  const sel1 = new RowSelector(M);
  const key = new Float64Array(p);
  const key1 = new Float64Array(M);
  forEachBlock(
    src,
    (r0, r1, block) => {
      for (let x = r0; x < r1; x++) {
        const row = block.subarray((x - r0) * p, (x - r0 + 1) * p);
        for (let y = 0; y < p; y++) key[y] = row[y];
        const { count, floor } = sel.top(key, M);
        const b = x * M;
        for (let i = 0; i < count; i++) {
          top[b + i] = sel.idx[i];
          topLam[b + i] = row[sel.idx[i]];
        }
        floorRow[x] = floor;
        if (L === 0) continue;
        if (M1 < M) {
          // The top M1 of the kept ones, and the best score beyond them (the (M1 + 1)-th largest, or beyond M).
          for (let i = 0; i < count; i++) key1[i] = topLam[b + i];
          key1.fill(0, count);
          const r = sel1.top(key1, M1);
          for (let i = 0; i < r.count; i++) inM1[b + sel1.idx[i]] = 1;
          floorRow[x] = Math.max(floor, r.floor);
        } else inM1.fill(1, b, b + count);
        for (let y = 0; y < p; y++) if (row[y] > 0) cols.offer(y, row[y], x);
      }
    },
    { signal: opts.signal, onRows: (done) => opts.onProgress?.({ phase: 'pass', done, total: m }) },
  );
  const tPass = secondsSince(t0);
  const tWalk = Date.now();

  const load = new Int32Array(m);
  const expo = new Int32Array(p);
  let pairs = 0;
  let uncertified = 0;
  let passes = 1;
  const maxRounds = opts.maxRounds ?? 4;
  // The min-exposure walk's pairs by user (CSR) with their scores.
  let walkPtr = new Int32Array(m + 1);
  let walkItem = new Int32Array(0);
  let walkLam = new Float32Array(0);
  for (let round = 0; minK > 0; round++) {
    const walk = minExposureWalk(m, p, M, top, topLam, inM1, cols, minK, minC);
    pairs = walk.pairs;
    ({ walkPtr, walkItem, walkLam } = walk);
    // Certificate: items that ran out above their column floor hide nothing; the others bound every user's floor.
    const grow = new Int32Array(p);
    let minT = Infinity;
    let nGrow = 0;
    for (let y = 0; y < p; y++) {
      const f = cols.floor(y);
      if (f === -Infinity || walk.tCol[y] > f) continue;
      minT = Math.min(minT, walk.tCol[y]);
      if (cols.n[y] === cols.cap[y] && cols.cap[y] < m) {
        grow[y] = 1;
        nGrow++;
      }
    }
    uncertified = 0;
    for (let x = 0; x < m; x++) {
      const f = floorRow[x];
      if (!(walk.tRow[x] > f || walk.stop > f || minT > f)) uncertified++;
    }
    if (uncertified === 0 || nGrow === 0 || round >= maxRounds) break;
    // Another pass that keeps 4× more users for the items that did not run out above their column floor, while the
    // kept pairs stay within the budget (else the users left are reported uncertified).
    const caps = Int32Array.from(cols.cap, (c, y) => (grow[y] ? Math.min(m, 4 * c) : c));
    let kept = 0;
    for (const c of caps) kept += c;
    if (kept > (opts.maxColumnPairs ?? COLUMN_PAIRS)) break;
    const next = new ColumnHeaps(caps, m);
    next.keep(cols, grow);
    cols = next;
    const only = Int32Array.from(grow.keys()).filter((y) => grow[y] === 1);
    forEachBlock(
      src,
      (r0, r1, block) => {
        for (let x = r0; x < r1; x++) {
          const o = (x - r0) * p;
          for (const y of only) if (block[o + y] > 0) cols.offer(y, block[o + y], x);
        }
      },
      { signal: opts.signal, onRows: (done) => opts.onProgress?.({ phase: `columns ${round + 1}`, done, total: m }) },
    );
    passes++;
  }
  for (let x = 0; x < m; x++) load[x] = walkPtr[x + 1] - walkPtr[x];
  for (let i = 0; i < walkItem.length; i++) expo[walkItem[i]]++;
  // Top-off: each user's best untaken items up to K, among its top M (descending score, ties to the lower index).
  const indptr = new Int32Array(m + 1);
  const out = new Int32Array(m * K);
  const stamp = new Int32Array(p).fill(-1);
  const slot = new Int32Array(M);
  let nnz = 0;
  let objective = 0;
  for (let x = 0; x < m; x++) {
    const start = nnz;
    for (let i = walkPtr[x]; i < walkPtr[x + 1]; i++) {
      stamp[walkItem[i]] = x;
      out[nnz++] = walkItem[i];
      objective += walkLam[i];
    }
    let need = K - load[x];
    const b = x * M;
    let n = 0;
    for (let i = 0; i < M && top[b + i] >= 0; i++) slot[n++] = i;
    slot.subarray(0, n).sort((a, c) => topLam[b + c] - topLam[b + a] || a - c);
    for (let j = 0; j < n && need > 0; j++) {
      const y = top[b + slot[j]];
      if (stamp[y] === x) continue;
      out[nnz++] = y;
      objective += topLam[b + slot[j]];
      load[x]++;
      expo[y]++;
      need--;
    }
    out.subarray(start, nnz).sort();
    indptr[x + 1] = nnz;
  }
  const indices = out.slice(0, nnz);
  const assignment = { nRows: m, nCols: p, indptr, indices };
  const res = hardResiduals(assignment, s, load, expo);
  const seconds = { pass: tPass, walk: secondsSince(tWalk), total: secondsSince(t0) };
  const sol = solutionOf(
    'greedy',
    s,
    new Float32Array(0),
    assignment,
    { u: new Float64Array(m), v: new Float64Array(p), eps: 0 },
    { user: [res.user], item: [res.item] },
    1,
    seconds.total,
    { objective, userLoad: load, itemExposure: expo },
  );
  return { ...sol, stream: { pairs, passes, uncertifiedRows: uncertified, seconds } };
}

/**
 * The min-exposure walk over the candidate pairs (users' top M1 ∪ items' top L, each pair once) in the walk's
 * order. Returns the pairs taken, the score at which each user's and item's budget ran out (−∞: never) and the
 * score of the last pair taken when the walk stopped for want of users or items with budget (−∞: it did not).
 */
function minExposureWalk(
  m: number,
  p: number,
  M: number,
  top: Int32Array,
  topLam: Float32Array,
  inM1: Uint8Array,
  cols: ColumnHeaps,
  minK: number,
  minC: number,
) {
  // Item-side entries by user (a counting sort), dropping those already in the user's top M1.
  const inTop = (x: number, y: number): boolean => {
    // top[x·M ..] holds items ascending (then −1): a binary search.
    let lo = x * M;
    let hi = lo + M;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = top[mid];
      if (t === y) return inM1[mid] === 1;
      if (t < 0 || t > y) hi = mid;
      else lo = mid + 1;
    }
    return false;
  };
  const rowPtr = new Int32Array(m + 1);
  for (let x = 0; x < m; x++) for (let i = x * M; i < (x + 1) * M; i++) rowPtr[x + 1] += inM1[i];
  for (let y = 0; y < p; y++)
    for (let i = cols.off[y]; i < cols.off[y] + cols.n[y]; i++) if (!inTop(cols.x[i], y)) rowPtr[cols.x[i] + 1]++;
  for (let x = 0; x < m; x++) rowPtr[x + 1] += rowPtr[x];
  const n = rowPtr[m];
  const items = new Int32Array(n);
  const sc = new Float32Array(n);
  const rows = new Int32Array(n);
  const fill = rowPtr.slice(0, m);
  for (let x = 0; x < m; x++) {
    for (let i = x * M; i < (x + 1) * M; i++) {
      if (!inM1[i]) continue;
      items[fill[x]] = top[i];
      sc[fill[x]] = topLam[i];
      rows[fill[x]++] = x;
    }
  }
  for (let y = 0; y < p; y++) {
    for (let i = cols.off[y]; i < cols.off[y] + cols.n[y]; i++) {
      const x = cols.x[i];
      if (inTop(x, y)) continue;
      items[fill[x]] = y;
      sc[fill[x]] = cols.v[i];
      rows[fill[x]++] = x;
    }
  }
  // Each user's pairs by item ascending, so that position order is row-major order (the walk's tie order).
  const perm = new Int32Array(M + 64);
  for (let x = 0; x < m; x++) {
    const a = rowPtr[x];
    const len = rowPtr[x + 1] - a;
    let sorted = true;
    for (let i = a + 1; i < a + len; i++) if (items[i] < items[i - 1]) sorted = false;
    if (sorted) continue;
    const pm = len <= perm.length ? perm.subarray(0, len) : new Int32Array(len);
    for (let i = 0; i < len; i++) pm[i] = a + i;
    pm.sort((i, j) => items[i] - items[j]);
    const it = Int32Array.from(pm, (i) => items[i]);
    const sv = Float32Array.from(pm, (i) => sc[i]);
    items.set(it, a);
    sc.set(sv, a);
  }
  const order = sortDescendingStable(sc);
  const k = new Int32Array(m).fill(minK);
  const c = new Int32Array(p).fill(minC);
  const tRow = new Float64Array(m).fill(-Infinity);
  const tCol = new Float64Array(p).fill(-Infinity);
  let rowsLeft = m;
  let colsLeft = p;
  let stop = -Infinity;
  const takenAt = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    const i = order[q];
    const x = rows[i];
    const y = items[i];
    if (k[x] > 0 && c[y] > 0) {
      takenAt[i] = 1;
      if (--k[x] === 0) {
        tRow[x] = sc[i];
        rowsLeft--;
      }
      if (--c[y] === 0) {
        tCol[y] = sc[i];
        colsLeft--;
      }
      if (rowsLeft === 0 || colsLeft === 0) {
        stop = sc[i];
        break;
      }
    }
  }
  const walkPtr = new Int32Array(m + 1);
  for (let x = 0; x < m; x++) {
    let c = 0;
    for (let i = rowPtr[x]; i < rowPtr[x + 1]; i++) c += takenAt[i];
    walkPtr[x + 1] = walkPtr[x] + c;
  }
  const walkItem = new Int32Array(walkPtr[m]);
  const walkLam = new Float32Array(walkPtr[m]);
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (!takenAt[i]) continue;
    walkItem[w] = items[i];
    walkLam[w++] = sc[i];
  }
  return { pairs: n, walkPtr, walkItem, walkLam, tRow, tCol, stop };
}

/** Positions 0..n−1 of `scores` by descending score, equal scores in position order: a stable LSD radix sort. */
export function sortDescendingStable(scores: Float32Array): Int32Array {
  const n = scores.length;
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
  let keys = new Uint32Array(n);
  let keys2 = new Uint32Array(n);
  let idx = new Int32Array(n);
  let idx2 = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    const b = bits[q];
    // Ascending key order = descending float order (sign-magnitude to two's-order, then inverted).
    keys[q] = ~(b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
    idx[q] = q;
  }
  const count = new Uint32Array(1 << 11);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let q = 0; q < n; q++) count[(keys[q] >>> shift) & 0x7ff]++;
    let sum = 0;
    for (let d = 0; d < count.length; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let q = 0; q < n; q++) {
      const d = (keys[q] >>> shift) & 0x7ff;
      const to = count[d]++;
      keys2[to] = keys[q];
      idx2[to] = idx[q];
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}

/** Per item a min-heap of its best users (score, user), capacity cap[y]: the item side of the candidates. */
class ColumnHeaps {
  readonly off: Int32Array;
  readonly n: Int32Array;
  readonly v: Float32Array;
  readonly x: Int32Array;

  constructor(
    readonly cap: Int32Array,
    readonly nUsers: number,
  ) {
    const p = cap.length;
    this.off = new Int32Array(p + 1);
    for (let y = 0; y < p; y++) this.off[y + 1] = this.off[y] + cap[y];
    this.n = new Int32Array(p);
    this.v = new Float32Array(this.off[p]);
    this.x = new Int32Array(this.off[p]);
  }

  /** The best score among users left out of item y's heap: 0 while it is not full, −∞ when it holds every user. */
  floor(y: number): number {
    if (this.cap[y] >= this.nUsers) return -Infinity;
    return this.n[y] === this.cap[y] ? this.v[this.off[y]] : 0;
  }

  /** Copies the heaps of the items not flagged in `skip` from `old` (same or smaller capacities). */
  keep(old: ColumnHeaps, skip: Int32Array): void {
    for (let y = 0; y < this.cap.length; y++) {
      if (skip[y]) continue;
      this.n[y] = old.n[y];
      this.v.set(old.v.subarray(old.off[y], old.off[y] + old.n[y]), this.off[y]);
      this.x.set(old.x.subarray(old.off[y], old.off[y] + old.n[y]), this.off[y]);
    }
  }

  offer(y: number, v: number, x: number): void {
    const h = this.off[y];
    const c = this.n[y];
    const { v: hv, x: hx } = this;
    if (c < this.cap[y]) {
      this.n[y] = c + 1;
      let i = c;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (hv[h + parent] <= v) break;
        hv[h + i] = hv[h + parent];
        hx[h + i] = hx[h + parent];
        i = parent;
      }
      hv[h + i] = v;
      hx[h + i] = x;
      return;
    }
    if (!(v > hv[h])) return;
    const L = c;
    let i = 0;
    for (;;) {
      let k = 2 * i + 1;
      if (k >= L) break;
      if (k + 1 < L && hv[h + k + 1] < hv[h + k]) k++;
      if (hv[h + k] >= v) break;
      hv[h + i] = hv[h + k];
      hx[h + i] = hx[h + k];
      i = k;
    }
    hv[h + i] = v;
    hx[h + i] = x;
  }
}
