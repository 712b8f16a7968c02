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
import { ColumnHeaps } from './columnHeaps';
import { checkSettings, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import { minExposureWalk } from './minExposureWalk';
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
