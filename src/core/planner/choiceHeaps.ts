/**
 * Per-user min-heaps of the chosen items keyed by λ + w: the root is the K-th value, the price an outsider must beat.
 * Hand-written because it lives in flat typed arrays (rows × K) and is touched millions of times per solve. Each
 * entry also carries `pos`, the user's index in the item's holder list (ItemHolders), so a user leaves a list in O(1).
 */
export class ChoiceHeaps {
  readonly val: Float64Array;
  readonly item: Int32Array;
  /** Per entry: the user's index in its item's holder list (set by the auction; moved with the entry). */
  readonly pos: Int32Array;
  /** The holder-list index of the entry the last replaceRoot took out. */
  outPos = -1;
  /** The roots again, contiguous: a raise reads every user's K-th value, and val[x·K] would be a cache miss each. */
  readonly kth: Float64Array;
  /** The roots once more, rounded to f32, for a scan kernel's screen (in its memory when given). */
  readonly kth32: Float32Array;
  constructor(readonly nRows: number, readonly K: number, kth32?: Float32Array) {
    this.kth32 = kth32 ?? new Float32Array(nRows);
    this.val = new Float64Array(nRows * K);
    this.item = new Int32Array(nRows * K).fill(-1);
    this.pos = new Int32Array(nRows * K);
    this.kth = new Float64Array(nRows);
  }

  root(x: number): number {
    return this.kth[x];
  }

  /** Restores user x's heap after its slots were written directly (O(K)). */
  heapify(x: number): void {
    for (let i = (this.K >> 1) - 1; i >= 0; i--) this.siftDown(x, i);
    this.kth32[x] = this.kth[x] = this.val[x * this.K];
  }

  siftDown(x: number, i: number): void {
    const { val, item, pos, K } = this;
    const b = x * K;
    const v = val[b + i];
    const it = item[b + i];
    const p = pos[b + i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= K) break;
      const r = l + 1;
      const c = r < K && val[b + r] < val[b + l] ? r : l;
      if (val[b + c] >= v) break;
      val[b + i] = val[b + c];
      item[b + i] = item[b + c];
      pos[b + i] = pos[b + c];
      i = c;
    }
    val[b + i] = v;
    item[b + i] = it;
    pos[b + i] = p;
  }

  siftUp(x: number, i: number): void {
    const { val, item, pos, K } = this;
    const b = x * K;
    const v = val[b + i];
    const it = item[b + i];
    const q = pos[b + i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (val[b + p] <= v) break;
      val[b + i] = val[b + p];
      item[b + i] = item[b + p];
      pos[b + i] = pos[b + p];
      i = p;
    }
    val[b + i] = v;
    item[b + i] = it;
    pos[b + i] = q;
  }

  /** Replaces the root (the K-th choice) with `it` at value `v` and holder index `p`; returns the item that left (its index: outPos). */
  replaceRoot(x: number, it: number, v: number, p = 0): number {
    const b = x * this.K;
    const out = this.item[b];
    this.outPos = this.pos[b];
    this.item[b] = it;
    this.val[b] = v;
    this.pos[b] = p;
    this.siftDown(x, 0);
    this.kth32[x] = this.kth[x] = this.val[b];
    return out;
  }

  /** Position of `it` among user x's choices (linear: K is small next to the row). */
  find(x: number, it: number): number {
    const b = x * this.K;
    for (let i = 0; i < this.K; i++) if (this.item[b + i] === it) return i;
    return -1;
  }

  /** Sets the value of the choice at position i and restores the heap. */
  update(x: number, i: number, v: number): void {
    const b = x * this.K;
    const old = this.val[b + i];
    this.val[b + i] = v;
    if (v > old) this.siftDown(x, i);
    else this.siftUp(x, i);
    this.kth32[x] = this.kth[x] = this.val[b];
  }
}
