/** The streamed greedy's candidate stores (streamGreedy.ts): per-item heaps of their best users, and a global top. */
import { kthLargest } from './select';

/** Per item a min-heap of its best users (score, user), capacity cap[y]: the item side of the candidates. */
export class ColumnHeaps {
  readonly off: Int32Array;
  readonly n: Int32Array;
  readonly v: Float32Array;
  readonly x: Int32Array;
  /** Per item, the score an offer must beat: the heap's minimum once full, 0 before (read in item order). */
  readonly bar: Float32Array;

  constructor(
    readonly cap: Int32Array,
    readonly nUsers: number,
  ) {
    const p = cap.length;
    this.off = new Int32Array(p + 1);
    for (let y = 0; y < p; y++) this.off[y + 1] = this.off[y] + cap[y];
    this.n = new Int32Array(p);
    this.v = new Float32Array(this.off[p]);
    this.x = new Int32Array(this.off[p]);
    this.bar = Float32Array.from(cap, (c) => (c > 0 ? 0 : Infinity));
  }

  /**
   * A bound on the scores of the users left out of item y's heap: its minimum once full, 0 while not full (only
   * positive scores are offered), −∞ when it holds every user, ∞ when it holds none (capacity 0).
   */
  floor(y: number): number {
    if (this.cap[y] >= this.nUsers) return -Infinity;
    if (this.cap[y] === 0) return Infinity;
    return this.n[y] === this.cap[y] ? this.v[this.off[y]] : 0;
  }

  /** Offers user x at score v to item y's heap (callers skip offers with v ≤ bar[y], which it would refuse). */
  offer(y: number, v: number, x: number): void {
    const h = this.off[y];
    const c = this.n[y];
    const { v: hv, x: hx } = this;
    if (c < this.cap[y]) {
      this.n[y] = c + 1;
      let i = c;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (hv[h + parent] <= v) break;
        hv[h + i] = hv[h + parent];
        hx[h + i] = hx[h + parent];
        i = parent;
      }
      hv[h + i] = v;
      hx[h + i] = x;
      if (c + 1 === this.cap[y]) this.bar[y] = hv[h];
      return;
    }
    if (!(v > hv[h])) return;
    const L = c;
    let i = 0;
    for (;;) {
      let k = 2 * i + 1;
      if (k >= L) break;
      if (k + 1 < L && hv[h + k + 1] < hv[h + k]) k++;
      if (hv[h + k] >= v) break;
      hv[h + i] = hv[h + k];
      hx[h + i] = hx[h + k];
      i = k;
    }
    hv[h + i] = v;
    hx[h + i] = x;
    this.bar[y] = hv[h];
  }
}

/** Scores sampled to place a cut of TopPairs. */
const SAMPLE = 1 << 16;

/**
 * The best pairs offered, about `size` of them: every offered pair with score above `lo` (0 until the store first
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

  constructor(readonly size: number) {
    this.lo = size > 0 ? 0 : Infinity;
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
