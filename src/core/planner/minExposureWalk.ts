/** The streamed greedy's walk over its candidate pairs (streamGreedy.ts says how they are chosen and certified). */
import type { ColumnHeaps } from './columnHeaps';
import { descendingOrder } from './greedy';

/**
 * The min-exposure walk over the candidate pairs (users' top M1 ∪ items' top L, each pair once) in the walk's
 * order. Returns the pairs taken, the score at which each user's and item's budget ran out (−∞: never) and the
 * score of the last pair taken when the walk stopped for want of users or items with budget (−∞: it did not).
 */
export function minExposureWalk(
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
  const order = descendingOrder(sc);
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
