import type { ScoreSource } from '../models/scores';
import type { RowMask } from './mask';
import { applyMask } from './mask';

/**
 * Top-K selection over a ScoreSource without sorting or materialising it: rows are filled in blocks; per row a
 * bounded min-heap keeps the K best columns (ItemRec), per column a bounded min-heap keeps the C best rows (UserRec).
 * Order: higher score first; equal scores go to the lower index (deterministic, unlike rime's random tie-breaker).
 */

/** Rows per block so a block holds about 1 Mi scores (4 MiB). */
export const blockRows = (nCols: number): number => Math.max(1, Math.floor((1 << 20) / Math.max(1, nCols)));

/** True when (sa, ia) ranks below (sb, ib): lower score, or equal score and higher index. */
const worse = (sa: number, ia: number, sb: number, ib: number): boolean => sa < sb || (sa === sb && ia > ib);

/** NaN scores rank lowest. */
const clean = (v: number): number => (Number.isNaN(v) ? -Infinity : v);

function siftDown(s: Float32Array, ix: Int32Array, base: number, n: number, i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) return;
    let m = l;
    const rr = l + 1;
    if (rr < n && worse(s[base + rr], ix[base + rr], s[base + l], ix[base + l])) m = rr;
    if (!worse(s[base + m], ix[base + m], s[base + i], ix[base + i])) return;
    const ts = s[base + i];
    const ti = ix[base + i];
    s[base + i] = s[base + m];
    ix[base + i] = ix[base + m];
    s[base + m] = ts;
    ix[base + m] = ti;
    i = m;
  }
}

function siftUp(s: Float32Array, ix: Int32Array, base: number, i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!worse(s[base + i], ix[base + i], s[base + p], ix[base + p])) return;
    const ts = s[base + i];
    const ti = ix[base + i];
    s[base + i] = s[base + p];
    ix[base + i] = ix[base + p];
    s[base + p] = ts;
    ix[base + p] = ti;
    i = p;
  }
}

/** Offers (score, idx) to the heap at [base, base + cap) holding `size` entries; returns the new size. */
function offer(
  s: Float32Array,
  ix: Int32Array,
  base: number,
  size: number,
  cap: number,
  score: number,
  idx: number,
): number {
  if (size < cap) {
    s[base + size] = score;
    ix[base + size] = idx;
    siftUp(s, ix, base, size);
    return size + 1;
  }
  if (worse(s[base], ix[base], score, idx)) {
    s[base] = score;
    ix[base] = idx;
    siftDown(s, ix, base, cap, 0);
  }
  return size;
}

/** Selected pairs, grouped: for ItemRec group = row and members = columns; for UserRec group = column, members = rows. */
export interface Selection {
  /** groups × k member indices (unsorted within a group), and their scores. */
  members: Int32Array;
  scores: Float32Array;
  k: number;
}

/** The k best columns of every row (ItemRec). k is capped at nCols. */
export function topKPerRow(src: ScoreSource, k: number, mask: RowMask | null = null): Selection {
  const kk = Math.min(k, src.nCols);
  const members = new Int32Array(src.nRows * kk);
  const scores = new Float32Array(src.nRows * kk);
  const B = blockRows(src.nCols);
  const buf = new Float32Array(B * src.nCols);
  for (let r0 = 0; r0 < src.nRows; r0 += B) {
    const r1 = Math.min(src.nRows, r0 + B);
    src.fillRows(r0, r1, buf);
    if (mask) applyMask(mask, r0, r1, src.nCols, buf);
    for (let r = r0; r < r1; r++) {
      const off = (r - r0) * src.nCols;
      let size = 0;
      for (let c = 0; c < src.nCols; c++) size = offer(scores, members, r * kk, size, kk, clean(buf[off + c]), c);
    }
  }
  return { members, scores, k: kk };
}

/** The C best rows of every column (UserRec), streamed over row blocks with one bounded heap per column. */
export function topCPerColumn(src: ScoreSource, C: number, mask: RowMask | null = null): Selection {
  const cc = Math.min(C, src.nRows);
  const members = new Int32Array(src.nCols * cc);
  const scores = new Float32Array(src.nCols * cc);
  const sizes = new Int32Array(src.nCols);
  const B = blockRows(src.nCols);
  const buf = new Float32Array(B * src.nCols);
  for (let r0 = 0; r0 < src.nRows; r0 += B) {
    const r1 = Math.min(src.nRows, r0 + B);
    src.fillRows(r0, r1, buf);
    if (mask) applyMask(mask, r0, r1, src.nCols, buf);
    for (let r = r0; r < r1; r++) {
      const off = (r - r0) * src.nCols;
      for (let c = 0; c < src.nCols; c++) {
        const base = c * cc;
        const v = clean(buf[off + c]);
        // Fast reject: a full heap whose root beats v (rows arrive in increasing order, so ties keep the root).
        if (sizes[c] === cc && !worse(scores[base], members[base], v, r)) continue;
        sizes[c] = offer(scores, members, base, sizes[c], cc, v, r);
      }
    }
  }
  return { members, scores, k: cc };
}
