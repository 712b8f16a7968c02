// The planner at MovieLens-1M shape (6,040 user states × 3,706 items, α = 1%, β = 0.5%): one pass over the matrix,
// one dense sweep, greedy, and the reference algorithm as published (bisection over the full matrix, 100 annealing
// epochs) timed on a few bisection steps and extrapolated; the offline Dual's auction at full size (cold, slider
// steps resumed, the 10-point β curve); Algorithm 1's annealed root finds on a 1/16 sample. A PyTorch pass of the same
// sigmoid-and-mean over the same matrix (bench/torch_planner.py), timed in the same run, is the unit beside each row.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, table, timeIt, summarize, type Bench } from './lib';
import { fastest, runTorch, TORCH_VARIANTS, variantLabel, YARDSTICK_NOTE, type TorchVariant } from './torchPeer';
import { denseScores } from '../src/core/models/scores';
import { createDualWorkspace, solveDual, solveGreedy, type MatchSolution } from '../src/core/planner/index';
import { softPass } from '../src/core/planner/kernels';
import { drawScores, scoreWorld } from '../src/core/planner/synthetic';
import { createRng } from '../src/core/util/rng';

const M = 6040;
const N = 3706;
const ALPHA = 0.01;
const BETA = 0.005;

const outDir = join(ROOT, 'bench', '.out', 'planner');

interface TorchPasses {
  passes: { eps: number; ms: number; rowTotal: number }[];
}

/** Writes the matrix and the pass's u, v and ε values for torch_planner.py. */
function exportPass(data: Float32Array, u: Float64Array, v: Float64Array, eps: number[]): void {
  mkdirSync(outDir, { recursive: true });
  const put = (file: string, a: ArrayBufferView) =>
    writeFileSync(join(outDir, file), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  put('scores.f32', data);
  put('u.f64', u);
  put('v.f64', v);
  writeFileSync(join(outDir, 'meta.json'), JSON.stringify({ rows: M, cols: N, eps }));
}

const torchPasses = (v: TorchVariant, runs: number) =>
  runTorch<TorchPasses>(join(ROOT, 'bench', 'torch_planner.py'), [outDir, String(v.threads), String(runs)], v);

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
    const load0 = os.loadavg()[0];
    // The peer: PyTorch's pass in every thread setting; the fastest is timed again after the Node rows, and the
    // unit is the mean of its two medians at ε = 1e-4·max λ (no cut-off in PyTorch: every pair costs an exp).
    const epsPass = [1e-4 * mx, mx];
    exportPass(data, u0, v0, epsPass);
    const torchFirst = TORCH_VARIANTS.map((v) => torchPasses(v, 7));
    const best = fastest(torchFirst.map((t) => t.passes[0].ms));
    const settings = torchFirst
      .map((t, k) => `${variantLabel(TORCH_VARIANTS[k])}: ${t.passes.map((p) => p.ms.toFixed(1)).join(' / ')}`)
      .join('; ');
    console.log(`PyTorch passes (ms): ${settings}`);
    const tsTotals = epsPass.map((eps) => {
      softPass(data, M, N, u0, v0, eps, rowSum, colSum);
      return rowSum.reduce((a, b) => a + b, 0);
    });
    const tPass = await timeIt(() => softPass(data, M, N, u0, v0, 1e-4 * mx, rowSum, colSum), 7, 1);
    const tPassWide = await timeIt(() => softPass(data, M, N, u0, v0, mx, rowSum, colSum), 3, 1);

    // 2. One exact dense sweep (all rows' u roots, then all columns' v roots) at full size.
    const tSweep = await timeIt(() => oneSweep(src, s), 1, 0);

    // 3. Greedy at full size.
    let greedy: MatchSolution | null = null;
    const tGreedy = await timeIt(
      () => {
        greedy = solveGreedy(src, s);
      },
      1,
      0,
    );
    const g = greedy as unknown as MatchSolution;

    // 4. The reference as published: time 4 full-matrix bisection steps, extrapolate to 100 per epoch, 100 epochs.
    const rowMean = new Float64Array(M);
    const tRef = await timeIt(
      () => {
        for (let k = 0; k < 4; k++) referenceStep(data, u0, v0, 0.5, rowMean);
      },
      2,
      0,
    );
    const refStep = tRef.median / 4;

    // 5. Offline Dual (default: the auction for eq. 14's limit) at full size: cold solves, a slider step, the β curve.
    let full: MatchSolution | null = null;
    const tFull = await timeIt(
      () => {
        full = solveDual(src, s);
      },
      3,
      0,
    );
    const fsol = full as unknown as MatchSolution;
    // Slider steps (α/20) upwards from β = 0.5% to α, each resumed from the position below, as the planner worker
    // does; a step down is a lookup once the page has filled the slider positions (state/planner.ts).
    const SLIDER = ALPHA / 20;
    // The worker keeps one workspace (the transposed scores) per matrix; so do these re-solves.
    const workspace = createDualWorkspace();
    solveDual(src, { alpha: ALPHA, beta: 0.001 }, { workspace });
    // Three passes over the ten steps (30 samples), each pass from the cold solve at β = 0.5%.
    const stepSamples: number[] = [];
    for (let pass = 0; pass < 3; pass++) {
      let below = fsol;
      const times: number[] = [];
      for (let k = 11; k <= 20; k++) {
        const t0 = performance.now();
        below = solveDual(src, { alpha: ALPHA, beta: k * SLIDER }, { warm: below.state, workspace });
        times.push(performance.now() - t0);
      }
      console.log(`slider steps β 0.55% → 1% (ms): ${times.map((t) => t.toFixed(0)).join(' ')}`);
      stepSamples.push(...times);
    }
    const tStep = summarize(stepSamples);
    // Resumed from the sweep point below (1-3 slider steps): a step down before the fill has reached it.
    const gridSamples: number[] = [];
    const at = (k: number) => solveDual(src, { alpha: ALPHA, beta: k * SLIDER }, { workspace });
    for (const [from, to] of [
      [8, 9],
      [8, 10],
      [8, 11],
      [12, 15],
    ]) {
      const base = at(from);
      const t0 = performance.now();
      solveDual(src, { alpha: ALPHA, beta: to * SLIDER }, { warm: base.state, workspace });
      gridSamples.push(performance.now() - t0);
    }
    const tGrid = summarize(gridSamples);
    // The 10-point β curve, ascending, each point resumed from the one before (as the worker sweeps).
    const betas = Array.from({ length: 10 }, (_, i) => (i * ALPHA) / 9);
    let curveMoves = 0;
    const tFullCurve = await timeIt(
      () => {
        let prev: MatchSolution | null = null;
        curveMoves = 0;
        for (const beta of betas) {
          prev = solveDual(src, { alpha: ALPHA, beta }, prev ? { warm: prev.state, workspace } : { workspace });
          curveMoves += prev.iterations;
        }
      },
      3,
      0,
    );

    // The ml-latest-small user split's shape: 305 test users × 9,724 items (a slider step there is one cold solve).
    const rngM = createRng(3);
    const mlSmall = denseScores(305, 9724, drawScores(scoreWorld(9724, rngM, 16, 1), 305, rngM));
    // As the planner worker solves it: one workspace for the matrix (its transposed copy and scale), a cold solve at
    // β = 0.5%, then slider steps up, each resumed from the position below.
    const wsMl = createDualWorkspace();
    const tMl = await timeIt(() => solveDual(mlSmall, s, { workspace: wsMl }), 7, 1);
    const mlStepSamples: number[] = [];
    for (let rep = 0; rep < 2; rep++) {
      let belowMl = solveDual(mlSmall, { alpha: ALPHA, beta: 10 * SLIDER }, { workspace: wsMl });
      for (let k = 11; k <= 20; k++) {
        const t0 = performance.now();
        belowMl = solveDual(mlSmall, { alpha: ALPHA, beta: k * SLIDER }, { warm: belowMl.state, workspace: wsMl });
        if (rep === 1) mlStepSamples.push(performance.now() - t0);
      }
    }
    const tMlStep = summarize(mlStepSamples);

    // 6. Algorithm 1's annealed soft root finds (method 'anneal'), on a 1/16 sample (1,510 rows × 927 items).
    const ms = 1510;
    const ns = 927;
    const rngS = createRng(2);
    const small = denseScores(ms, ns, drawScores(scoreWorld(ns, rngS, 16, 1), ms, rngS));
    let cold: MatchSolution | null = null;
    const tCold = await timeIt(
      () => {
        cold = solveDual(small, s, { method: 'anneal' });
      },
      1,
      0,
    );
    const sol = cold as unknown as MatchSolution;
    const gs = solveGreedy(small, s);
    const auctionSmall = solveDual(small, s);
    const q = quality(sol, ms, ns);
    const fq = quality(fsol, M, N);
    const aq = quality(auctionSmall, ms, ns);
    const gq = quality(gs, ms, ns);
    const gFull = quality(g, M, N);

    const torchLast = torchPasses(TORCH_VARIANTS[best], 7);
    const load1 = os.loadavg()[0];
    const unit = (torchFirst[best].passes[0].ms + torchLast.passes[0].ms) / 2;
    const rows: (string | number)[][] = [
      [`one pass, sigmoid-and-mean, ε = 1e-4 (cut-off skips exp)`, `${M}×${N}`, tPass.median, tPass.p95, '≤ 50'],
      ['one pass, ε = 1 (every pair needs an exp)', `${M}×${N}`, tPassWide.median, tPassWide.max, ''],
      [
        'one sweep at ε = 1e-4 (u roots + v roots), with setup and hard decisions',
        `${M}×${N}`,
        tSweep.median,
        tSweep.max,
        '',
      ],
      ['greedy (min-exposure pass + top-off)', `${M}×${N}`, tGreedy.median, tGreedy.max, ''],
      ['reference: one full-matrix bisection step', `${M}×${N}`, refStep, '', ''],
      ['reference: one epoch (50 u + 50 v steps), extrapolated', `${M}×${N}`, refStep * 100, '', ''],
      ['reference: one solve (100 epochs), extrapolated', `${M}×${N}`, refStep * 100 * 100, '', ''],
      [
        `offline Dual (auction, eq. 14 limit), cold solve (${fsol.iterations} price moves)`,
        `${M}×${N}`,
        tFull.median,
        tFull.max,
        '≤ 5,000',
      ],
      [
        'offline Dual (auction), one β step up (α/20), resumed from the position below (3 × 10 steps, β 0.5% → 1%)',
        `${M}×${N}`,
        tStep.median,
        tStep.p95,
        '≤ 150 p95',
      ],
      [
        'offline Dual (auction), 1-3 steps up, resumed from a sweep point (4 cases)',
        `${M}×${N}`,
        tGrid.median,
        tGrid.max,
        '',
      ],
      [
        `offline Dual (auction), 10-point β curve, ascending, resumed (${curveMoves} price moves)`,
        `${M}×${N}`,
        tFullCurve.median,
        tFullCurve.max,
        '≤ 10,000',
      ],
      [
        "offline Dual (auction), cold solve, the matrix's workspace kept (as the planner worker does)",
        '305×9724',
        tMl.median,
        tMl.p95,
        '',
      ],
      [
        'offline Dual (auction), one β step up (α/20), resumed from the position below (10 steps, β 0.5% → 1%)',
        '305×9724',
        tMlStep.median,
        tMlStep.p95,
        '≤ 150 p95',
      ],
      [
        `annealed Dual (Algorithm 1 root finds), cold solve (${sol.iterations} sweeps)`,
        `${ms}×${ns}`,
        tCold.median,
        tCold.max,
        '',
      ],
    ];
    return [
      `Synthetic scores λ = exp(θ·φ/√16 + b), Zipf item bias (core/planner/synthetic.ts), α = 1%, β = 0.5%.`,
      '',
      `Peer: one PyTorch pass of the same sigmoid-and-mean over the same ${M}×${N} matrix (bench/torch_planner.py: float32,`,
      `no cut-off), ${unit.toFixed(1)} ms at ε = 1e-4·max λ in its fastest setting (${variantLabel(TORCH_VARIANTS[best])};`,
      `${torchFirst[best].passes[0].ms.toFixed(1)} ms before the rows below, ${torchLast.passes[0].ms.toFixed(1)} ms after), ${torchFirst[best].passes[1].ms.toFixed(1)} ms at ε = max λ. Every`,
      `setting (ms at the two ε): ${settings}.`,
      `${YARDSTICK_NOTE} The column "× PyTorch pass" is each row's median over that pass, so that a change can be`,
      `judged on a loaded machine. Row sums of π agree: ${epsPass.map((_, i) => `${tsTotals[i].toFixed(1)} (ours) vs ${torchFirst[best].passes[i].rowTotal.toFixed(1)} (PyTorch)`).join(', ')}.`,
      `1-minute load ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, on ${os.cpus().length} cores.`,
      '',
      table(
        ['step', 'shape', 'median ms', 'p95 / max ms', '× PyTorch pass', 'target ms'],
        rows.map(([label, shape, median, p95, target]) => [
          label,
          shape,
          median,
          p95,
          typeof median === 'number' ? median / unit : '',
          target,
        ]),
      ),
      '',
      table(
        ['solver', 'shape', 'objective Σλ', 'items within one of β·rows', 'users over capacity'],
        [
          ['offline Dual (auction)', `${M}×${N}`, fsol.objective, `${(100 * fq.atMin).toFixed(1)}%`, fq.over],
          ['offline Dual (auction)', `${ms}×${ns}`, auctionSmall.objective, `${(100 * aq.atMin).toFixed(1)}%`, aq.over],
          ['annealed Dual', `${ms}×${ns}`, sol.objective, `${(100 * q.atMin).toFixed(1)}%`, q.over],
          ['greedy', `${ms}×${ns}`, gs.objective, `${(100 * gq.atMin).toFixed(1)}%`, gq.over],
          ['greedy', `${M}×${N}`, g.objective, `${(100 * gFull.atMin).toFixed(1)}%`, gFull.over],
        ],
      ),
      '',
      'Notes: runs: 7 for the pass, 3 for the cold auction solve and the curve, 1 for sweeps and the anneal. The reference rows',
      'are our TypeScript rendering of the published algorithm (an exp per pair per bisection step): 4 steps timed and',
      'multiplied out, not run for 100 epochs. What each step bought: the logit cut-off turns most of a pass into a',
      'compare (first two rows); annealed root finds bracket the root near the quickselected k-th value and Newton-iterate',
      'on the few pairs there; but coordinate ascent on long-tailed scores still needs tens of dense sweeps per ε level',
      '(one sweep row). The auction (core/planner/auction.ts) solves the ε → 0 limit directly: an item below β raises its',
      'boost just enough to win its cheapest missing users (one column read, not the matrix), so a cold solve costs a few',
      'thousand column reads. Its raise margin (0.1 × the typical K-th score) keeps it within 2% of the LP optimum (tests vs',
      'HiGHS) and ends price wars. A slider step up resumes from the assignment below (prices only rise: each boosted item',
      'wins its few extra users); re-deriving assignments from old prices, or resuming downwards, cascades and is slower',
      'than a cold solve, so a step down resumes from the position below it. In the app the page fills every slider',
      'position after the sweep, so steps there are lookups (planner-ui rows). Hard part: near β = α the constraint is nearly',
      "tight (β·rows·items close to the rows' capacity n·K) and a step is a market-wide price war: nearly every item is",
      'boosted and all of their prices rise by about the same amount (β 0.95% → 1%: +2.458 ± 0.015 at δ = 0.0045), which',
      'one-item raises reach only after m·shift/δ moves. Since 2026-11-23 (later) a resumed solve first lifts every boosted',
      'price by one common amount, the minimum of the convex dual along that direction (one row pass over the users holding',
      'unboosted items, first estimated on every 8th user and skipped when below δ), and looks for another lift every m',
      'moves; the raises then win the users. Same-process A/B: step p95 2.26 s → 0.78 s (the lift) → 0.50 s (the sampled',
      'and repeated lifts), curve 6.1 → 3.3 s (156,861 → 68,195 moves), objective at β = α 13,816 → 14,024 (fixed-δ',
      'reference 14,062: the old δ widening cost more than the lift), below β = α within 0.05%. Still at least ~3,600 raises',
      'a step (each boosted item needs ~3 more users) at 20-30 µs per column scan. On 2026-12-04 the raise takes its holders',
      "from per-item holder lists (itemHolders.ts) instead of reading every user's membership in its scan, and the scan",
      'screens 8 users at a time by kth − λ < bar + w, reading membership and the candidate heap only for those that',
      'pass: ~28 → ~10 µs per column, identical decisions (same raises and Σw at every step); same-process A/B of this',
      'bench: step median 242 → 172-182 ms, p95 395 → 222-263 (two runs), curve 3.2 → 2.3 s, cold 964 → 827-840 ms. Tried: reading',
      'membership only below max(bar, 0) without the lists (members cost ≤ 0) gained nothing here, since on this world',
      'most outsiders of a boosted item cost ≤ 0 too (the K-th values sit within δ of the boosted prices); a branchy',
      "running minimum for the 8-user screen instead of one || chain was 1.5× slower. Also tried that day, for the holders'",
      'updates (a linear find of the item in the row, then a sift): fixed slots with the minimum kept aside (holder lists',
      'name slots; a rising minimum rescans the row) gave the same decisions and 10-15% faster steps at K = 37 but 15-20%',
      'slower solves at the ml-latest-small shape (K = 97); slots under an indexed heap gained nothing at either; keeping',
      'the second smallest too gained nothing at K = 37. Later on 2026-11-23, same-process A/B over the',
      '10 steps (median / max ms): 443 / 696 before; 170-320 once a resume starts from the values the last solve left (no',
      'K random reads of λ per row), the matrix maximum is read only when the margin scale is zero (15 ms a solve) and the',
      'assignment is built in typed arrays (20 ms); the lift then reads only its 1/8 sample of users (the full pass was',
      '~85 ms a lift): 133-268, objectives within 0.02% below β = α and 0.35% lower at β = α. What is left is the raises',
      "themselves: ~60% column reads, the rest the holders' heap updates. Tried and dropped: per-item candidate lists",
      "with a validity bound (twice: keys of the listed users rise with every step's prices, so 5-10% of raises could use",
      'them, and re-checking after a lift cost more than it saved); per-column user orders by λ in groups of similar K-th',
      'value (~140 of 6,040 users read per raise when grouped by the current K-th values, but grouped by an earlier',
      "step's they read 3,400-5,400, and regrouping costs a sort per column); passing non-candidates before reading",
      "their membership (slower in V8 here); lazy holder values (a raise leaves its holders' heaps lagging, made exact",
      'when read; same-process A/B on 2026-12-04: median 251-284 ms lazy against 221-228 eager, the refreshes cost more',
      'than the heap updates they saved); moving users at the lift (they piled onto a few items and the lowerings',
      'cascaded). Earlier on 2026-11-23: the raise lists the',
      "column's holders in the same scan that finds the cheapest outsiders (one column read per raise, not two): curve",
      '10.4 → 8.6 s; the pass rejects cut-off pairs with one compare (64 → 47 ms). At the ml-latest-small shape (305 × 9,724)',
      "the constraint is nearly tight (β·rows·items close to the rows' capacity) and a cold solve is a chain of one-user",
      "raises. Until 2026-12-04 that shape's row timed cold solves without the workspace the planner worker keeps per",
      'matrix (a fresh transpose each time) and called each one a slider step; it now times what the worker does: the',
      'workspace kept, each step resumed from the one below. There β·305 users moves by 0.15 a step, so most steps leave',
      "the minimal exposure (in whole users, capped at the capacity's 3) where it was and cost only the solve's setup.",
      '',
      "On 2026-12-04 (later), the slider step p95 went 254 → 116 ms (median 181 → 90; all ten steps' objectives unchanged),",
      "by same-process A/B on the ten steps, step at β = 0.95% (the slowest) in ms: (1) a raise's column scan on a WASM",
      'SIMD kernel (core/planner/scanKernel.wat; the transposed scores, f32 K-th values and membership bytes in one',
      "WebAssembly.Memory; each 16-user block's cheapest outsider, then only blocks under the need-th smallest read",
      "exactly): 213 → 165; (2) the auction's assignment kept between solves in the matrix's workspace (no re-marking",
      'of 223k choices and 22 MB of membership per step), the CSR by a counting pass and the objective from the kept',
      'values (~12 ms of sorts and scattered reads): small, ~10 ms; (3) periodic lifts only after a lift of ≥ 32 δ (below',
      'β = α every later attempt found nothing, ~12 ms each): 165 → 137; (4) O(1) removal from holder lists (a popular',
      "item's list holds thousands of users and was searched linearly: a fifth of the profile) and the lift's row scan",
      'with unboosted items at −∞: 137 → 130; (5) chosen sets in fixed slots with the minimum kept aside instead of',
      'per-user heaps (ChoiceSlots; holder lists name slots, so a raise updates each holder with one write and only a',
      "change at a user's minimum rescans its K values): 130 → 105-112. Slots cost more at K = 97 (the ml-latest-small",
      "shape: step p95 69-94 → 100 ms, cold 106-148 → 139 ms), both within the target. Memory: the matrix's workspace",
      'now keeps 22 MB of membership bytes and the choice arrays (2.7 MB) at 6,040 × 3,706 between solves.',
    ].join('\n');
  },
};

export default bench;
