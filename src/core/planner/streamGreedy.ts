/**
 * The reference's greedy offline matching (greedy.ts) over a ScoreSource read in row blocks: streamed passes keep
 * candidate pairs, the walk runs on them, and a certificate says down to which score the walk on all users × items
 * pairs would have taken the same ones. Memory grows with users × (K + slack) + items × (2·C + slack) plus a fixed
 * number of pairs, not users × items.
 *
 * - β = 0 (no item bound): the walk gives each user its top K (items never fill), read off each row.
 * - β > 0: the min-exposure walk (per-user budget minK, per-item budget minC, greedy.ts) runs in rounds. A round
 *   starts from the full walk's state after every pair scoring above τ (τ = ∞ at first) and reads the rows of the
 *   users with budget left, over the items with budget left, scores ≤ τ: it keeps each user's top W = minK + 32
 *   items, each item's top 2·c + 16 users (c: its budget left) and the N best pairs of all, and walks their union
 *   in the walk's order (higher score first, ties by row-major position).
 *   The top-off then gives each user its best untaken items up to K: always among its top K, which the first pass
 *   keeps too.
 *
 * Certificate: a pair left out of a round has score ≤ b = min(floorRow[x], floorCol[y], lo) (the best score outside
 * the user's list, outside the item's heap, and the N-th best pair). The first pair on which the round's walk and the
 * full walk can differ is one left out that the full walk takes, so both the user and the item still have budget
 * there: the round's walk ran neither out above b. Let D be the largest such b (found per user from the items sorted
 * by when they ran out); every pair scoring above D is decided as the full walk decides it. The round keeps those
 * decisions, and the next round starts at τ = D. It ends when D ≤ 0 (no pair left out could matter; pairs scoring
 * 0 are never taken, where the dense walk may take them last) or no user or item has budget left. Each round moves τ
 * at least below the N best pairs still open, so rounds end; after maxRounds the last round's walk is kept whole and
 * the users with budget left at D are reported uncertified (report.uncertifiedRows): their decisions may differ from
 * the full walk's, and items may end below their floor.
 */
import type { StopSignal } from '../util/abort';
import { candidateScan } from './candidateKernel';
import { ColumnTops, TopPairs } from './columnHeaps';
import { checkSettings, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import { factorSource, type FactorSource } from './factors';
import { candidatePairs, minExposureWalk, type UserLists } from './minExposureWalk';
import { blockRowsFor, fillRowsOf, RowSelector, type RowSource, type StreamProgress } from './stream';
import { scanRows, startingBars, type RoundRows } from './roundScan';
import type { MatchSettings, MatchSolution } from './types';

export interface StreamGreedyOptions {
  signal?: StopSignal;
  /** Rounds (passes over the users with budget left) before the certificate gives up; default 16. */
  maxRounds?: number;
  /** Scales the candidate lists' slack (users' W − minK, items' 2·c + 16); default 1. Tests shrink it. */
  listScale?: number;
  /** N, the best pairs of all that each round keeps besides the lists; default 2^25. */
  topPairs?: number;
  onProgress?: (p: StreamProgress) => void;
}

/** One round: who still had budget at its start, and what its walk ran over and kept. */
export interface StreamGreedyRound {
  users: number;
  items: number;
  /** Candidate pairs the walk ran over. */
  pairs: number;
  /** Pairs taken that the certificate vouched for (scoring above the round's D). */
  kept: number;
  /** The score above which the round's decisions are certified (0: all of them). */
  certifiedAbove: number;
}

export interface StreamGreedyReport {
  /** The most candidate pairs one walk ran over. */
  pairs: number;
  /** Scoring passes (rounds). */
  passes: number;
  /** Users whose decisions the certificate could not vouch for (0: identical to the walk over all pairs). */
  uncertifiedRows: number;
  rounds: StreamGreedyRound[];
  seconds: { pass: number; walk: number; total: number };
}

export type StreamGreedySolution = MatchSolution & { stream: StreamGreedyReport };

/**
 * N, the best pairs of all a round keeps: 2^25 pairs cost about 0.8 GB in the store and 1 GB through the walk
 * (pairs, their order and its sort). More pairs certify deeper per round (fewer passes) at that memory.
 */
const TOP_PAIRS = 1 << 25;

/**
 * Factored scores over some of the items only (a round's items with budget left), so that the round's pass costs
 * users × those items; null where the link couples the items (softmax) or the source is not factored.
 */
function itemSubset(src: RowSource, ys: Int32Array): RowSource | null {
  if (ys.length === src.nCols) return src;
  const f = (src as Partial<FactorSource>).factors;
  if (!f || f.link === 'softmax') return null;
  const D = f.dim;
  const items = new Float32Array(ys.length * D);
  for (let j = 0; j < ys.length; j++) items.set(f.items.subarray(ys[j] * D, (ys[j] + 1) * D), j * D);
  const itemBias = f.itemBias ? Float32Array.from(ys, (y) => f.itemBias![y]) : null;
  return factorSource({ ...f, nItems: ys.length, items, itemBias });
}

const liveOf = (budget: Int32Array): Int32Array => {
  let n = 0;
  for (const b of budget) if (b > 0) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < budget.length; i++) if (budget[i] > 0) out[n++] = i;
  return out;
};

/**
 * The largest b = min(floorRow[x], floorCol[y], lo) over pairs whose user and item the walk ran out of budget at
 * or below b (−∞: none); pairs with b ≤ 0 are never taken and do not count.
 */
function divergenceBound(
  users: Int32Array,
  ys: Int32Array,
  floorRow: Float64Array,
  floorCol: Float64Array,
  lo: number,
  tRow: Float64Array,
  tCol: Float64Array,
): number {
  // Items that could take a pair left out at b: not run out above min(floorCol, lo). Sorted by when they ran out,
  // with the running maximum of their bound, so a user's question (items run out at or below its floor) is a search.
  const at: number[] = [];
  for (let j = 0; j < ys.length; j++) {
    const e = Math.min(floorCol[j], lo);
    if (e > 0 && tCol[ys[j]] <= e) at.push(j);
  }
  const t = Float64Array.from(at, (j) => tCol[ys[j]]);
  const e = Float64Array.from(at, (j) => Math.min(floorCol[j], lo));
  const byT = Int32Array.from(at.keys()).sort((a, b) => t[a] - t[b]);
  const tSorted = Float64Array.from(byT, (i) => t[i]);
  const eMax = new Float64Array(byT.length);
  for (let i = 0; i < byT.length; i++) eMax[i] = Math.max(i > 0 ? eMax[i - 1] : -Infinity, e[byT[i]]);
  let D = -Infinity;
  for (const x of users) {
    const f = Math.min(floorRow[x], lo);
    if (!(f > 0) || f <= D) continue;
    // Items run out at or below f: the first tSorted[i] > f.
    let a = 0;
    let b = tSorted.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (tSorted[mid] <= f) a = mid + 1;
      else b = mid;
    }
    if (a === 0) continue;
    const d = Math.min(f, eMax[a - 1]);
    if (d >= tRow[x]) D = Math.max(D, d);
  }
  return D;
}

/**
 * One round's pass: the rows of `users` over the items `ys` (scores in (0, τ]). Keeps each user's top W (and, when
 * M > 0, its top M, handed to opts.top for the top-off), each item slot j's top caps[j] users and the N best pairs,
 * and returns their union with the bounds on what was left out: the best score beyond each user's W and each item's
 * heap, and lo (the N best pairs hold every pair above it). The stores start from bars placed on a sample of the
 * rows (roundScan.ts).
 */
function roundPass(
  src: RowSource,
  users: Int32Array,
  ys: Int32Array,
  tau: number,
  caps: Int32Array,
  N: number,
  W: number,
  M: number,
  opts: {
    signal?: StopSignal;
    onRows: (done: number) => void;
    top: (x: number, items: Int32Array, scores: Float32Array) => void;
  },
) {
  const m = src.nRows;
  const q = ys.length;
  // Over the round's items only where the source allows, else whole rows gathered at the items' positions.
  const sub = itemSubset(src, ys);
  const width = (sub ?? src).nCols;
  const B = blockRowsFor(width);
  const wide = sub ? null : new Float32Array(B * width);
  const rowsOf: RoundRows = {
    q,
    blockRows: B,
    read(chunk, out) {
      if (!wide) return fillRowsOf(sub!, chunk, out);
      fillRowsOf(src, chunk, wide.subarray(0, chunk.length * width));
      for (let r = 0; r < chunk.length; r++) for (let j = 0; j < q; j++) out[r * q + j] = wide[r * width + ys[j]];
    },
  };
  const scan = candidateScan(B * q, B, q);
  const { base, lo0 } = startingBars(users, rowsOf, scan, tau, caps, N);
  const heaps = new ColumnTops(caps, users.length, base);
  const best = new TopPairs(N, lo0);
  const lists: UserLists = { W, item: new Int32Array(m * W).fill(-1), score: new Float32Array(m * W) };
  const floorRow = new Float64Array(m);
  const sel = new RowSelector(q);
  const selW = new RowSelector(M);
  const keyM = new Float32Array(M);
  const topItems = new Int32Array(M).fill(-1);
  const topScores = new Float32Array(M);
  // Each row's best among its cells above the cut (roundScan.ts: they hold its best and the best left out).
  const onRow = (x: number, cy: Int32Array, cv: Float32Array, c: number) => {
    if (M > 0) {
      // The top M for the top-off; the top W of those (and the best score beyond them) for the walk.
      const t = sel.top(cv, M, Infinity, c);
      for (let k = 0; k < t.count; k++) {
        topItems[k] = ys[cy[sel.idx[k]]];
        keyM[k] = topScores[k] = cv[sel.idx[k]];
      }
      topItems.fill(-1, t.count);
      keyM.fill(0, t.count);
      opts.top(x, topItems, topScores);
      if (W === 0) return;
      const tw = selW.top(keyM, W);
      for (let k = 0; k < tw.count; k++) {
        lists.item[x * W + k] = topItems[selW.idx[k]];
        lists.score[x * W + k] = topScores[selW.idx[k]];
      }
      floorRow[x] = Math.max(t.floor, tw.floor);
    } else {
      const t = sel.top(cv, W, Infinity, c);
      for (let k = 0; k < t.count; k++) {
        lists.item[x * W + k] = ys[cy[sel.idx[k]]];
        lists.score[x * W + k] = cv[sel.idx[k]];
      }
      floorRow[x] = t.floor;
    }
  };
  scanRows(users, rowsOf, scan, tau, heaps, best, M > 0 ? M : W, onRow, {
    signal: opts.signal,
    onRows: opts.onRows,
  });
  heaps.finish();
  const floorCol = Float64Array.from(ys.keys(), (j) => heaps.floor(j));
  return { cand: candidatePairs(m, src.nCols, lists, heaps, best, ys), floorRow, floorCol, lo: best.lo };
}

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
  const scale = opts.listScale ?? 1;
  const W = minK > 0 ? Math.min(p, minK + Math.max(1, Math.round(32 * scale))) : 0;
  const capOf = (c: number) => Math.max(1, Math.round((2 * c + 16) * scale));
  const M = Math.max(K, W);
  const maxRounds = opts.maxRounds ?? 16;

  // Each user's top M (items ascending) for the top-off, from the first pass.
  const top = new Int32Array(m * M).fill(-1);
  const topLam = new Float32Array(m * M);
  // The walk's state: budgets left, and the pairs taken so far (at most minK a user).
  const k = new Int32Array(m).fill(minK);
  const c = new Int32Array(p).fill(minC);
  const walkItem = new Int32Array(m * minK);
  const walkLam = new Float32Array(m * minK);
  const load = new Int32Array(m);
  const rounds: StreamGreedyRound[] = [];
  let uncertified = 0;
  let tau = Infinity;
  let tPass = 0;
  let tWalkSum = 0;
  for (let round = 0; round === 0 || (minK > 0 && round < maxRounds); round++) {
    const tr = Date.now();
    const users = liveOf(k.map((v) => (round === 0 ? 1 : v)));
    const ys = liveOf(c.map((v) => (round === 0 ? 1 : v)));
    if (users.length === 0 || ys.length === 0) break;
    const caps = Int32Array.from(ys, (y) => (minK > 0 ? Math.min(users.length, capOf(c[y])) : 0));
    const pass = roundPass(
      src,
      users,
      ys,
      tau,
      caps,
      minK > 0 ? (opts.topPairs ?? TOP_PAIRS) : 0,
      W,
      round === 0 ? M : 0,
      {
        signal: opts.signal,
        onRows: (done) => opts.onProgress?.({ phase: `pass ${round + 1}`, done, total: users.length }),
        top: (x, items, scores) => {
          top.set(items, x * M);
          topLam.set(scores, x * M);
        },
      },
    );
    tPass += secondsSince(tr);
    if (minK === 0) break;
    const tw = Date.now();
    const { cand, floorRow, floorCol, lo } = pass;
    const walk = minExposureWalk(cand, k, c);
    const D = divergenceBound(users, ys, floorRow, floorCol, lo, walk.tRow, walk.tCol);
    // No progress (ties at τ) or no rounds left: keep the walk whole; the users with budget at D are uncertified.
    const last = D >= tau || round === maxRounds - 1;
    let kept = 0;
    const keep = (i: number) => {
      const x = walk.rows[i];
      const y = cand.item[i];
      walkItem[x * minK + load[x]] = y;
      walkLam[x * minK + load[x]++] = cand.score[i];
      k[x]--;
      c[y]--;
      kept++;
    };
    let n = 0;
    while (n < walk.taken.length && cand.score[walk.taken[n]] > D) keep(walk.taken[n++]);
    if (last && D > 0) {
      for (const v of k) if (v > 0) uncertified++;
      while (n < walk.taken.length) keep(walk.taken[n++]);
    }
    tWalkSum += secondsSince(tw);
    rounds.push({
      users: users.length,
      items: ys.length,
      pairs: cand.item.length,
      kept,
      certifiedAbove: Math.max(0, D),
    });
    if (!(D > 0) || last) break;
    tau = D;
  }
  // Top-off: each user's best untaken items up to K, among its top M (descending score, ties to the lower index).
  const expo = new Int32Array(p);
  for (let x = 0; x < m; x++) for (let i = 0; i < load[x]; i++) expo[walkItem[x * minK + i]]++;
  const indptr = new Int32Array(m + 1);
  const out = new Int32Array(m * K);
  const stamp = new Int32Array(p).fill(-1);
  const slot = new Int32Array(M);
  let nnz = 0;
  let objective = 0;
  for (let x = 0; x < m; x++) {
    const start = nnz;
    for (let i = x * minK; i < x * minK + load[x]; i++) {
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
  const seconds = { pass: tPass, walk: tWalkSum, total: secondsSince(t0) };
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
  const pairs = rounds.reduce((a, r) => Math.max(a, r.pairs), 0);
  return {
    ...sol,
    stream: { pairs, passes: Math.max(1, rounds.length), uncertifiedRows: uncertified, rounds, seconds },
  };
}
