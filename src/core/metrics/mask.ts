import type { Dataset, EvalSet } from '../data/types';

/** Per EvalSet row, the distinct items of its history (CSR): scored 0 when the EvalSet's excludeTrain flag is set. */
export interface RowMask {
  indptr: Int32Array;
  indices: Int32Array;
}

/** The history mask of `rows`, or null when the EvalSet does not exclude training items. */
export function historyMask(dataset: Dataset, rows: EvalSet): RowMask | null {
  if (!rows.excludeTrain) return null;
  const n = rows.users.length;
  const indptr = new Int32Array(n + 1);
  const seen = new Int32Array(dataset.nItems).fill(-1);
  const tmp: number[] = [];
  for (let r = 0; r < n; r++) {
    for (let j = dataset.userOffsets[rows.users[r]]; j < rows.histEnd[r]; j++) {
      const i = dataset.item[j];
      if (seen[i] !== r) {
        seen[i] = r;
        tmp.push(i);
      }
    }
    indptr[r + 1] = tmp.length;
  }
  return { indptr, indices: Int32Array.from(tmp) };
}

/** Sets masked scores of rows [r0, r1) in a row-major block to 0. */
export function applyMask(mask: RowMask, r0: number, r1: number, nCols: number, block: Float32Array): void {
  for (let r = r0; r < r1; r++) {
    const base = (r - r0) * nCols;
    for (let p = mask.indptr[r]; p < mask.indptr[r + 1]; p++) {
      const c = mask.indices[p];
      if (c < nCols) block[base + c] = 0;
    }
  }
}
