/**
 * The steps of one auction solve (auction.ts drives them) over its explicit state: the boosts w = −v, each user's
 * chosen items with the membership bytes and per-item holder lists (auctionState.ts), the queue of items whose
 * exposure breaks a constraint, and the raise margin δ.
 */
import type { StopSignal } from '../util/abort';
import { LIFT_SAMPLE, LIFT_SWAPS, cheapestOutsiders, kthSmallest, liftThresholds } from './auctionScans';
import { clearState, type AuctionState } from './auctionState';
import type { ChoiceSlots } from './choiceSlots';
import type { ItemHolders } from './itemHolders';
import type { ScanKernel } from './scanKernel';

/**
 * Further lifts are looked for only after one of at least this many raise margins: on resumed slider steps the first
 * lift is large and later line minima are mostly below δ, each look a row pass over the sampled users.
 */
const LIFT_AGAIN = 32;

/** The problem in counts: rows × cols scores (and their transpose), K items per user, exposure in [lo, hi]. */
export interface AuctionShape {
  data: Float32Array;
  T: Float32Array;
  n: number;
  m: number;
  K: number;
  lo: number;
  hi: number;
}

/** When a stage stops and how it ends a price war (see AuctionOptions). */
export interface SettleLimits {
  maxMoves: number;
  widenAfter: number;
  /** Moves between further lifts (Infinity: a solve that never lifts). */
  liftEvery: number;
  signal?: StopSignal;
}

export class AuctionRun {
  readonly data: Float32Array;
  readonly T: Float32Array;
  readonly n: number;
  readonly m: number;
  readonly K: number;
  readonly lo: number;
  readonly hi: number;
  /** Item boosts w = −v, score units. */
  readonly w: Float64Array;
  /** The raise margin of the current stage, score units. */
  delta: number;
  readonly choices: ChoiceSlots;
  /** Column-major: member[y·n + x] = 1 when user x holds item y. */
  readonly member: Uint8Array;
  readonly holders: ItemHolders;
  /** Holders per item (the holder lists' counts). */
  readonly exposure: Int32Array;
  raises = 0;
  lowers = 0;
  /** Common price lifts applied (see `lift`). */
  lifts = 0;
  /** The last common lift (0: none yet). */
  private lastLift = 0;
  private readonly st: AuctionState;
  private readonly kern: ScanKernel | null;
  /** Whether this solve lifts prices (resumed solves only). */
  private readonly lifting: boolean;
  /** Items whose exposure breaks a constraint, in a ring buffer; `queued` marks them. */
  private readonly queue: Int32Array;
  private readonly queued: Uint8Array;
  private qHead = 0;
  private qLen = 0;
  /** Scratch per user: costs or margins, users, their best other item. */
  private readonly cost: Float64Array;
  private readonly users: Int32Array;
  private readonly margin: Float64Array;
  private readonly best: Int32Array;
  /** Scratch per item: marks a user's chosen items during a row scan. */
  private readonly inRow: Uint8Array;
  /** The lift's swap thresholds, up to LIFT_SWAPS per user (none on a solve that never lifts). */
  private readonly th: Float64Array;

  constructor(
    shape: AuctionShape,
    w: Float64Array,
    st: AuctionState,
    kern: ScanKernel | null,
    delta: number,
    lifting: boolean,
  ) {
    const { n, m } = shape;
    this.data = shape.data;
    this.T = shape.T;
    this.n = n;
    this.m = m;
    this.K = shape.K;
    this.lo = shape.lo;
    this.hi = shape.hi;
    this.w = w;
    this.delta = delta;
    this.st = st;
    this.choices = st.choices;
    this.member = st.member;
    this.holders = st.holders;
    this.exposure = st.holders.count;
    this.kern = kern;
    this.lifting = lifting;
    this.queue = new Int32Array(m);
    this.queued = new Uint8Array(m);
    this.cost = new Float64Array(n);
    this.users = new Int32Array(n);
    this.margin = new Float64Array(n);
    this.best = new Int32Array(n);
    this.inRow = new Uint8Array(m);
    this.th = lifting ? new Float64Array(n * LIFT_SWAPS) : new Float64Array(0);
  }

  /** A boosted item (w > 0) above its minimum, or any item above its cap: complementary slackness says lower. */
  overPriced(y: number): boolean {
    const e = this.exposure[y];
    return e > this.hi || (this.w[y] > 0 && e > this.lo);
  }

  /** An item below its minimum, or a held-back one (w < 0) below its cap: raise. */
  underExposed(y: number): boolean {
    const e = this.exposure[y];
    return e < Math.min(this.lo, this.hi) || (this.w[y] < 0 && e < this.hi);
  }

  /** Every user takes its K best items by λ + w (empty slots, worth 0, fill what positive values do not). */
  choose(): void {
    const { choices, data, w, n, m, K } = this;
    choices.clear();
    clearState(this.st, true); // an earlier ε stage's choices
    if (K === 0) return;
    for (let x = 0; x < n; x++) {
      const off = x * m;
      for (let y = 0; y < m; y++) {
        const v = data[off + y] + w[y];
        if (v > choices.kth[x]) choices.replaceMin(x, y, v);
      }
      this.markRow(x);
    }
  }

  /** The previous assignment as it was (values re-read at the resumed prices unless given); empty slots are worth 0. */
  restore(chosen: Int32Array, values: Float64Array | undefined): void {
    const { choices, data, w, n, m, K } = this;
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
      this.markRow(x);
    }
  }

  /**
   * Before a finer ε-scaling stage: every price steps back towards 0 by the coarse margin `d` it may have overshot
   * by; the finer stage corrects both ways.
   */
  stepBack(d: number): void {
    const w = this.w;
    for (let y = 0; y < this.m; y++) w[y] = w[y] > 0 ? Math.max(0, w[y] - d) : Math.min(0, w[y] + d);
  }

  /**
   * Raises and lowers prices until no item breaks a constraint (or the move budget ends, or the signal stops it). A
   * price war (near-tight capacity: items trading the same users back and forth by δ) is met by a lift, then by
   * widening δ ×4, every `widenAfter` moves.
   */
  settle(limits: SettleLimits): void {
    this.queueViolations();
    const { maxMoves, widenAfter, liftEvery, signal } = limits;
    let budget = this.raises + this.lowers + widenAfter;
    // A price war after a lift is mostly more of the same common rise: look for one again now and then, while the
    // last lift was large (see LIFT_AGAIN).
    let liftAt = this.raises + this.lowers + liftEvery;
    while (this.qLen > 0 && this.raises + this.lowers < maxMoves) {
      if (signal?.aborted) break;
      const moves = this.raises + this.lowers;
      if (moves > liftAt) {
        if (this.lastLift >= LIFT_AGAIN * this.delta) this.lift();
        liftAt += liftEvery;
      }
      if (moves > budget) {
        if (!(this.lifting && this.lift())) this.delta *= 4;
        budget += widenAfter;
      }
      const y = this.pop();
      if (this.overPriced(y)) this.lower(y);
      else if (this.underExposed(y)) this.raise(y);
      if (this.overPriced(y) || this.underExposed(y)) this.push(y);
    }
  }

  /** Whether every item meets its constraints (and nothing is left queued). */
  converged(): boolean {
    if (this.qLen > 0) return false;
    for (let y = 0; y < this.m; y++) if (this.overPriced(y) || this.underExposed(y)) return false;
    return true;
  }

  /** Per user the K-th largest λ + w of its chosen items, floored at 0: the user dual u of eq. 13. */
  userDuals(): Float64Array {
    const u = new Float64Array(this.n);
    if (this.K > 0) for (let x = 0; x < this.n; x++) u[x] = Math.max(0, this.choices.kth[x]);
    return u;
  }

  /** y raises its price just enough to win the `need` users it is cheapest to win (a held-back item: up to 0). */
  raise(y: number): void {
    const { w, n, T, choices, holders, cost, users } = this;
    const ceiling = w[y] < 0 ? 0 : Infinity;
    const need = (w[y] < 0 ? this.hi : Math.min(this.lo, this.hi)) - this.exposure[y];
    const col = y * n;
    const wy = w[y];
    if (need <= 0) return;
    const c = cheapestOutsiders(this.member, col, choices.kth, T, wy, n, need, cost, users, this.kern);
    if (c === 0) return;
    let cStar = 0;
    for (let i = 0; i < c; i++) if (cost[i] > cStar) cStar = cost[i];
    // The margin δ may also beat a few users within δ of their K-th choice who are not taken: the chosen sets are
    // then not exactly each user's top K of λ + w, so decisions are read from `chosen`, not re-derived from w.
    const wNew = Math.min(ceiling, wy + cStar + this.delta);
    // Existing holders see y's value rise.
    const list = holders.list(y);
    const slots = holders.slots(y);
    for (let i = 0, h = holders.count[y]; i < h; i++) {
      const x = list[i];
      choices.setValue(x, slots[i], T[col + x] + wNew);
    }
    const thr = wNew - wy;
    for (let i = 0; i < c; i++) if (cost[i] < thr) this.win(y, users[i], wNew);
    w[y] = wNew;
    this.raises++;
  }

  /** y lowers its price until only `keep` users hold it (or its price reaches `floor`). */
  lower(y: number): void {
    const { w, n, m, K, T, data, choices, holders, member, inRow, margin, best, users, cost } = this;
    const keep = w[y] > 0 ? this.lo : this.hi;
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
    const d = kthSmallest(cost, e, e - keep) + this.delta;
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
        this.unhold(y, choices.pos[x * K + pos]);
        choices.item[x * K + pos] = z;
        choices.pos[x * K + pos] = z >= 0 ? holders.add(z, x, pos) : 0;
        choices.setValue(x, pos, v);
        member[col + x] = 0;
        if (z >= 0) {
          member[z * n + x] = 1;
          if (this.overPriced(z)) this.push(z);
        }
      } else {
        choices.setValue(x, pos, T[col + x] + wNew);
      }
    }
    w[y] = wNew;
    this.lowers++;
  }

  /**
   * Near a tight constraint (β·rows·items close to rows·K) a higher minimum moves every boosted price by nearly the
   * same amount, which one-item raises find only after m·shift/δ moves (a price war). The dual of eq. 9 is convex
   * and its slope along "every boosted price + c" is (the boosted items' exposure at their users' top K) − lo·|B|;
   * only users holding unboosted items choose differently as c grows, user x's j-th swap (its j-th worst unboosted
   * item out, its j-th best unheld boosted one in) at c = a_j − b_j, increasing in j. So c* is the deficit-th
   * smallest of those thresholds (one row scan per such user, a quickselect). Only the prices move (swapping at c*
   * piled users onto a few items and the lowerings that undid it cascaded); the raises then win those users. The
   * thresholds come from a sample of the users (LIFT_SAMPLE). Returns whether it lifted.
   */
  lift(): boolean {
    const { w, n, m, K, choices, th, lo } = this;
    let deficit = 0;
    for (let y = 0; y < m; y++) if (w[y] > 0) deficit += lo - this.exposure[y];
    if (deficit <= 0) return false;
    // On every stride-th user, against deficit / stride (see LIFT_SAMPLE).
    const stride = Math.max(1, Math.min(LIFT_SAMPLE, Math.floor(n / 512)));
    const ns = liftThresholds(this.data, n, m, K, choices.item, choices.val, w, this.inRow, th, stride);
    if (ns === 0) return false;
    const c = kthSmallest(th, ns, Math.max(1, Math.min(ns, Math.round(deficit / stride))));
    // Below δ the raises' own margin does as well.
    if (!(c >= this.delta)) return false;
    for (let x = 0; x < n; x++) {
      const b = x * K;
      for (let i = 0; i < K; i++) {
        const y = choices.item[b + i];
        if (y >= 0 && w[y] > 0) choices.val[b + i] += c;
      }
      choices.refresh(x);
    }
    for (let y = 0; y < m; y++) if (w[y] > 0) w[y] += c;
    this.lifts++;
    this.lastLift = c;
    return true;
  }

  /** User x takes y at boost wNew in place of its K-th choice, which (if an item) leaves and may fall short. */
  private win(y: number, x: number, wNew: number): void {
    const { choices, holders, member, n } = this;
    const out = choices.replaceMin(x, y, this.T[y * n + x] + wNew, holders.add(y, x, choices.minSlot[x]));
    member[y * n + x] = 1;
    if (out >= 0) {
      member[out * n + x] = 0;
      this.unhold(out, choices.outPos);
      if (this.underExposed(out)) this.push(out);
    }
  }

  /** Takes the holder at index `at` off y's list; the holder that moves into its place gets its new index. */
  private unhold(y: number, at: number): void {
    const moved = this.holders.removeAt(y, at);
    if (moved >= 0) this.choices.pos[moved * this.K + this.holders.slots(y)[at]] = at;
  }

  /** Marks user x's chosen items in the membership bytes and the holder lists. */
  private markRow(x: number): void {
    const { choices, member, holders, n, K } = this;
    const b = x * K;
    for (let i = 0; i < K; i++) {
      const y = choices.item[b + i];
      if (y >= 0) {
        member[y * n + x] = 1;
        choices.pos[b + i] = holders.add(y, x, i);
      }
    }
  }

  /** Empties the queue, then queues every item that breaks a constraint, in item order. */
  private queueViolations(): void {
    this.qHead = 0;
    this.qLen = 0;
    this.queued.fill(0);
    for (let y = 0; y < this.m; y++) if (this.overPriced(y) || this.underExposed(y)) this.push(y);
  }

  private push(y: number): void {
    if (this.queued[y]) return;
    this.queued[y] = 1;
    this.queue[(this.qHead + this.qLen) % this.m] = y;
    this.qLen++;
  }

  private pop(): number {
    const y = this.queue[this.qHead];
    this.qHead = (this.qHead + 1) % this.m;
    this.qLen--;
    this.queued[y] = 0;
    return y;
  }
}
