/**
 * A streamed greedy round's pass over its rows (streamGreedy.ts), block by block through the candidate kernel: the
 * per-item heaps and the best pairs of all get their offers, and each row's cells above its cut go to the caller,
 * which picks the row's best among them. Most cells are none of these, and only the kernel reads them.
 */
import type { StopSignal } from '../util/abort';
import type { CandidateScan } from './candidateKernel';
import { nextDown32 } from './candidateKernel';
import { ColumnTops, TopPairs } from './columnHeaps';
import { kthLargest } from './select';

/** The round's rows as scores over its q items. */
export interface RoundRows {
  q: number;
  /** Rows per block (the scan holds that many rows of width q). */
  blockRows: number;
  /** Writes the scores of `rows` over the round's items into out, row-major, width q. */
  read(rows: Int32Array, out: Float32Array): void;
}

/**
 * Streams `rows` (ascending) through the scan: offers each cell v ≤ tau to item slot j's heap when v > its bar and to
 * `best` when v > its lo, in row order and item order within a row (the order of a scan of every cell, so the stores
 * end as that scan leaves them). With R > 0, `onRow(x, ys, vs, c)` gets row x's cells at or above its cut (item slots
 * ascending, c of them): of groups of g cells, the (R + 1)-th largest group maximum t leaves at least R + 1 cells ≥ t,
 * so the row's best R and the best score left out are among them (every positive cell ≤ tau when t = 0).
 *
 * The kernel keeps the cells that beat their item's bar, lo or the row's cut as they stood at the block's start;
 * bars and lo only rise, so that is every cell the live values let through, and the live values decide here.
 */
export function scanRows(
  rows: Int32Array,
  src: RoundRows,
  scan: CandidateScan,
  tau: number,
  heaps: ColumnTops,
  best: TopPairs,
  R: number,
  onRow: ((x: number, ys: Int32Array, vs: Float32Array, c: number) => void) | null,
  opts: { signal?: StopSignal; onRows?: (done: number) => void } = {},
): void {
  const { q, blockRows: B } = src;
  // About 2·(R + 1) groups a row: t below the row's (R + 1)-th score, but not far (about 1.3·(R + 1) cells above it).
  const g = Math.max(4, 4 * Math.floor(q / (8 * (R + 1))));
  const ns = Math.ceil(q / g);
  const groupKeys = new Float64Array(ns);
  const rowCut = new Float64Array(B);
  const candY = new Int32Array(q);
  const candV = new Float32Array(q);
  const { bar } = heaps;
  const { block } = scan;
  let lo = best.lo;
  for (let u0 = 0; u0 < rows.length; u0 += B) {
    if (opts.signal?.aborted) throw new Error('aborted');
    const chunk = rows.subarray(u0, Math.min(rows.length, u0 + B));
    const n = chunk.length;
    src.read(chunk, block.subarray(0, n * q));
    if (R > 0 && onRow) {
      const gmax = scan.groupMax(n, q, tau, g);
      for (let r = 0; r < n; r++) {
        let t = 0;
        if (ns > R) {
          groupKeys.set(gmax.subarray(r * ns, (r + 1) * ns));
          t = kthLargest(groupKeys, ns, R + 1);
        }
        // Cells above the cut: those ≥ t (every positive one when t = 0).
        rowCut[r] = t > 0 ? nextDown32(t) : 0;
      }
    } else rowCut.fill(Infinity);
    for (let r = 0; r < n; r++) scan.thr[r] = Math.min(rowCut[r], lo);
    scan.bar.set(bar);
    const { idx, vals, ends } = scan.filter(n, q, tau);
    let i = 0;
    for (let r = 0; r < n; r++) {
      const x = chunk[r];
      const cut = rowCut[r];
      let c = 0;
      for (; i < ends[r]; i++) {
        const j = idx[i];
        const v = vals[i];
        if (v > bar[j]) heaps.offer(j, v, x);
        if (v > lo) {
          best.offer(v, x, j);
          lo = best.lo;
        }
        if (v > cut) {
          candY[c] = j;
          candV[c++] = v;
        }
      }
      if (onRow && R > 0) onRow(x, candY, candV, c);
    }
    opts.onRows?.(u0 + n);
  }
}

/** Every `SAMPLE_STEP`-th row at most (and at least every 16th) goes into the sample that places the starting bars. */
const SAMPLE_STEP = 64;
/** Sample scores at or above a bar's: fewer, and the bar is too noisy to place (it stays 0). */
const MIN_RANK = 8;

/**
 * Starting bars for a round's stores from a sample of its rows: per item slot j about its (2·caps[j])-th best score
 * over all rows, and about the (1.5·N)-th best pair of all, so that the pass offers the stores little more than what
 * they keep (from bars of 0 a store is offered about cap·ln(rows / cap) users, most of them pushed out later). A
 * bar placed too high leaves its store short and its bound on the cells left out at the bar: weaker, never wrong.
 * 0 where the sample is too small to tell.
 */
export function startingBars(
  rows: Int32Array,
  src: RoundRows,
  scan: CandidateScan,
  tau: number,
  caps: Int32Array,
  N: number,
): { base: Float32Array; lo0: number } {
  const U = rows.length;
  const q = src.q;
  const base = new Float32Array(q);
  let capMax = 0;
  for (const c of caps) capMax = Math.max(capMax, c);
  // A step that gives the largest heaps MIN_RANK sample scores above their bar: 2·cap·(S / U) ≥ MIN_RANK.
  const step = Math.max(16, Math.min(SAMPLE_STEP, Math.floor((2 * capMax) / MIN_RANK)));
  const S = Math.floor(U / step);
  if (S < MIN_RANK) return { base, lo0: 0 };
  const sample = Int32Array.from({ length: S }, (_, i) => rows[i * step]);
  const frac = S / U;
  const rank = (k: number) => (k >= MIN_RANK ? k : 0);
  const kItem = Int32Array.from(caps, (c) => (c < U ? rank(Math.ceil(2 * c * frac)) : 0));
  const kN = rank(Math.ceil(1.5 * N * frac));
  const heaps = new ColumnTops(kItem, S);
  const best = new TopPairs(kN);
  scanRows(sample, src, scan, tau, heaps, best, 0, null);
  heaps.finish();
  for (let j = 0; j < q; j++) if (kItem[j] > 0 && heaps.n[j] === kItem[j]) base[j] = heaps.bar[j];
  // The kN-th best sample score, or the store's lo where it cut below kN pairs (all pairs above lo are there).
  let lo0 = 0;
  if (kN > 0) lo0 = best.n >= kN ? kthLargest(Float64Array.from(best.v.subarray(0, best.n)), best.n, kN) : best.lo;
  return { base, lo0 };
}
