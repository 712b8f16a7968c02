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
 * whole matrix, so a cold solve at 6,040 × 3,706 costs about as much as a few passes, not hundreds.
 *
 * Maximal exposure (β', the α sweep) is the mirror image: items over their cap lower their price (below 0 if need
 * be) until only `hi` users keep them; the users they leave take their best other item or an empty slot.
 * Lowering also repairs a warm start whose prices are too high for the new β.
 */
import type { StopSignal } from '../util/abort';
import {
  LIFT_SAMPLE,
  LIFT_SWAPS,
  cheapestOutsiders,
  kthSmallest,
  liftThresholds,
  marginalScore,
  maxOf,
  transpose,
} from './auctionScans';
import { clearState, takeState, type AuctionWorkspace } from './auctionState';

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
   * are torn between). Smaller margins cost raises (price wars ∝ 1/δ); at 6,040 × 3,706 this default ended within
   * 0.02% of the objective at δ/10, with 1/7 of the raises (bench notes).
   */
  delta?: number;
  /** Stops after this many price changes (default 50 per item); the result says whether it converged. */
  maxMoves?: number;
  signal?: StopSignal;
  /** Moves within a stage after which δ is widened ×4 to end a price war (default 3 per item + 1,000: at 6,040 × 3,706
   * the resumed 10-point β curve then takes 0.57× the time of 10 per item, its objective within 0.3%). */
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
  /**
   * On resume, moves between further lifts (default: one per item). At 6,040 × 3,706 the two steps below β = α then
   * take 10-11k moves instead of 16-21k, their objectives 0.05% and 0.2% lower; every 2 per item saved less.
   */
  liftEvery?: number;
  /**
   * Buffers and the live assignment kept between solves on the same matrix and K. A solve that resumes from the
   * result the workspace's last solve returned takes its assignment as it stands (no re-marking of 223k choices or
   * 22 MB of membership at 6,040 × 3,706); any other solve resets and reuses the buffers.
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
   * re-reading λ at K random places per row (~10 ms at 6,040 × 3,706).
   */
  values: Float64Array;
  exposure: Int32Array;
  raises: number;
  lowers: number;
  /** Common price lifts applied on resume (see `lift`). */
  lifts: number;
  converged: boolean;
}

/**
 * Further lifts are looked for only after one of at least this many raise margins. At 6,040 × 3,706 the resumed slider
 * steps below β = α lift by 1.5-20 δ first and then find nothing (the line minimum is below δ) at ~12 ms an attempt;
 * near β = α the first lift is 50-400 δ, and the next ones 2-200 δ.
 */
const LIFT_AGAIN = 32;

export function solveAuction(p: AuctionProblem, opts: AuctionOptions = {}): AuctionResult {
  const { data, nRows: n, nCols: m } = p;
  const K = Math.max(0, Math.min(m, Math.floor(p.K)));
  const lo = Math.max(0, Math.min(n, Math.ceil(p.lo - 1e-9)));
  const hi = p.hi === Infinity ? Infinity : Math.max(0, Math.floor(p.hi + 1e-9));
  const T = p.transposed ?? transpose(data, n, m);
  // The floor matters only for an all-zero margin; reading the whole matrix for it cost ~15 ms a solve at 6,040 × 3,706.
  const typical = marginalScore(data, n, m, K);
  // Caps alone end in lowerings only (no price wars), so they afford a finer default margin.
  const finalDelta =
    opts.delta ?? (lo > 0 ? 0.1 : 0.01) * (typical > 0 ? typical : Math.max(1e-9 * maxOf(data), 1e-30));
  let delta = finalDelta;
  const resume =
    opts.resume && opts.resume.w.length === m && opts.resume.chosen.length === n * K && K > 0 ? opts.resume : null;
  const w = resume ? Float64Array.from(resume.w) : opts.w0 ? Float64Array.from(opts.w0) : new Float64Array(m);
  const { st, live, kern } = takeState(opts.workspace, T, n, m, K, resume?.chosen ?? null);
  const { choices, member } = st;
  /** Each item's holders; their counts are the exposures. */
  const holderLists = st.holders;
  const exposure = holderLists.count;

  /** Every user takes its K best items by λ + w (empty slots, worth 0, fill what positive values do not). */
  const choose = () => {
    choices.clear();
    clearState(st, true); // an earlier ε stage's choices
    if (K === 0) return;
    for (let x = 0; x < n; x++) {
      const off = x * m;
      for (let y = 0; y < m; y++) {
        const v = data[off + y] + w[y];
        if (v > choices.kth[x]) choices.replaceMin(x, y, v);
      }
      markRow(x);
    }
  };
  const markRow = (x: number) => {
    const b = x * K;
    for (let i = 0; i < K; i++) {
      const y = choices.item[b + i];
      if (y >= 0) {
        member[y * n + x] = 1;
        choices.pos[b + i] = holderLists.add(y, x, i);
      }
    }
  };
  /** The previous assignment as it was (values re-read at the resumed prices); empty slots are worth 0. */
  const restore = (chosen: Int32Array, values: Float64Array | undefined) => {
    choices.item.set(chosen);
    if (values) choices.val.set(values);
    for (let x = 0; x < n; x++) {
      const b = x * K;
      const off = x * m;
      for (let i = 0; i < K && !values; i++) {
        const y = chosen[b + i];
        choices.val[b + i] = y >= 0 ? data[off + y] + w[y] : 0;
      }
      choices.refresh(x);
      markRow(x);
    }
  };

  const maxMoves = opts.maxMoves ?? 50 * Math.max(1, m);
  let raises = 0;
  let lowers = 0;
  const queued = new Uint8Array(m);
  const queue = new Int32Array(m);
  let qHead = 0;
  let qLen = 0;
  const push = (y: number) => {
    if (queued[y]) return;
    queued[y] = 1;
    queue[(qHead + qLen) % m] = y;
    qLen++;
  };
  // Complementary slackness: a boosted item (w > 0) sits exactly at its minimum, a held-back one (w < 0) at its cap.
  const overPriced = (y: number) => exposure[y] > hi || (w[y] > 0 && exposure[y] > lo);
  const underExposed = (y: number) => exposure[y] < Math.min(lo, hi) || (w[y] < 0 && exposure[y] < hi);

  const cost = new Float64Array(n);
  const users = new Int32Array(n);
  const margin = new Float64Array(n);
  const best = new Int32Array(n);
  const inRow = new Uint8Array(m);
  /** Whether this solve lifts prices (resumed solves only, see `lift`). */
  const lifting = resume !== null && opts.lift !== false;
  /** The lift's swap thresholds, up to LIFT_SWAPS per user (none on a solve that never lifts). */
  const th = lifting ? new Float64Array(n * LIFT_SWAPS) : new Float64Array(0);

  /** y raises its price just enough to win the `need` users it is cheapest to win (a held-back item: up to 0). */
  const raise = (y: number) => {
    const ceiling = w[y] < 0 ? 0 : Infinity;
    const need = (w[y] < 0 ? hi : Math.min(lo, hi)) - exposure[y];
    const col = y * n;
    const wy = w[y];
    if (need <= 0) return;
    const c = cheapestOutsiders(member, col, choices.kth, T, wy, n, need, cost, users, kern);
    if (c === 0) return;
    let cStar = 0;
    for (let i = 0; i < c; i++) if (cost[i] > cStar) cStar = cost[i];
    // The margin δ may also beat a few users within δ of their K-th choice who are not taken: the chosen sets are
    // then not exactly each user's top K of λ + w, so decisions are read from `chosen`, not re-derived from w.
    const wNew = Math.min(ceiling, wy + cStar + delta);
    // Existing holders see y's value rise.
    const holders = holderLists.list(y);
    const slots = holderLists.slots(y);
    for (let i = 0, h = holderLists.count[y]; i < h; i++) {
      const x = holders[i];
      choices.setValue(x, slots[i], T[col + x] + wNew);
    }
    const thr = wNew - wy;
    for (let i = 0; i < c; i++) if (cost[i] < thr) win(y, users[i], wNew);
    w[y] = wNew;
    raises++;
  };
  const win = (y: number, x: number, wNew: number): void => {
    const out = choices.replaceMin(x, y, T[y * n + x] + wNew, holderLists.add(y, x, choices.minSlot[x]));
    member[y * n + x] = 1;
    if (out >= 0) {
      member[out * n + x] = 0;
      unhold(out, choices.outPos);
      if (underExposed(out)) push(out);
    }
  };

  /** Takes the holder at index `at` off y's list; the holder that moves into its place gets its new index. */
  const unhold = (y: number, at: number): void => {
    const moved = holderLists.removeAt(y, at);
    if (moved >= 0) choices.pos[moved * K + holderLists.slots(y)[at]] = at;
  };

  /** y lowers its price until only `keep` users hold it (or its price reaches `floor`). */
  const lower = (y: number) => {
    const keep = w[y] > 0 ? lo : hi;
    const floor = w[y] > 0 ? 0 : -Infinity;
    const col = y * n;
    const wy = w[y];
    let e = 0;
    for (let x = 0; x < n; x++) {
      if (!member[col + x]) continue;
      // The best item x would take instead of y: its best non-chosen item or an empty slot (worth 0).
      const b = x * K;
      for (let i = 0; i < K; i++) if (choices.item[b + i] >= 0) inRow[choices.item[b + i]] = 1;
      let psi = 0;
      let arg = -1;
      const off = x * m;
      for (let z = 0; z < m; z++) {
        if (inRow[z]) continue;
        const v = data[off + z] + w[z];
        if (v > psi) {
          psi = v;
          arg = z;
        }
      }
      for (let i = 0; i < K; i++) if (choices.item[b + i] >= 0) inRow[choices.item[b + i]] = 0;
      margin[e] = Math.max(0, T[col + x] + wy - psi);
      best[e] = arg;
      users[e++] = x;
    }
    if (e <= keep) return;
    // Drop the users with the smallest margins: lower by just over the (e − keep)-th smallest margin.
    cost.set(margin.subarray(0, e));
    const d = kthSmallest(cost, e, e - keep) + delta;
    const wNew = Math.max(floor, wy - d);
    const drop = wy - wNew;
    let dropped = 0;
    for (let i = 0; i < e; i++) {
      const x = users[i];
      const pos = choices.find(x, y);
      if (margin[i] < drop && dropped < e - keep) {
        dropped++;
        const z = best[i];
        const v = z >= 0 ? data[x * m + z] + w[z] : 0;
        unhold(y, choices.pos[x * K + pos]);
        choices.item[x * K + pos] = z;
        choices.pos[x * K + pos] = z >= 0 ? holderLists.add(z, x, pos) : 0;
        choices.setValue(x, pos, v);
        member[col + x] = 0;
        if (z >= 0) {
          member[z * n + x] = 1;
          if (overPriced(z)) push(z);
        }
      } else {
        choices.setValue(x, pos, T[col + x] + wNew);
      }
    }
    w[y] = wNew;
    lowers++;
  };

  /**
   * Near a tight constraint (β·rows·items close to rows·K) a higher minimum moves every boosted price by nearly the
   * same amount (6,040 × 3,706, β 0.95% → 1% at a fixed δ = 0.0045: +2.458, all items within ±0.015), which one-item
   * raises find only after m·shift/δ moves (a price war). The dual of eq. 9 is convex and its slope along "every
   * boosted price + c" is (the boosted items' exposure at their users' top K) − lo·|B|; only users holding unboosted
   * items choose differently as c grows, user x's j-th swap (its j-th worst unboosted item out, its j-th best unheld
   * boosted one in) at c = a_j − b_j, increasing in j. So c* is the deficit-th smallest of those thresholds (one row
   * scan per such user, a quickselect). Only the prices move (swapping at c* piled users onto a few items and the
   * lowerings that undid it cascaded); the raises then win those users. One the raises leave keeps an unboosted item
   * it would trade for up to c*: measured at 6,040 × 3,706, objectives within 0.05% of resuming unlifted below β = α
   * and 1.8% above it at β = α (where the unlifted war widens δ ×256). The thresholds come from a sample of the users
   * (LIFT_SAMPLE). Returns whether it lifted.
   */
  const lift = (): boolean => {
    let deficit = 0;
    for (let y = 0; y < m; y++) if (w[y] > 0) deficit += lo - exposure[y];
    if (deficit <= 0) return false;
    // On every stride-th user, against deficit / stride (see LIFT_SAMPLE).
    const stride = Math.max(1, Math.min(LIFT_SAMPLE, Math.floor(n / 512)));
    const ns = liftThresholds(data, n, m, K, choices.item, choices.val, w, inRow, th, stride);
    if (ns === 0) return false;
    const c = kthSmallest(th, ns, Math.max(1, Math.min(ns, Math.round(deficit / stride))));
    // Below δ the raises' own margin does as well.
    if (!(c >= delta)) return false;
    for (let x = 0; x < n; x++) {
      const b = x * K;
      for (let i = 0; i < K; i++) {
        const y = choices.item[b + i];
        if (y >= 0 && w[y] > 0) choices.val[b + i] += c;
      }
      choices.refresh(x);
    }
    for (let y = 0; y < m; y++) if (w[y] > 0) w[y] += c;
    lifts++;
    lastLift = c;
    return true;
  };
  let lifts = 0;
  /** The last common lift applied (0: none yet). */
  let lastLift = 0;

  // ε-scaling (Bertsekas): a coarse raise margin ends price wars among near-equal items quickly; each finer stage
  // starts from the coarse prices less the coarse margin (they may overshoot by that much) and corrects both ways.
  const stages = resume ? [finalDelta] : [...(opts.stages ?? []).filter((d) => d > finalDelta), finalDelta];
  let prev = 0;
  for (const d of stages) {
    if (prev > 0) for (let y = 0; y < m; y++) w[y] = w[y] > 0 ? Math.max(0, w[y] - prev) : Math.min(0, w[y] + prev);
    delta = d;
    prev = d;
    if (resume) {
      if (!live) restore(resume.chosen, resume.values?.length === n * K ? resume.values : undefined);
      if (lifting) lift();
    } else choose();
    qHead = 0;
    qLen = 0;
    queued.fill(0);
    for (let y = 0; y < m; y++) if (overPriced(y) || underExposed(y)) push(y);
    // A price war (near-tight capacity: items trading the same users back and forth by δ) is ended by widening δ.
    const widenAfter = opts.widenAfter ?? 3 * m + 1000;
    let budget = raises + lowers + widenAfter;
    // A price war after a lift is mostly more of the same common rise: look for one again now and then, while the
    // last lift was large (see LIFT_AGAIN).
    const liftEvery = lifting ? (opts.liftEvery ?? m) : Infinity;
    let liftAt = raises + lowers + liftEvery;
    while (qLen > 0 && raises + lowers < maxMoves) {
      if (opts.signal?.aborted) break;
      if (raises + lowers > liftAt) {
        if (lastLift >= LIFT_AGAIN * delta) lift();
        liftAt += liftEvery;
      }
      if (raises + lowers > budget) {
        // A war that outlasts the budget is first met by another lift, and only then by a wider δ.
        if (!(lifting && lift())) delta *= 4;
        budget += widenAfter;
      }
      const y = queue[qHead];
      qHead = (qHead + 1) % m;
      qLen--;
      queued[y] = 0;
      if (overPriced(y)) lower(y);
      else if (underExposed(y)) raise(y);
      if (overPriced(y) || underExposed(y)) push(y);
    }
  }

  const u = new Float64Array(n);
  if (K > 0) for (let x = 0; x < n; x++) u[x] = Math.max(0, choices.kth[x]);
  let converged = qLen === 0;
  for (let y = 0; y < m && converged; y++) if (overPriced(y) || underExposed(y)) converged = false;
  // With a workspace the result gets copies (the workspace's arrays move on with the next solve).
  const chosen = K === 0 ? new Int32Array(0) : opts.workspace ? choices.item.slice() : choices.item;
  if (opts.workspace && !opts.signal?.aborted) st.handedOut = chosen;
  return {
    w,
    u,
    chosen,
    values: K === 0 ? new Float64Array(0) : opts.workspace ? choices.val.slice() : choices.val,
    exposure,
    raises,
    lowers,
    lifts,
    converged,
  };
}
