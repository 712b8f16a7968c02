import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskySolveLower, solveSymmetric } from './linalg';

// A = L Lᵀ with L = [[2,0,0],[1,3,0],[-1,2,1]] (chosen by hand), so A = [[4,2,-2],[2,10,5],[-2,5,6]];
// b = A·[1,−1,2] = [−2,2,5], hence x = [1,−1,2].
const A = Float64Array.of(4, 2, -2, 2, 10, 5, -2, 5, 6);
const b = Float64Array.of(-2, 2, 5);

describe('Cholesky solves', () => {
  it('factors a hand-made A = L Lᵀ into L', () => {
    const L = A.slice();
    expect(choleskyInPlace(L, 3)).toBe(true);
    expect([L[0], L[3], L[4], L[6], L[7], L[8]]).toEqual([2, 1, 3, -1, 2, 1]);
  });

  it('solves A x = b without touching A or b, and refuses an indefinite A', () => {
    const x = solveSymmetric(A, b, 3);
    expect(x && Array.from(x)).toEqual([1, -1, 2]);
    expect(Array.from(b)).toEqual([-2, 2, 5]);
    expect(A[4]).toBe(10);
    expect(Array.from(solveSymmetric(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2) ?? [])).toEqual([0.5, 0]);
    // [[1,2],[2,1]] has eigenvalues 3 and −1.
    expect(solveSymmetric(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toBeNull();
  });

  it('solves in place reading only the lower triangle, flooring a singular pivot instead of failing', () => {
    const lower = Float64Array.of(4, 99, 99, 2, 10, 99, -2, 5, 6);
    const x = b.slice();
    choleskySolveLower(lower, x, 3);
    expect(Array.from(x)).toEqual([1, -1, 2]);
    // diag(1, 0): the zero pivot becomes 1e-12, so x₂ = b₂ / 1e-12 stays finite.
    const y = Float64Array.of(3, 2e-12);
    choleskySolveLower(Float64Array.of(1, 0, 0, 0), y, 2);
    expect(y[0]).toBe(3);
    expect(y[1]).toBeCloseTo(2, 9);
  });
});
