/**
 * Small dense linear algebra in double precision: Cholesky solves of K × K symmetric positive definite systems,
 * row-major (A[i·K + j]). Shared by the Hawkes Newton steps, the point-process solver and ALS's half-steps.
 */

/**
 * Factors A = L Lᵀ in place: only the lower triangle of A (j ≤ i) is read, and L overwrites it. A pivot that is not
 * positive fails the factorisation (returns false) unless `floor` is given: then the pivot is raised to `floor`
 * (guards a round-off breakdown of a matrix that is positive definite in exact arithmetic).
 */
export function choleskyInPlace(A: Float64Array, K: number, floor?: number): boolean {
  for (let j = 0; j < K; j++) {
    let s = A[j * K + j];
    for (let k = 0; k < j; k++) s -= A[j * K + k] * A[j * K + k];
    if (floor === undefined && !(s > 0)) return false;
    const l = Math.sqrt(floor === undefined ? s : Math.max(s, floor));
    A[j * K + j] = l;
    for (let i = j + 1; i < K; i++) {
      let t = A[i * K + j];
      for (let k = 0; k < j; k++) t -= A[i * K + k] * A[j * K + k];
      A[i * K + j] = t / l;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place (x overwrites b), L being choleskyInPlace's lower-triangular factor. */
export function choleskySubstitute(L: Float64Array, b: Float64Array, K: number): void {
  for (let i = 0; i < K; i++) {
    let t = b[i];
    for (let k = 0; k < i; k++) t -= L[i * K + k] * b[k];
    b[i] = t / L[i * K + i];
  }
  for (let i = K - 1; i >= 0; i--) {
    let t = b[i];
    for (let k = i + 1; k < K; k++) t -= L[k * K + i] * b[k];
    b[i] = t / L[i * K + i];
  }
}

/** Solves A x = b for a small symmetric positive definite A (A and b untouched); null when A is not positive definite. */
export function solveSymmetric(A: Float64Array, b: Float64Array, K: number): Float64Array | null {
  const L = A.slice();
  if (!choleskyInPlace(L, K)) return null;
  const x = b.slice();
  choleskySubstitute(L, x, K);
  return x;
}

/**
 * Solves A x = b in place (x overwrites b) for symmetric positive definite A of which only the lower triangle is
 * read; A is overwritten by its Cholesky factor L. Pivots are floored at 1e-12 (ALS: λ > 0 keeps them positive in
 * exact arithmetic).
 */
export function choleskySolveLower(A: Float64Array, b: Float64Array, K: number): void {
  choleskyInPlace(A, K, 1e-12);
  choleskySubstitute(A, b, K);
}
