/** The streamed greedy's candidate stores (streamGreedy.ts): per item its best users, and the best pairs of all. */
import { kthLargest } from './select';

/** Scores sampled to place a cut of TopPairs. */
const SAMPLE = 1 << 16;

/**
 * The best pairs offered, about `size` of them: every offered pair with score above `lo` (lo0 until the store first
 * fills; pairs at lo or below are dropped). A buffer of 2·size pairs; when full, a sample of its scores places lo so
 * that about `size` stay above it, so each offer costs O(1) amortised.
 */
export class TopPairs {
  /** Scores at or below lo are not kept (∞ when the store holds nothing: size 0). */
  lo: number;
  n = 0;
  readonly v: Float32Array;
  readonly x: Int32Array;
  readonly y: Int32Array;
  private readonly sample = new Float64Array(SAMPLE);

  /** `lo0` ≥ 0: the score offers must beat from the start (pairs at or below it are not kept). */
  constructor(
    readonly size: number,
    lo0 = 0,
  ) {
    this.lo = size > 0 ? lo0 : Infinity;
    this.v = new Float32Array(2 * size);
    this.x = new Int32Array(2 * size);
    this.y = new Int32Array(2 * size);
  }

  /** Keeps (x, y) at score v if v > lo (callers may test v > lo first to skip the call). */
  offer(v: number, x: number, y: number): void {
    if (!(v > this.lo)) return;
    if (this.n === this.v.length) {
      this.cut();
      if (!(v > this.lo)) return;
    }
    this.v[this.n] = v;
    this.x[this.n] = x;
    this.y[this.n++] = y;
  }

  private cut(): void {
    const { v, x, y, sample, n } = this;
    const s = Math.min(n, SAMPLE);
    for (let i = 0; i < s; i++) sample[i] = v[Math.floor((i * n) / s)];
    // The sample's quantile that leaves about size of the n above it (a score held, so at least one goes).
    const cut = kthLargest(sample, s, Math.max(1, Math.min(s, Math.round((this.size / n) * s))));
    this.lo = Math.max(this.lo, cut);
    let w = 0;
    for (let i = 0; i < n; i++) {
      if (!(v[i] > this.lo)) continue;
      v[w] = v[i];
      x[w] = x[i];
      y[w++] = y[i];
    }
    this.n = w;
  }
}

/**
 * Per item its best users, capacity cap[y], kept as an unordered buffer of 2·cap[y] slots: an offer is one write, and
 * a full buffer is cut to its best cap[y] by selection, which raises the item's bar to their minimum. Against a
 * heap per item (a sift of log cap levels of scattered reads per offer) it takes up to twice the offers (the bar
 * rises at cuts only) at a fraction of the cost each. After finish(), n[y] ≤ cap[y] and off[y] .. off[y] + n[y]
 * hold the kept users.
 */
export class ColumnTops {
  readonly off: Int32Array;
  readonly n: Int32Array;
  readonly v: Float32Array;
  readonly x: Int32Array;
  /** Per item, the score an offer must beat: its base, then the cap-th best at the last cut (read in item order). */
  readonly bar: Float32Array;
  private readonly base: Float32Array;
  private readonly scratch: Float64Array;

  /** `base` (default 0): per item a score ≥ 0 that its users must beat from the start (a guess
   * that its best cap users score above it saves the offers of the ones below; a wrong guess costs a weaker floor). */
  constructor(
    readonly cap: Int32Array,
    readonly nUsers: number,
    base?: Float32Array,
  ) {
    const p = cap.length;
    this.off = new Int32Array(p + 1);
    let capMax = 0;
    for (let y = 0; y < p; y++) {
      this.off[y + 1] = this.off[y] + 2 * cap[y];
      capMax = Math.max(capMax, cap[y]);
    }
    this.n = new Int32Array(p);
    this.v = new Float32Array(this.off[p]);
    this.x = new Int32Array(this.off[p]);
    this.base = base ?? new Float32Array(p);
    this.bar = Float32Array.from(cap, (c, y) => (c > 0 ? this.base[y] : Infinity));
    this.scratch = new Float64Array(2 * capMax);
  }

  /** Offers user x at score v to item y (callers skip offers with v ≤ bar[y], which it would refuse). */
  offer(y: number, v: number, x: number): void {
    const i = this.off[y] + this.n[y];
    this.v[i] = v;
    this.x[i] = x;
    if (++this.n[y] === 2 * this.cap[y]) this.cut(y);
  }

  /** Cuts every item to its best cap[y] users; call once, after the last offer. */
  finish(): void {
    for (let y = 0; y < this.cap.length; y++) if (this.n[y] >= this.cap[y] && this.cap[y] > 0) this.cut(y);
  }

  /**
   * A bound on the scores of the users left out of item y (after finish): the cap-th best once it holds cap users,
   * its base before, −∞ when it can hold every user above a base of 0, ∞ when it holds none (capacity 0).
   */
  floor(y: number): number {
    if (this.cap[y] >= this.nUsers && this.base[y] === 0) return -Infinity;
    if (this.cap[y] === 0) return Infinity;
    return this.n[y] === this.cap[y] ? this.bar[y] : this.base[y];
  }

  /** Keeps item y's best cap[y] (ties at the cap-th score in buffer order) and raises its bar to the cap-th score. */
  private cut(y: number): void {
    const { v, x, scratch } = this;
    const a = this.off[y];
    const b = a + this.n[y];
    const cap = this.cap[y];
    for (let i = a; i < b; i++) scratch[i - a] = v[i];
    const t = kthLargest(scratch, b - a, cap);
    let above = 0;
    for (let i = a; i < b; i++) if (v[i] > t) above++;
    let ties = cap - above;
    let w = a;
    for (let i = a; i < b; i++) {
      if (v[i] > t || (v[i] === t && ties-- > 0)) {
        v[w] = v[i];
        x[w++] = x[i];
      }
    }
    this.n[y] = cap;
    this.bar[y] = t;
  }
}
