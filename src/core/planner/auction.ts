/**
 * The ε → 0 limit of the Dual (eq. 14) solved exactly by an auction over item prices.
 *
 * With w_y = −v_y the boost of item y, each user x takes the K items with the largest λ_xy + w_y (ties and
 * "nothing" included: an empty slot is worth 0, so u_x = max(0, K-th value) ≥ 0 as in eq. 13). In that limit the
 * v-step of Algorithm 1 is a quantile: the price at which exactly `lo` users (β·rows) keep y. Instead of
 * recomputing all quantiles every sweep (Jacobi, which can oscillate), items below their minimal exposure raise
 * their own price just enough to win the cheapest missing users, one item at a time (a reverse auction,
 * Bertsekas 1988). Prices only rise, every raise wins `need` users, and the users it displaces are the marginal
 * ones, so the loop ends with every boosted item at exactly its minimal exposure and every other item above it:
 * primal and dual feasible with complementary slackness, i.e. optimal for eq. 9 up to ties and the raise margin δ.
 * Why not the full-matrix bisection of the reference: one raise reads one column (n_users floats) instead of the
 * whole matrix, so a cold solve costs about as much as a few passes over the matrix, not hundreds.
 *
 * The steps (choose, raise, lower, lift, settle) work on an explicit state in auctionSteps.ts; this file holds the
 * options and the order of a solve: ε-scaling stages, or one stage resumed from a nearby solution.
 *
 * Maximal exposure (β', the α sweep) is the mirror image: items over their cap lower their price (below 0 if need
 * be) until only `hi` users keep them; the users they leave take their best other item or an empty slot.
 * Lowering also repairs a warm start whose prices are too high for the new β.
 */
import type { StopSignal } from '../util/abort';
import { marginalScore, maxOf, transpose } from './auctionScans';
import { takeState, type AuctionWorkspace } from './auctionState';
import { AuctionRun, type SettleLimits } from './auctionSteps';

export interface AuctionProblem {
  /** rows × cols row-major scores λ ≥ 0. */
  data: Float32Array;
  nRows: number;
  nCols: number;
  /** cols × rows copy of `data` (columns contiguous); built when absent. */
  transposed?: Float32Array;
  /** Items per user (capacity K). */
  K: number;
  /** Minimal exposure per item, in users (0: none). */
  lo: number;
  /** Maximal exposure per item, in users (Infinity: none). */
  hi: number;
}

export interface AuctionOptions {
  /** Warm-start boosts w = −v (per item), e.g. from the previous slider position. */
  w0?: Float64Array;
  /**
   * Price margin of each raise, in score units. Default: 0.1 × the mean K-th largest score of a row (the scores users
   * are torn between; 0.01 × with caps alone). Smaller margins cost raises (price wars ∝ 1/δ) for little objective.
   */
  delta?: number;
  /** Stops after this many price changes (default 50 per item); the result says whether it converged. */
  maxMoves?: number;
  signal?: StopSignal;
  /** Moves within a stage after which δ is widened ×4 to end a price war (default 3 per item + 1,000). */
  widenAfter?: number;
  /** Coarser raise margins to run first (ε-scaling), in score units. */
  stages?: number[];
  /**
   * Continue from a previous result on the same scores and K (its `w` and `chosen`), e.g. the solution at a nearby β:
   * the auction resumes from that assignment instead of re-deriving one from prices (which, with the raise margin,
   * starts a cascade of corrections). Ignored when its shape does not match. Stages are skipped: prices are already
   * close. From a higher minimal exposure it ends feasible but slower and up to ~2% further from the optimum (the
   * lowerings), so callers resume upwards only.
   */
  resume?: { w: Float64Array; chosen: Int32Array; values?: Float64Array };
  /** On resume, first lift all boosted prices by one common amount (a dual line search, see `lift`); default true. */
  lift?: boolean;
  /** On resume, moves between further lifts (default: one per item): a price war near β = α is mostly a common rise. */
  liftEvery?: number;
  /**
   * Buffers and the live assignment kept between solves on the same matrix and K. A solve that resumes from the
   * result the workspace's last solve returned takes its assignment as it stands (no re-marking of every choice and
   * of the rows × items membership bytes); any other solve resets and reuses the buffers.
   */
  workspace?: AuctionWorkspace;
}

export interface AuctionResult {
  /** Item boosts w = −v (v ≤ 0 for minimal exposure, ≥ 0 for items held at their cap). */
  w: Float64Array;
  /** Per user the K-th largest λ + w of its chosen items, floored at 0: the user dual u of eq. 13. */
  u: Float64Array;
  /** Per user K chosen items (−1: an empty slot), row-major rows × K. */
  chosen: Int32Array;
  /**
   * Their values λ + w as the solve left them, in the same order. A resumed solve starts from these instead of
   * re-reading λ at K random places per row.
   */
  values: Float64Array;
  exposure: Int32Array;
  raises: number;
  lowers: number;
  /** Common price lifts applied on resume (see `lift`). */
  lifts: number;
  converged: boolean;
}

/** The default raise margin: a share of the mean K-th largest score of a row (the scores users are torn between). */
function defaultDelta(data: Float32Array, n: number, m: number, K: number, lo: number): number {
  const typical = marginalScore(data, n, m, K);
  // Caps alone end in lowerings only (no price wars), so they afford a finer margin. The floor matters only for an
  // all-zero margin.
  return (lo > 0 ? 0.1 : 0.01) * (typical > 0 ? typical : Math.max(1e-9 * maxOf(data), 1e-30));
}

export function solveAuction(p: AuctionProblem, opts: AuctionOptions = {}): AuctionResult {
  const { data, nRows: n, nCols: m } = p;
  const K = Math.max(0, Math.min(m, Math.floor(p.K)));
  const lo = Math.max(0, Math.min(n, Math.ceil(p.lo - 1e-9)));
  const hi = p.hi === Infinity ? Infinity : Math.max(0, Math.floor(p.hi + 1e-9));
  const T = p.transposed ?? transpose(data, n, m);
  const finalDelta = opts.delta ?? defaultDelta(data, n, m, K, lo);
  const resume =
    opts.resume && opts.resume.w.length === m && opts.resume.chosen.length === n * K && K > 0 ? opts.resume : null;
  const w = resume ? Float64Array.from(resume.w) : opts.w0 ? Float64Array.from(opts.w0) : new Float64Array(m);
  const { st, live, kern } = takeState(opts.workspace, T, n, m, K, resume?.chosen ?? null);
  const lifting = resume !== null && opts.lift !== false;
  const run = new AuctionRun({ data, T, n, m, K, lo, hi }, w, st, kern, finalDelta, lifting);
  const limits: SettleLimits = {
    maxMoves: opts.maxMoves ?? 50 * Math.max(1, m),
    widenAfter: opts.widenAfter ?? 3 * m + 1000,
    liftEvery: lifting ? (opts.liftEvery ?? m) : Infinity,
    signal: opts.signal,
  };

  // ε-scaling (Bertsekas): a coarse raise margin ends price wars among near-equal items quickly; each finer stage
  // starts from the coarse prices less the coarse margin (they may overshoot by that much) and corrects both ways.
  // A resumed solve starts from prices already close: one stage at the final margin.
  const stages = resume ? [finalDelta] : [...(opts.stages ?? []).filter((d) => d > finalDelta), finalDelta];
  let prev = 0;
  for (const d of stages) {
    if (prev > 0) run.stepBack(prev);
    run.delta = prev = d;
    if (resume) {
      if (!live) run.restore(resume.chosen, resume.values?.length === n * K ? resume.values : undefined);
      if (lifting) run.lift();
    } else run.choose();
    run.settle(limits);
  }

  // With a workspace the result gets copies (the workspace's arrays move on with the next solve).
  const { choices } = st;
  const chosen = K === 0 ? new Int32Array(0) : opts.workspace ? choices.item.slice() : choices.item;
  if (opts.workspace && !opts.signal?.aborted) st.handedOut = chosen;
  return {
    w,
    u: run.userDuals(),
    chosen,
    values: K === 0 ? new Float64Array(0) : opts.workspace ? choices.val.slice() : choices.val,
    exposure: run.exposure,
    raises: run.raises,
    lowers: run.lowers,
    lifts: run.lifts,
    converged: run.converged(),
  };
}
