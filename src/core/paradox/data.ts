/**
 * The Bayesian paradox on data (Figure 2 with a trained model instead of three groups): rank the test users for an
 * item, or a group G of items, by
 *   s_γ(x) = λ(x)^γ · p(G | x),   p(G | x) = Σ_{y ∈ G} p(y | x),   γ ∈ [0, 1],
 * and count how many of the top C really came for G in the test window. γ = 0 is Bayes rule with every test user one
 * draw of x (p(x | G) ∝ p(G | x) · p(x), p(x) uniform over users); γ = 1 is the RIM score λ(x, G) of eq. 5. In between
 * the ranking moves continuously from one to the other. Pure math over per-row arrays; the run worker fills them.
 */
import type { Csr } from '../data/types';

/** Per test row: what the ranking needs and what really happened. */
export interface ParadoxRows {
  /** λ(x): the user's expected events of any item in the window (the model's intensity). */
  lambda: Float64Array;
  /** p(G | x): the next-item probability of the group, Σ over its items. */
  p: Float64Array;
  /** 1 when the row had at least one event on an item of G in the test window. */
  came: Uint8Array;
}

/**
 * The rows of a composition's kept scores: `scores` is λ(x, y) = λ(x) · p(y|x) row-major (rows × nCols), `lambda` is
 * λ(x) per row, so p(y|x) = λ(x, y) / λ(x) (eq. 5). A row with λ(x) = 0 has no p(y|x) left to read: p = 0 there (it
 * ranks last under every γ). `items` are column indices; `target` counts the test-window events.
 */
export function paradoxRows(
  scores: Float32Array,
  nCols: number,
  lambda: Float64Array,
  items: readonly number[],
  target: Csr,
): ParadoxRows {
  const n = lambda.length;
  const p = new Float64Array(n);
  const came = new Uint8Array(n);
  const inGroup = new Uint8Array(nCols);
  for (const y of items) inGroup[y] = 1;
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (const y of items) s += scores[r * nCols + y];
    p[r] = lambda[r] > 0 ? s / lambda[r] : 0;
    for (let e = target.indptr[r]; e < target.indptr[r + 1]; e++)
      if (inGroup[target.indices[e]] && target.data[e] > 0) came[r] = 1;
  }
  return { lambda: Float64Array.from(lambda), p, came };
}

/** s_γ = λ^γ · p (λ^0 = 1, also for λ = 0; equal scores in exact arithmetic may differ by rounding). */
export function gammaScore(lambda: number, p: number, gamma: number): number {
  if (gamma === 0) return p;
  return Math.pow(lambda, gamma) * p;
}

/** The top C rows by s_γ, best first; equal scores go to the lower row (as UserRec's top-C in metrics/topk). */
export function topRows(rows: ParadoxRows, gamma: number, topC: number): Int32Array {
  const n = rows.lambda.length;
  const s = new Float64Array(n);
  for (let r = 0; r < n; r++) s[r] = gammaScore(rows.lambda[r], rows.p[r], gamma);
  const order = Int32Array.from({ length: n }, (_, r) => r).sort((a, b) => s[b] - s[a] || a - b);
  return order.slice(0, Math.min(Math.max(0, topC), n));
}

/** One γ of the sweep: how many of the top C came, and how active the picked users are. */
export interface GammaPoint {
  gamma: number;
  /** Picked rows that came for G (UserRec hits at C). */
  hits: number;
  /** Mean λ(x) of the picked rows: low at γ = 0, where the many inactive users with a high p(G|x) rise. */
  meanLambda: number;
}

/** What the page draws: one point per γ and the counts that bound them. */
export interface ParadoxSweep {
  points: GammaPoint[];
  /** Rows that came for G (the most hits any ranking can have is min(C, positives)). */
  positives: number;
  /** Test rows ranked. */
  nRows: number;
  topC: number;
  /** Mean λ(x) over all rows. */
  meanLambda: number;
}

/** γ steps of the page's sweep: its slider moves over these (0, 0.05, …, 1) without asking the worker again. */
export const PARADOX_GAMMA_STEPS = 20;

/** Evenly spaced γ from 0 to 1 (`steps` + 1 values, both ends exact). */
export const gammaGrid = (steps: number): number[] =>
  Array.from({ length: steps + 1 }, (_, i) => (i === steps ? 1 : Math.round((i / steps) * 1e9) / 1e9));

/** The sweep over `gammas` at top C. */
export function gammaSweep(rows: ParadoxRows, gammas: readonly number[], topC: number): ParadoxSweep {
  const n = rows.lambda.length;
  let positives = 0;
  let lamSum = 0;
  for (let r = 0; r < n; r++) {
    positives += rows.came[r];
    lamSum += rows.lambda[r];
  }
  const points = gammas.map((gamma) => {
    const top = topRows(rows, gamma, topC);
    let hits = 0;
    let lam = 0;
    for (const r of top) {
      hits += rows.came[r];
      lam += rows.lambda[r];
    }
    return { gamma, hits, meanLambda: top.length > 0 ? lam / top.length : 0 };
  });
  return { points, positives, nRows: n, topC: Math.min(topC, n), meanLambda: n > 0 ? lamSum / n : 0 };
}
