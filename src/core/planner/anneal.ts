/**
 * The annealed Dual's schedule (paper Algorithm 1; options in dual.ts DualOptions), shared by the CPU solve (dual.ts)
 * and the solve whose passes run elsewhere (dualPassed.ts): the warm start, ε from τ (the mean TopK threshold) down to
 * epsMin, the sweeps per level, the residual log, and the decisions at the final ε.
 */
import { solutionOf, secondsSince } from './common';
import { marginalScore } from './auctionScans';
import type { StopSignal } from '../util/abort';
import type { DualWorkspace } from './dualSteps';
import type { Problem } from './dualSteps';
import type { ActiveView } from './dualSteps';
import { hardDecisions, roundedDecisions } from './rounding';
import type { DualState, MatchSettings, MatchSolution } from './types';

/** batch: a sample of rows; sparse: the active set; dense: the full matrix. */
export type DualStepKind = 'batch' | 'sparse' | 'dense';

export interface DualIteration {
  iteration: number;
  eps: number;
  kind: DualStepKind;
  /** Pairs the epoch touched (rows × items for batch/dense, |S| for sparse). */
  size: number;
  /** max_x (Σ_y π − K)/K, and |Σ_y π − K|/K where u_x > 0 (complementary slackness). */
  user: number;
  /** max_y (L − Σ_x π)/L and (Σ_x π − U)/U, absolute where v_y ≠ 0 holds the column at its bound. */
  item: number;
}

export interface DualOptions {
  /**
   * exact (default for minimal exposure alone): the ε → 0 limit solved by the price auction (exact.ts), fast at the
   * ML-1M shape; anneal: Algorithm 1's annealed soft root finds (always used with β'). Any annealing option below
   * given explicitly selects anneal.
   */
  method?: 'exact' | 'anneal';
  /** Start from a previous solution (u, v in score units; annealing resumes near its ε). */
  warm?: DualState;
  signal?: StopSignal;
  /**
   * Initial ε, normalised units. Default (cold): the mean TopK threshold of a sample of rows, τ: Algorithm 1 starts
   * at 1, but with long-tailed scores (max λ far above the thresholds) every ε ≫ τ gives the same near-uniform π, so
   * those epochs buy nothing. Warm: 4·epsMin.
   */
  eps0?: number;
  /** Cold start ε as a multiple of τ when eps0 is not given; default 1. */
  startFactor?: number;
  /** Final ε, normalised units; default τ·1e-4 (few pairs left fractional, so hard decisions match the soft ones). */
  epsMin?: number;
  /** Annealing factor per epoch, ε ← γ·ε; default 0.5. */
  gamma?: number;
  /** Rows per sampled epoch (Algorithm 1's batch of user states); default 512. */
  batchRows?: number;
  /**
   * Sampled epochs run while ε > τ·batchUntil (normalised by τ, the mean TopK threshold); default 1/8. Below that a
   * batch's β-quantiles are too noisy (a cold item's quantile over 512 rows hinges on one or two of them).
   */
  batchUntil?: number;
  /** Seed of the batch sampling (the Unif(−1, 0) init of Algorithm 1 is replaced by v = 0: deterministic, feasible). */
  seed?: number;
  /**
   * Most alternating sweeps per intermediate ε (fewer once both violations are ≤ levelTol); default 10, and 50 with
   * a cap β'. levelTol: default 0.1, and 0.01 with a cap β'. With a cap, each level converges before ε halves: left
   * at 10%, the final sweeps stall on tied rows (λ(x)·pop(y) scores) with rows 10-20% over K, and v, once each row
   * takes its own u, fills only 85-95% of the caps on the rows it was solved on. (Lower bounds alone keep the
   * cheaper schedule: converging every level there costs about 3× the time.)
   */
  sweepsPerLevel?: number;
  levelTol?: number;
  /** Over-relaxation of the v-step, v ← v' + ω(v' − v) keeping v's sign; default 0.5 (fewer sweeps on skewed scores). */
  overRelax?: number;
  /** Over-relaxation at the final ε; default 0 (exact v-steps leave every item at its bound). */
  overRelaxFinal?: number;
  /** Most alternating sweeps at the final ε; default 40. */
  maxSweeps?: number;
  /** Stop the final sweeps when both relative violations are ≤ tol; default 0.01. */
  tol?: number;
  /** Largest active set, as a share of the matrix, before falling back to full passes; default 0.15. */
  maxActiveShare?: number;
  /** Margin of the active set beyond Zε, as a multiple of max(Zε, the last drift); default 2. */
  slack?: number;
  /** Reusable buffers for repeated solves on the same scores (sweeps, sliders). */
  workspace?: DualWorkspace;
  /**
   * The annealed solve's decisions. 'rounded' (default): each row draws its K items from its soft decisions at the
   * final ε (rounding.ts, seeded by `seed`), so that identical rows split a tied group as the LP optimum does and the
   * item bounds hold in expectation. 'hard': TopK{λ − v} (eq. 14's ε → 0 limit), which gives every row of a tied
   * group the same items: with Pop-like scores an item capped at β' then takes the whole group. The auction (exact)
   * path is not affected.
   */
  decision?: 'rounded' | 'hard';
  onIteration?: (it: DualIteration) => void;
}

/** Accepted |Σπ − target| of every root find, as a share of the target (counts). */
export const ROOT_TOL = 1e-3;

/** u and v to start from (the warm state's where it fits), and whether annealing may resume near its ε. */
export function annealStart(
  m: number,
  p: number,
  K: number,
  warmState?: DualState,
): { u: Float64Array; v: Float64Array; warm: boolean } {
  const u = new Float64Array(m);
  const v = new Float64Array(p);
  // u of another capacity (an α slider or sweep) is no start: only v carries over (see DualState.rowK).
  const uFits = warmState !== undefined && warmState.u.length === m && (warmState.rowK ?? K) === K;
  if (warmState && uFits && warmState.v.length === p) {
    u.set(warmState.u);
    v.set(warmState.v);
  } else if (warmState && warmState.v.length === p) {
    v.set(warmState.v);
  }
  // Annealing resumes near the previous ε only from a full state of these rows: v alone (or a state of no item
  // constraint, ε = 0) at that ε leaves u far from its root, and the sweeps there stall with items short.
  const warm = warmState !== undefined && warmState.v.length === p && uFits && warmState.eps > 0;
  return { u, v, warm };
}

/** The ε schedule (raw score units) and the residual log of one annealed solve. */
export class Anneal {
  /** Mean TopK threshold of a sample of rows (raw units). */
  readonly tau: number;
  readonly epsMin: number;
  eps: number;
  iteration = 0;
  readonly residuals = { user: [] as number[], item: [] as number[] };
  private readonly gamma: number;
  private readonly tol: number;
  private readonly sweepsPerLevel: number;
  private readonly levelTol: number;
  private readonly omega: number;
  private readonly omegaFinal: number;
  private sweepsAtMin = 0;
  private levelSweeps = 0;

  constructor(
    pr: Problem,
    private readonly scale: number,
    warm: boolean,
    private readonly opts: DualOptions,
  ) {
    this.tau = marginalScore(pr.data, pr.m, pr.p, Math.ceil(pr.K - 1e-9)) || scale;
    this.epsMin = opts.epsMin !== undefined ? opts.epsMin * scale : 1e-4 * this.tau;
    this.gamma = opts.gamma ?? 0.5;
    this.eps = Math.max(
      this.epsMin,
      opts.eps0 !== undefined ? opts.eps0 * scale : warm ? 4 * this.epsMin : this.tau * (opts.startFactor ?? 1),
    );
    this.tol = opts.tol ?? 0.01;
    const capped = pr.U < Infinity;
    this.sweepsPerLevel = opts.sweepsPerLevel ?? (capped ? 50 : 10);
    this.levelTol = opts.levelTol ?? (capped ? 0.01 : 0.1);
    this.omega = opts.overRelax ?? 0.5;
    this.omegaFinal = opts.overRelaxFinal ?? 0;
  }

  /** At the final ε. */
  get final(): boolean {
    return this.eps <= this.epsMin * (1 + 1e-9);
  }

  /** Over-relaxation of this sweep's v-step. */
  get relaxation(): number {
    return this.final ? this.omegaFinal : this.omega;
  }

  /** Logs one sweep's residuals and moves the schedule on; true when the solve is done. */
  after(kind: DualStepKind, size: number, r: { user: number; item: number }, sampled = false): boolean {
    this.residuals.user.push(r.user);
    this.residuals.item.push(r.item);
    const { opts } = this;
    opts.onIteration?.({
      iteration: this.iteration,
      eps: this.eps / this.scale,
      kind,
      size,
      user: r.user,
      item: r.item,
    });
    this.iteration++;
    if (this.final) {
      this.sweepsAtMin++;
      return (r.user <= this.tol && r.item <= this.tol) || this.sweepsAtMin >= (opts.maxSweeps ?? 40);
    }
    this.levelSweeps++;
    if (sampled || (r.user <= this.levelTol && r.item <= this.levelTol) || this.levelSweeps >= this.sweepsPerLevel) {
      this.eps = Math.max(this.epsMin, this.eps * this.gamma);
      this.levelSweeps = 0;
    }
    return false;
  }

  /** The hard decisions at the final (u, v) and the solution (S: the active set, when the CPU solve kept one). */
  solution(
    s: MatchSettings,
    pr: Problem,
    K: number,
    u: Float64Array,
    v: Float64Array,
    t0: number,
    S?: ActiveView,
  ): MatchSolution {
    const { data, m, p } = pr;
    const seed = this.opts.seed ?? 1;
    const assignment =
      this.opts.decision === 'hard'
        ? hardDecisions(data, m, p, K, v, S)
        : roundedDecisions(data, m, p, K, v, this.eps, seed);
    const state: DualState = { u, v, eps: this.eps / this.scale, rowK: K };
    return solutionOf('offline', s, data, assignment, state, this.residuals, this.iteration, secondsSince(t0));
  }
}

/** v ← v' + ω(v' − v_old), keeping the sign the constraint gave v'. */
export function relax(v: Float64Array, vOld: Float64Array, omega: number): void {
  if (omega === 0) return;
  for (let y = 0; y < v.length; y++) {
    const n = v[y] + omega * (v[y] - vOld[y]);
    v[y] = v[y] < 0 ? Math.min(n, 0) : v[y] > 0 ? Math.max(n, 0) : 0;
  }
}
