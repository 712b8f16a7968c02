// The planner at MovieLens-1M shape (6,040 user states × 3,706 items, α = 1%, β = 0.5%): one pass over the matrix,
// one dense sweep, greedy, and the reference algorithm as published (bisection over the full matrix, 100 annealing
// epochs) timed on a few bisection steps and extrapolated; full solves (cold, warm slider steps, the 10-point β
// curve) on a 1/16 sample of the same world.
import { table, timeIt, summarize, type Bench } from './lib';
import { denseScores } from '../src/core/models/scores';
import { createDualWorkspace, solveDual, solveGreedy, type MatchSolution } from '../src/core/planner/index';
import { softPass } from '../src/core/planner/kernels';
import { drawScores, scoreWorld } from '../src/core/planner/synthetic';
import { createRng } from '../src/core/util/rng';

const M = 6040;
const N = 3706;
const ALPHA = 0.01;
const BETA = 0.005;

/** Items whose exposure reaches β·rows − 1, as a share of items; users over capacity. */
function quality(sol: MatchSolution, m: number, n: number): { atMin: number; over: number } {
  const L = Math.ceil(sol.settings.beta * m - 1e-9);
  const K = Math.round(sol.settings.alpha * n);
  let atMin = 0;
  for (const e of sol.itemExposure) if (e >= L - 1) atMin++;
  let over = 0;
  for (const k of sol.userLoad) if (k > K) over++;
  return { atMin: atMin / n, over };
}

/**
 * The published algorithm's cost: every bisection step evaluates sigmoid((λ − u − v)/ε) on every pair (no cut-off,
 * no active set) and takes row (or column) means; rime runs 50 steps for u and 50 for v per epoch, 100 epochs.
 */
function referenceStep(data: Float32Array, u: Float64Array, v: Float64Array, eps: number, rowMean: Float64Array): void {
  const inv = 1 / eps;
  for (let x = 0; x < M; x++) {
    const off = x * N;
    const ux = u[x];
    let s = 0;
    for (let y = 0; y < N; y++) s += 1 / (1 + Math.exp(-(data[off + y] - ux - v[y]) * inv));
    rowMean[x] = s / N;
  }
}

/** One sweep (u roots, then v roots) at a fixed ε = 1e-4 (normalised), plus the setup and the hard decisions. */
function oneSweep(src: ReturnType<typeof denseScores>, s: { alpha: number; beta: number }): MatchSolution {
  return solveDual(src, s, { eps0: 1e-4, epsMin: 1e-4, maxSweeps: 1 });
}

const bench: Bench = {
  name: 'planner',
  title: 'Planner: Dual and greedy at the ML-1M shape',
  async run() {
    const rng = createRng(1);
    const data = drawScores(scoreWorld(N, rng, 16, 1), M, rng);
    const src = denseScores(M, N, data);
    const s = { alpha: ALPHA, beta: BETA };
    let mx = 0;
    for (const x of data) mx = Math.max(mx, x);

    // 1. One pass over the full matrix (row and column sums of eq. 12), at a small ε (cut-off skips most exps) and
    //    at ε = max λ (every pair needs an exp).
    const rowSum = new Float64Array(M);
    const colSum = new Float64Array(N);
    const u0 = new Float64Array(M);
    const v0 = new Float64Array(N);
    for (let x = 0; x < M; x++) u0[x] = 0.05 * mx;
    const tPass = await timeIt(() => softPass(data, M, N, u0, v0, 1e-4 * mx, rowSum, colSum), 7, 1);
    const tPassWide = await timeIt(() => softPass(data, M, N, u0, v0, mx, rowSum, colSum), 3, 1);

    // 2. One exact dense sweep (all rows' u roots, then all columns' v roots) at full size.
    const tSweep = await timeIt(() => oneSweep(src, s), 1, 0);

    // 3. Greedy at full size.
    let greedy: MatchSolution | null = null;
    const tGreedy = await timeIt(() => {
      greedy = solveGreedy(src, s);
    }, 1, 0);
    const g = greedy as unknown as MatchSolution;

    // 4. The reference as published: time 4 full-matrix bisection steps, extrapolate to 100 per epoch, 100 epochs.
    const rowMean = new Float64Array(M);
    const tRef = await timeIt(() => {
      for (let k = 0; k < 4; k++) referenceStep(data, u0, v0, 0.5, rowMean);
    }, 2, 0);
    const refStep = tRef.median / 4;

    // 5. Full solves on a 1/16 sample of the matrix (1,510 rows × 927 items, same world): cold, warm steps, β curve.
    const ms = 1510;
    const ns = 927;
    const rngS = createRng(2);
    const small = denseScores(ms, ns, drawScores(scoreWorld(ns, rngS, 16, 1), ms, rngS));
    let cold: MatchSolution | null = null;
    const tCold = await timeIt(() => {
      cold = solveDual(small, s);
    }, 1, 0);
    const sol = cold as unknown as MatchSolution;
    const gs = solveGreedy(small, s);
    const ws = createDualWorkspace();
    const warmSamples: number[] = [];
    let state = sol.state;
    for (let i = 0; i < 6; i++) {
      const beta = BETA + (i % 2 === 0 ? 0.0005 : 0);
      const t0 = performance.now();
      state = solveDual(small, { alpha: ALPHA, beta }, { warm: state, workspace: ws }).state;
      warmSamples.push(performance.now() - t0);
    }
    const tWarm = summarize(warmSamples);
    const betas = Array.from({ length: 10 }, (_, i) => (i * ALPHA) / 9);
    const tCurve = await timeIt(() => {
      let st: MatchSolution['state'] | undefined;
      const w2 = createDualWorkspace();
      for (const beta of betas) st = solveDual(small, { alpha: ALPHA, beta }, { warm: st, workspace: w2 }).state;
    }, 1, 0);
    const q = quality(sol, ms, ns);
    const gq = quality(gs, ms, ns);
    const gFull = quality(g, M, N);

    const rows: (string | number)[][] = [
      [`one pass, sigmoid-and-mean, ε = 1e-4 (cut-off skips exp)`, `${M}×${N}`, tPass.median, tPass.p95, '≤ 50'],
      ['one pass, ε = 1 (every pair needs an exp)', `${M}×${N}`, tPassWide.median, tPassWide.max, ''],
      ['one sweep at ε = 1e-4 (u roots + v roots), with setup and hard decisions', `${M}×${N}`, tSweep.median, tSweep.max, ''],
      ['greedy (min-exposure pass + top-off)', `${M}×${N}`, tGreedy.median, tGreedy.max, ''],
      ['reference: one full-matrix bisection step', `${M}×${N}`, refStep, '', ''],
      ['reference: one epoch (50 u + 50 v steps), extrapolated', `${M}×${N}`, refStep * 100, '', ''],
      ['reference: one solve (100 epochs), extrapolated', `${M}×${N}`, refStep * 100 * 100, '', ''],
      [`cold Dual solve (${sol.iterations} sweeps)`, `${ms}×${ns}`, tCold.median, tCold.max, '≤ 5,000 at full size'],
      ['10-point β curve, warm-started', `${ms}×${ns}`, tCurve.median, tCurve.max, '≤ 10,000 at full size'],
      ['warm re-solve after one β step (6 steps)', `${ms}×${ns}`, tWarm.median, tWarm.p95, '≤ 150 p95 at full size'],
    ];
    return [
      `Synthetic scores λ = exp(θ·φ/√16 + b), Zipf item bias (core/planner/synthetic.ts), α = 1%, β = 0.5%.`,
      '',
      table(['step', 'shape', 'median ms', 'p95 / max ms', 'issue 4 target ms'], rows),
      '',
      table(
        ['solver', 'shape', 'objective Σλ', 'items within one of β·rows', 'users over capacity'],
        [
          ['Dual (offline)', `${ms}×${ns}`, sol.objective, `${(100 * q.atMin).toFixed(1)}%`, q.over],
          ['greedy', `${ms}×${ns}`, gs.objective, `${(100 * gq.atMin).toFixed(1)}%`, gq.over],
          ['greedy', `${M}×${N}`, g.objective, `${(100 * gFull.atMin).toFixed(1)}%`, gFull.over],
        ],
      ),
      '',
      'Notes: measured while four other engineers shared the 2 cores, so every figure is an upper bound; the lead',
      're-runs on a quiet machine. Runs: 7 for the pass, 1 for the sweeps and solves (a cold solve at full size takes',
      'minutes here, so full solves are timed on the 1/16 sample only; at full size expect ≥ 16× those times). The',
      'reference rows are our TypeScript rendering of the published algorithm (an exp per pair per bisection step): 4',
      'steps are timed and multiplied out, not run for 100 epochs. What each step bought: the logit cut-off turns most',
      'of a pass into a compare (first two rows); root finds bracket the root within Zε of the quickselected k-th value',
      'and Newton-iterate on the few pairs there, instead of 50 full-row bisection steps. Not met: the cold solve, β',
      'curve and warm re-solve targets. Coordinate ascent on these long-tailed scores needs tens of sweeps per ε level,',
      'and while ε is large the exact active set covers most of the matrix, so those sweeps are dense.',
    ].join('\n');
  },
};

export default bench;
