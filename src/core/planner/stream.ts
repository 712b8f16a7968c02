/**
 * Streamed passes over a ScoreSource for the planner at scale: row blocks in order, seeded row samples, and the
 * per-row selection (the top M keys and the best key left out) that the streamed solvers keep instead of the
 * users × items matrix (paper appendix C.2).
 */
import type { ScoreSource } from '../models/scores';
import type { StopSignal } from '../util/abort';
import type { Rng } from '../util/rng';
import { kthLargest } from './select';

/** A ScoreSource that can also fill a list of rows (factors.ts); others are read in runs of consecutive rows. */
export type RowSource = ScoreSource & { fillRowList?(rows: Int32Array, out: Float32Array): void };

/** Progress of a streamed solve: what it is doing and how far (rows or moves). */
export interface StreamProgress {
  phase: string;
  done: number;
  total: number;
}

/** Scores per block: about 16 MB of f32, so a block stays in the last-level cache while it is read. */
const BLOCK_CELLS = 1 << 22;

export const blockRowsFor = (nCols: number): number => Math.max(4, Math.floor(BLOCK_CELLS / Math.max(1, nCols)));

/**
 * Calls fn(r0, r1, block) for the rows of `src` in order, block by block (block holds rows r0..r1 row-major).
 * `rows` restricts the pass to those rows (ascending); fn then gets them in runs of consecutive rows.
 */
export function forEachBlock(
  src: RowSource,
  fn: (r0: number, r1: number, block: Float32Array) => void,
  opts: { signal?: StopSignal; onRows?: (done: number) => void } = {},
): void {
  const p = src.nCols;
  const B = blockRowsFor(p);
  const block = new Float32Array(B * p);
  for (let r0 = 0; r0 < src.nRows; r0 += B) {
    if (opts.signal?.aborted) throw new Error('aborted');
    const r1 = Math.min(src.nRows, r0 + B);
    src.fillRows(r0, r1, block.subarray(0, (r1 - r0) * p));
    fn(r0, r1, block);
    opts.onRows?.(r1);
  }
}

/** Scores of the listed rows (ascending or not) into out, row i at out[i·nCols ..]. */
export function fillRowsOf(src: RowSource, rows: Int32Array, out: Float32Array): void {
  if (src.fillRowList) {
    src.fillRowList(rows, out);
    return;
  }
  const p = src.nCols;
  for (let i = 0; i < rows.length;) {
    let j = i + 1;
    while (j < rows.length && rows[j] === rows[j - 1] + 1) j++;
    src.fillRows(rows[i], rows[i] + (j - i), out.subarray(i * p, j * p));
    i = j;
  }
}

/** `n` distinct rows out of m, ascending (a partial Fisher-Yates with the seeded stream). */
export function sampleRows(m: number, n: number, rng: Rng): Int32Array {
  if (n >= m) return Int32Array.from({ length: m }, (_, i) => i);
  const idx = new Int32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(m - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, n).sort();
}

/**
 * Per-row selection with reusable buffers: the top M positive keys of a row and the best key left out (0 when every
 * positive key is kept), exactly, at about one comparison per key: a strided sample places a threshold that
 * usually leaves 1.5·M keys above it, and only those are selected among.
 */
export class RowSelector {
  readonly idx: Int32Array;
  private readonly vals: Float64Array;

  constructor(readonly p: number) {
    this.idx = new Int32Array(p);
    this.vals = new Float64Array(p);
  }

  /**
   * Writes the indices of the top M keys among key[0..p) with 0 < key ≤ hi (ties at the boundary to the lower index)
   * into this.idx[0..count), in index order, and returns count and the best such key left out (floor ≥ 0). `p`
   * (at most the selector's) reads fewer keys.
   */
  top(key: Float64Array | Float32Array, M: number, hi = Infinity, p = this.p): { count: number; floor: number } {
    const { idx, vals } = this;
    let thr = 0;
    if (M + 1 < p / 4) {
      // Every 8th key; the 1.5·(M + 1)/8-th largest of them as a first threshold.
      let s = 0;
      for (let y = 0; y < p; y += 8) vals[s++] = key[y] <= hi ? key[y] : 0;
      const j = Math.min(s, Math.ceil((1.5 * (M + 1)) / 8) + 2);
      thr = Math.max(0, kthLargest(vals, s, j));
    }
    for (;;) {
      let c = 0;
      for (let y = 0; y < p; y++) if (key[y] > thr && key[y] <= hi) idx[c++] = y;
      if (c <= M) {
        if (thr > 0) {
          thr = 0; // too few above the sampled threshold: take every positive key
          continue;
        }
        return { count: c, floor: 0 };
      }
      // c ≥ M + 1 keys above thr hold the top M + 1 overall: the (M + 1)-th is the best key left out.
      for (let i = 0; i < c; i++) vals[i] = key[idx[i]];
      const floor = kthLargest(vals, c, M + 1);
      let above = 0;
      for (let i = 0; i < c; i++) if (key[idx[i]] > floor) above++;
      let ties = M - above;
      let n = 0;
      for (let i = 0; i < c; i++) {
        const k = key[idx[i]];
        if (k > floor || (k === floor && ties-- > 0)) idx[n++] = idx[i];
      }
      return { count: n, floor };
    }
  }
}
