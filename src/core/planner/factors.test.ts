import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { factorSource, factorsProblem, FACTOR_LINKS, type FactorLink, type Factors } from './factors';

/** Random factors; λ and biases present or not. */
function randomFactors(n: number, p: number, D: number, link: FactorLink, seed = 1, extras = true): Factors {
  const rng = createRng(seed);
  return {
    nUsers: n,
    nItems: p,
    dim: D,
    users: Float32Array.from({ length: n * D }, () => rng.normal()),
    items: Float32Array.from({ length: p * D }, () => rng.normal() * 0.5),
    lambda: extras ? Float32Array.from({ length: n }, () => 3 * rng.next()) : null,
    itemBias: extras ? Float32Array.from({ length: p }, () => rng.normal()) : null,
    link,
  };
}

/** The scores straight from the formulas in factors.ts's header, in f64, one pair at a time. */
function naive(f: Factors, x: number): number[] {
  const z: number[] = [];
  for (let y = 0; y < f.nItems; y++) {
    let s = f.itemBias ? f.itemBias[y] : 0;
    for (let d = 0; d < f.dim; d++) s += f.users[x * f.dim + d] * f.items[y * f.dim + d];
    z.push(s);
  }
  const lam = f.lambda ? f.lambda[x] : 1;
  if (f.link === 'linear') return z.map((v) => lam * Math.max(0, v));
  if (f.link === 'exp') return z.map((v) => lam * Math.exp(v));
  const sum = z.reduce((a, v) => a + Math.exp(v), 0);
  return z.map((v) => (lam * Math.exp(v)) / sum);
}

/** f32 scores against f64 ones: within 1e-5 relative (1e-6 absolute near 0). */
const close = (got: number, want: number) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 1e-6);

describe('factorSource', () => {
  // Item counts off the kernel's multiple of 8, user blocks off its multiple of 4, D = 0 (rank one) included.
  for (const link of FACTOR_LINKS) {
    for (const [n, p, D] of [
      [7, 13, 5],
      [9, 8, 0],
      [5, 37, 16],
    ] as const) {
      for (const useKernel of [true, false]) {
        it(`${link}, ${n}×${p}, D = ${D}, ${useKernel ? 'WASM kernel' : 'TS'}: every score as the formula gives it`, () => {
          const f = randomFactors(n, p, D, link, n + p + D);
          const src = factorSource(f, { useKernel });
          const out = new Float32Array(n * p);
          src.fillRows(0, n, out);
          for (let x = 0; x < n; x++) {
            const want = naive(f, x);
            for (let y = 0; y < p; y++) close(out[x * p + y], want[y]);
          }
          // A list of rows out of order gives the same rows.
          const rows = Int32Array.from([n - 1, 0, 2]);
          const some = new Float32Array(3 * p);
          src.fillRowList(rows, some);
          for (let i = 0; i < 3; i++) for (let y = 0; y < p; y++) expect(some[i * p + y]).toBe(out[rows[i] * p + y]);
          // Columns (items over every user) as the formula gives them.
          const ys = Int32Array.from([p - 1, 0]);
          const cols = new Float32Array(2 * n);
          src.fillColumns(ys, cols);
          for (let x = 0; x < n; x++) {
            const want = naive(f, x);
            for (let j = 0; j < 2; j++) close(cols[j * n + x], want[ys[j]]);
          }
        });
      }
    }
  }

  it('without λ and biases: λ = 1, b = 0', () => {
    const f = randomFactors(3, 10, 4, 'linear', 5, false);
    const out = new Float32Array(30);
    factorSource(f).fillRows(0, 3, out);
    for (let x = 0; x < 3; x++) {
      const want = naive(f, x);
      for (let y = 0; y < 10; y++) close(out[x * 10 + y], want[y]);
    }
  });

  it('a rows range inside the matrix reads those rows only', () => {
    const f = randomFactors(50, 21, 3, 'exp', 9);
    const part = new Float32Array(5 * 21);
    factorSource(f).fillRows(40, 45, part);
    const want = naive(f, 42);
    for (let y = 0; y < 21; y++) close(part[2 * 21 + y], want[y]);
  });
});

describe('factorsProblem', () => {
  it('accepts good factors and names each bad field', () => {
    const good = randomFactors(4, 6, 2, 'linear');
    expect(factorsProblem(good)).toBeNull();
    expect(factorsProblem({ ...good, users: new Float32Array(7) })).toMatch(/user vectors: 7 values, expected 4 × 2/);
    expect(factorsProblem({ ...good, items: new Float32Array(3) })).toMatch(/item vectors/);
    expect(factorsProblem({ ...good, lambda: Float32Array.from([1, 2, -1, 0]) })).toMatch(/user 2 has -1/);
    expect(factorsProblem({ ...good, itemBias: new Float32Array(2) })).toMatch(/item biases: 2 values/);
    expect(factorsProblem({ ...good, link: 'cube' as FactorLink })).toMatch(/link 'cube'/);
    const nan = Float32Array.from(good.users);
    nan[3] = NaN;
    expect(factorsProblem({ ...good, users: nan })).toMatch(/value 3 is NaN/);
    expect(factorsProblem({ ...good, nUsers: 0, users: new Float32Array(0), lambda: null })).toMatch(/at least one/);
  });
});
