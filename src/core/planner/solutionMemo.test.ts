import { describe, expect, it } from 'vitest';
import { settingsOf, SolutionMemo, type Solved } from './solutionMemo';
import { FIXED_METRICS } from './session.fixtures';

/** An offline solution of `model` at (α, β) that keeps a (one-row) auction assignment. */
const solved = (model: string, alpha: number, beta: number): Solved => ({
  model,
  mode: 'offline',
  settings: settingsOf(alpha, beta),
  metrics: FIXED_METRICS,
  state: {
    u: new Float64Array(1),
    v: new Float64Array(2),
    eps: 0,
    auction: { K: 1, lo: 0, chosen: Int32Array.from([0]), w: new Float64Array(2) },
  },
  itemExposure: new Int32Array(2),
  iterations: 1,
  seconds: 0,
});

/** Which β of `model` at α still keep their assignment to resume from. */
const resumable = (memo: SolutionMemo, model: string, alpha: number, betas: number[]): number[] =>
  betas.filter((b) => memo.get(model, 'offline', settingsOf(alpha, b))?.state.auction !== undefined);

describe('SolutionMemo', () => {
  it("keeps a model's sweep points resumable while other models fill their slider positions", () => {
    const memo = new SolutionMemo();
    const alpha = 0.01;
    const curve = [0, 0.002, 0.004, 0.006, 0.008, 0.01];
    const fill = [0.0005, 0.001, 0.0015, 0.0025, 0.003, 0.0035, 0.0045, 0.005, 0.0055, 0.0065, 0.007, 0.0075, 0.0085];
    const models = ['Pop', 'EMA', 'Hawkes', 'HP'];
    // The sweep, model by model, then the fill of the first two models.
    for (const m of models) for (const b of curve) memo.put(solved(m, alpha, b));
    for (const m of models.slice(0, 2)) for (const b of fill) memo.put(solved(m, alpha, b));
    // The models not filled yet keep all six sweep points (a slider step on them resumes from the one below).
    expect(resumable(memo, 'Hawkes', alpha, curve)).toEqual(curve);
    expect(resumable(memo, 'HP', alpha, curve)).toEqual(curve);
    // The filled ones keep their newest eight only (every position of theirs is memoised: nothing to resume).
    const all = [...curve, ...fill];
    expect(resumable(memo, 'Pop', alpha, all)).toEqual(fill.slice(-8));
    expect(resumable(memo, 'EMA', alpha, all)).toHaveLength(8);
    // Metrics stay for every point.
    for (const b of all) expect(memo.has('Pop', 'offline', settingsOf(alpha, b))).toBe(true);
  });

  it('keeps at most 48 resumable solutions over all models', () => {
    const memo = new SolutionMemo();
    const models = Array.from({ length: 8 }, (_, i) => `M${i}`);
    const betas = Array.from({ length: 8 }, (_, i) => i / 1000);
    for (const m of models) for (const b of betas) memo.put(solved(m, 0.01, b));
    const counts = models.map((m) => resumable(memo, m, 0.01, betas).length);
    expect(counts.reduce((a, c) => a + c, 0)).toBe(48);
    // The oldest went first.
    expect(counts).toEqual([0, 0, 8, 8, 8, 8, 8, 8]);
  });
});
