/**
 * Scores λ(x, y) ≥ 0 for rows x (user states of an EvalSet) and columns y (items), handed out in row blocks so that
 * a full rows × items matrix is materialised only when it fits a memory budget (paper appendix C.2: keep factored
 * scores, O((B + n)·D) memory).
 *
 * Producers: models (RIM compositions, baselines). Consumers: metrics (top-K / top-C) and the planner (Dual, greedy).
 */
export interface ScoreSource {
  readonly nRows: number;
  readonly nCols: number;
  /**
   * Writes scores of rows [r0, r1) into out[(r - r0) * nCols + c], row-major. `out.length` ≥ (r1 − r0) · nCols.
   * Must be deterministic: the same call gives the same numbers.
   */
  fillRows(r0: number, r1: number, out: Float32Array): void;
}

/** A materialised row-major matrix. */
export function denseScores(nRows: number, nCols: number, data: Float32Array): ScoreSource & { data: Float32Array } {
  if (data.length !== nRows * nCols) throw new RangeError(`dense scores: ${data.length} values for ${nRows}×${nCols}`);
  return {
    nRows,
    nCols,
    data,
    fillRows(r0, r1, out) {
      out.set(data.subarray(r0 * nCols, r1 * nCols));
    },
  };
}

/** Default memory budget for materialising a full score matrix: 256 MiB of Float32. */
export const DENSE_BUDGET_BYTES = 256 * 2 ** 20;

/** Materialises a source when it fits the budget; returns null otherwise (the caller streams blocks instead). */
export function materialize(src: ScoreSource, budgetBytes = DENSE_BUDGET_BYTES): Float32Array | null {
  if (src.nRows * src.nCols * 4 > budgetBytes) return null;
  if ('data' in src && src.data instanceof Float32Array) return src.data;
  const out = new Float32Array(src.nRows * src.nCols);
  const block = Math.max(1, Math.floor((1 << 20) / Math.max(1, src.nCols)));
  for (let r0 = 0; r0 < src.nRows; r0 += block) {
    const r1 = Math.min(src.nRows, r0 + block);
    src.fillRows(r0, r1, out.subarray(r0 * src.nCols, r1 * src.nCols));
  }
  return out;
}
