/**
 * Each user's K chosen items in fixed slots (rows × K flat typed arrays) with the smallest value λ + w and its slot
 * kept aside: that K-th value is the price an outsider must beat. An item keeps its slot while the user holds it, so
 * the auction's holder lists name slots and a raise updates its holders with one write each; only a change at a
 * user's minimum rescans the row's K values. Per-user min-heaps cost more: each holder update searched the row for
 * the item and sifted it (most of a raise's cache misses).
 */
export class ChoiceSlots {
  readonly val: Float64Array;
  readonly item: Int32Array;
  /** Per slot: the user's index in its item's holder list (ItemHolders), so a user leaves a list in O(1). */
  readonly pos: Int32Array;
  /** Per user: the slot of its smallest value. */
  readonly minSlot: Int32Array;
  /** Per user: that smallest value, contiguous: a raise's scan reads every user's, and val[...] would miss each. */
  readonly kth: Float64Array;
  /** The same rounded to f32, for a scan kernel (in its memory when given). */
  readonly kth32: Float32Array;
  /** The holder-list index of the entry the last replaceMin took out. */
  outPos = -1;

  /** `holderLists: false` leaves out `pos` (users × K) for callers without holder lists (the streamed raises). */
  constructor(
    readonly nRows: number,
    readonly K: number,
    kth32?: Float32Array,
    holderLists = true,
  ) {
    this.val = new Float64Array(nRows * K);
    this.item = new Int32Array(nRows * K).fill(-1);
    this.pos = new Int32Array(holderLists ? nRows * K : 0);
    this.minSlot = new Int32Array(nRows);
    this.kth = new Float64Array(nRows);
    this.kth32 = kth32 ?? new Float32Array(nRows);
  }

  /** Every slot empty (item −1, worth 0). */
  clear(): void {
    this.val.fill(0);
    this.item.fill(-1);
    this.minSlot.fill(0);
    this.kth.fill(0);
    this.kth32.fill(0);
  }

  /** Finds user x's smallest value again (after its slots were written directly). Ties: the first slot. */
  refresh(x: number): void {
    const { val, K } = this;
    const b = x * K;
    let s = 0;
    let v = val[b];
    for (let i = 1; i < K; i++) {
      if (val[b + i] < v) {
        v = val[b + i];
        s = i;
      }
    }
    this.minSlot[x] = s;
    this.kth32[x] = this.kth[x] = v;
  }

  /** Puts `it` at value `v` and holder index `p` in user x's smallest slot; returns the item that left (its index: outPos). */
  replaceMin(x: number, it: number, v: number, p = 0): number {
    const i = x * this.K + this.minSlot[x];
    const out = this.item[i];
    this.outPos = this.pos.length > 0 ? this.pos[i] : -1;
    this.item[i] = it;
    this.val[i] = v;
    if (this.pos.length > 0) this.pos[i] = p;
    this.refresh(x);
    return out;
  }

  /** Slot of `it` among user x's choices, or −1. */
  find(x: number, it: number): number {
    const b = x * this.K;
    for (let i = 0; i < this.K; i++) if (this.item[b + i] === it) return i;
    return -1;
  }

  /** Sets the value in user x's slot s. */
  setValue(x: number, s: number, v: number): void {
    const i = x * this.K + s;
    const old = this.val[i];
    this.val[i] = v;
    if (s === this.minSlot[x]) {
      if (v > old) this.refresh(x);
      else this.kth32[x] = this.kth[x] = v;
    } else if (v < this.kth[x]) {
      this.minSlot[x] = s;
      this.kth32[x] = this.kth[x] = v;
    }
  }
}
