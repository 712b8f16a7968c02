/**
 * The offline Dual at scale (paper section 4, Algorithm 1 and eq. 14, the ε → 0 limit; appendix C.2): over a
 * ScoreSource read in row blocks, never the users × items matrix. Memory grows with users + items (plus β·users per
 * item for the v-step and users × K for the choices), time with a few passes of scoring and one column per raise.
 *
 * 1. Calibration on a batch of user states (Algorithm 1's X'): a seeded sample of rows, dense, solved by the dense
 *    planner's auction (auction.ts) at the same α and β; its boosts w = −v are the starting point.
 * 2. Streamed passes over every user, each data-parallel by users with one reduction per item:
 *    - u-step per user (eq. 14's TopKThreshold): the K-th and (K+1)-th largest λ + w; the decisions TopK{λ + w}
 *      (Algorithm 1's Ensure line) and the item exposures they give;
 *    - v-step per item (eq. 14's Quantile, as a best response): the boost item y needs to enter user x's top K is
 *      t_x − λ_xy, with t_x the user's K-th value when y is outside its top K and the (K+1)-th when inside; the
 *      lo-th smallest of these over users (lo = β·users) is the smallest boost that puts y before lo users with the
 *      other boosts fixed. Kept as a max-heap of lo values per item, so memory is items × lo.
 *    - the damped step w ← (1 − γ)·w + γ·w' (Algorithm 1's step size), projected to w ≥ 0 (v ≤ 0).
 *    The v-step moves every item at once (Jacobi): on skewed scores the long-tail items all pick the same cheap
 *    users, more than those users have slots, and stay short pass after pass (damping does not change that).
 * 3. Raises (streamSettle.ts): from the last pass's decisions, items below β raise their boosts one at a time, each
 *    winning its cheapest users from one column computed on demand, as the dense auction does; boosts only rise, so
 *    this ends with every item at or above its minimum.
 * The decisions are each user's chosen items: TopK{λ − v} (Algorithm 1's Ensure line) up to the raises' margin δ (a
 * raise may leave a user who was within δ of taking the item without it). The dense solver on a sample that fits
 * both is the check (streamDual.test.ts).
 */
import { createRng } from '../util/rng';
import type { StopSignal } from '../util/abort';
import { marginalScore } from './auctionScans';
import { checkSettings, hardK, hardResiduals, secondsSince, solutionOf } from './common';
import { solveAuction } from './auction';
import { solveDual } from './dual';
import { DENSE_BUDGET_BYTES, denseScores } from '../models/scores';
import { fillRowsOf, forEachBlock, RowSelector, sampleRows, type RowSource, type StreamProgress } from './stream';
import type { Assignment, MatchSettings, MatchSolution } from './types';
import { ChoiceSlots } from './choiceSlots';
import { settleRaises, type ColumnSource, type SettleReport } from './streamSettle';

export interface StreamDualOptions {
  signal?: StopSignal;
  /** Users in the calibration batch (Algorithm 1's X'); default 8192, at most what the dense budget holds. */
  sampleRows?: number;
  /**
   * How the batch is solved: 'anneal' (default; annealed ε, dual.ts: its v reproduces decisions as TopK{λ − v} on
   * rows it has not seen, as online calibration needs) or 'auction' (the ε → 0 auction: faster, but its prices
   * reproduce its own decisions only up to its raise margin).
   */
  calibrate?: 'anneal' | 'auction';
  /** Streamed passes over all users (each: decisions, exposures and a v-step); default 3. */
  passes?: number;
  /** Step size γ of the v-step; default 1 (the full best response: the passes here are few). */
  step?: number;
  /** Raise margin δ of the final raises (streamSettle.ts), as a share of the mean K-th largest score; default 0.1 (as auction.ts). */
  raiseMargin?: number;
  seed?: number;
  onProgress?: (p: StreamProgress) => void;
}

/** What a streamed solve cost and how far its item constraints are from met. */
export interface StreamReport {
  /** Rows scored in all, in passes over every row (the calibration sample counts its share). */
  passes: number;
  sampleRows: number;
  /** Per streamed pass: items below the minimal exposure under that pass's decisions, and the shortfall in users. */
  shortItems: number[];
  shortUsers: number[];
  /** The raises after the passes: how many, and whether every item reached its minimum. */
  settle: SettleReport;
  seconds: { sample: number; passes: number; settle: number; total: number };
}

export type StreamSolution = MatchSolution & { stream: StreamReport };

const NO_DATA = new Float32Array(0);

/** Offline Dual (minimal exposure β) over scores read in row blocks. */
export function solveDualStreamed(src: RowSource, s: MatchSettings, opts: StreamDualOptions = {}): StreamSolution {
  checkSettings(s);
  if (s.betaMax !== undefined)
    throw new RangeError('planner at scale: item maximal exposure (betaMax) needs the dense planner (fewer rows)');
  const t0 = Date.now();
  const { nRows: m, nCols: p } = src;
  const K = hardK(s, p);
  // Minimal exposure in whole users as the dense exact solver rounds it (exact.ts).
  const lo = Math.min(Math.round(s.beta * m), Math.floor((m * K) / Math.max(1, p)));
  const progress = opts.onProgress ?? (() => {});
  const secs = { sample: 0, passes: 0, settle: 0, total: 0 };
  let rowsScored = 0;

  // 1. Calibration batch.
  const rng = createRng(opts.seed ?? 1);
  // The batch is solved dense, so it stays within the dense planner's budget.
  const fits = Math.floor(DENSE_BUDGET_BYTES / (4 * p));
  const B = lo > 0 && K > 0 ? Math.max(1, Math.min(m, opts.sampleRows ?? 8192, fits)) : 0;
  const w = new Float64Array(p);
  let margin = 0;
  // The scale of the choices at the margin (the mean K-th largest score of the batch's rows).
  let scale = 0;
  if (B > 0) {
    progress({ phase: 'sample', done: 0, total: B });
    const rows = sampleRows(m, B, rng);
    const data = new Float32Array(B * p);
    fillRowsOf(src, rows, data);
    rowsScored += B;
    // The batch's minimal exposure rounded as exact.ts rounds it.
    const loB = Math.min(Math.round(s.beta * B), Math.floor((B * K) / Math.max(1, p)));
    if (opts.calibrate === 'auction') {
      const cal = solveAuction({ data, nRows: B, nCols: p, K, lo: loB, hi: Infinity }, { signal: opts.signal });
      for (let y = 0; y < p; y++) w[y] = Math.max(0, cal.w[y]);
    } else {
      const cal = solveDual(denseScores(B, p, data), s, { method: 'anneal', signal: opts.signal });
      for (let y = 0; y < p; y++) w[y] = Math.max(0, -cal.state.v[y]);
    }
    // A boost this much over the needed one breaks the tie in the item's favour.
    scale = Math.max(1e-30, marginalScore(data, B, p, K));
    margin = 1e-6 * scale;
    progress({ phase: 'sample', done: B, total: B });
  }
  secs.sample = secondsSince(t0);

  // 2. Streamed passes.
  const tPasses = Date.now();
  const passes = lo > 0 ? Math.max(1, opts.passes ?? 3) : 1;
  const gamma = opts.step ?? 1;
  const sel = new RowSelector(p);
  const key = new Float64Array(p);
  const inTop = new Uint8Array(p);
  // Per item a max-heap of the lo smallest needed boosts (for the v-steps between passes: none with one pass).
  const heap = new Float64Array(passes > 1 ? p * lo : 0);
  const heapN = new Int32Array(p);
  // Each user's K chosen items and their values λ + w (the last pass's are the decisions the raises start from).
  const choices = new ChoiceSlots(m, K, undefined, false);
  const itemExposure = new Int32Array(p);
  const shortItems: number[] = [];
  const shortUsers: number[] = [];
  const countShort = () => {
    let si = 0;
    let su = 0;
    for (let y = 0; y < p; y++) {
      if (itemExposure[y] < lo) {
        si++;
        su += lo - itemExposure[y];
      }
    }
    shortItems.push(si);
    shortUsers.push(su);
  };
  for (let pass = 0; pass < passes; pass++) {
    const last = pass === passes - 1;
    heapN.fill(0);
    itemExposure.fill(0);
    forEachBlock(
      src,
      (r0, r1, block) => {
        for (let x = r0; x < r1; x++) {
          const row = block.subarray((x - r0) * p, (x - r0 + 1) * p);
          for (let y = 0; y < p; y++) key[y] = row[y] + w[y];
          const { count } = sel.top(key, K + 1);
          // The top K are the selection less its smallest key (of equal ones, the last index: ties go to the lower
          // index, as in sel.top); `next` is the (K+1)-th largest positive key (0 when fewer).
          let drop = -1;
          let next = 0;
          if (count > K) {
            drop = 0;
            for (let i = 1; i < count; i++) if (key[sel.idx[i]] <= key[sel.idx[drop]]) drop = i;
            next = key[sel.idx[drop]];
          }
          const b = x * K;
          let held = 0;
          for (let i = 0; i < count; i++) {
            if (i === drop) continue;
            const y = sel.idx[i];
            choices.item[b + held] = y;
            choices.val[b + held++] = key[y];
            inTop[y] = 1;
            itemExposure[y]++;
          }
          for (let i = held; i < K; i++) {
            choices.item[b + i] = -1;
            choices.val[b + i] = 0;
          }
          choices.refresh(x);
          // u-step (eq. 14's TopKThreshold): the K-th largest positive key, 0 when fewer.
          const kth = choices.kth[x];
          if (!last && lo > 0) {
            for (let y = 0; y < p; y++) {
              const need = (inTop[y] ? next : kth) - row[y];
              const h = y * lo;
              const c = heapN[y];
              if (c < lo) {
                heapN[y] = c + 1;
                maxHeapPush(heap, h, c, need);
              } else if (need < heap[h]) maxHeapReplace(heap, h, lo, need);
            }
          }
          for (let i = 0; i < held; i++) inTop[choices.item[b + i]] = 0;
        }
      },
      { signal: opts.signal, onRows: (done) => progress({ phase: `pass ${pass + 1}/${passes}`, done, total: m }) },
    );
    rowsScored += m;
    countShort();
    if (!last) {
      // The v-step: the lo-th smallest needed boost is the heap's top (every user offered one, so the heap is full).
      for (let y = 0; y < p; y++) {
        const target = heapN[y] === lo ? Math.max(0, heap[y * lo] + margin) : w[y];
        w[y] = Math.max(0, (1 - gamma) * w[y] + gamma * target);
      }
    }
  }
  secs.passes = secondsSince(tPasses);

  // 3. Raises, one item at a time, for the items the passes left short (streamSettle.ts).
  const tSettle = Date.now();
  const settle = settleRaises(columnsOf(src), choices, w, itemExposure, lo, {
    delta: (opts.raiseMargin ?? 0.1) * scale,
    signal: opts.signal,
    onRaises: (done, queued) => progress({ phase: 'raises', done, total: done + queued }),
  });
  secs.settle = secondsSince(tSettle);

  // The decisions: each user's chosen items, ascending (counted first: no second users × K copy).
  const userLoad = new Int32Array(m);
  let nnz = 0;
  for (let x = 0; x < m; x++) {
    for (let i = x * K; i < (x + 1) * K; i++) if (choices.item[i] >= 0) userLoad[x]++;
    nnz += userLoad[x];
  }
  const indptr = new Int32Array(m + 1);
  const indices = new Int32Array(nnz);
  const u = new Float64Array(m);
  nnz = 0;
  let objective = 0;
  for (let x = 0; x < m; x++) {
    const start = nnz;
    for (let i = x * K; i < (x + 1) * K; i++) {
      const y = choices.item[i];
      if (y < 0) continue;
      indices[nnz++] = y;
      objective += choices.val[i] - w[y];
    }
    indices.subarray(start, nnz).sort();
    u[x] = Math.max(0, choices.kth[x]);
    indptr[x + 1] = nnz;
  }
  const assignment: Assignment = { nRows: m, nCols: p, indptr, indices };
  const v = new Float64Array(p);
  for (let y = 0; y < p; y++) v[y] = w[y] === 0 ? 0 : -w[y];
  const res = hardResiduals(assignment, s, userLoad, itemExposure);
  secs.total = secondsSince(t0);
  const sol = solutionOf(
    'offline',
    s,
    NO_DATA,
    assignment,
    { u, v, eps: 0 },
    { user: [res.user], item: [res.item] },
    passes,
    secs.total,
    { objective, userLoad, itemExposure },
  );
  return {
    ...sol,
    stream: { passes: rowsScored / Math.max(1, m), sampleRows: B, shortItems, shortUsers, settle, seconds: secs },
  };
}

/** Columns of the scores: computed from factors where the source can, else read out of row blocks (small sources). */
function columnsOf(src: RowSource & { fillColumns?(ys: Int32Array, out: Float32Array): void }): ColumnSource {
  const { nRows: n, nCols: p } = src;
  if (src.fillColumns) return { nRows: n, nCols: p, fillColumns: (ys, out) => src.fillColumns!(ys, out) };
  return {
    nRows: n,
    nCols: p,
    fillColumns(ys, out) {
      forEachBlock(src, (r0, r1, block) => {
        for (let j = 0; j < ys.length; j++) for (let x = r0; x < r1; x++) out[j * n + x] = block[(x - r0) * p + ys[j]];
      });
    },
  };
}

/** Inserts v into the max-heap at h holding c entries. */
function maxHeapPush(a: Float64Array, h: number, c: number, v: number): void {
  let i = c;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (a[h + parent] >= v) break;
    a[h + i] = a[h + parent];
    i = parent;
  }
  a[h + i] = v;
}

/** Replaces the maximum of the full max-heap at h (size n) by v. */
function maxHeapReplace(a: Float64Array, h: number, n: number, v: number): void {
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && a[h + c + 1] > a[h + c]) c++;
    if (a[h + c] <= v) break;
    a[h + i] = a[h + c];
    i = c;
  }
  a[h + i] = v;
}
