/**
 * Each item's holders (the users whose chosen sets hold it) as unordered per-item lists, kept next to the auction's
 * column-major membership bytes; their counts are the items' exposures. Each entry also names the slot the item
 * holds in the user's chosen set (ChoiceSlots). A raise updates its holders' values from the list (one write each)
 * instead of reading every user's membership in its column scan, which lets that scan pass over most users with one
 * comparison (auctionScans.ts).
 */
export class ItemHolders {
  private lists: Int32Array[];
  /** Per holder: the slot of the item in the holder's chosen set (ChoiceSlots), index for index with the list. */
  private slotLists: Int32Array[];
  readonly count: Int32Array;

  constructor(m: number) {
    this.lists = Array.from({ length: m }, () => new Int32Array(8));
    this.slotLists = Array.from({ length: m }, () => new Int32Array(8));
    this.count = new Int32Array(m);
  }

  /** Item y's holders in list(y)[0..count[y]), in no particular order; valid until the next add. */
  list(y: number): Int32Array {
    return this.lists[y];
  }

  /** The slots of list(y)'s holders, index for index; valid until the next add. */
  slots(y: number): Int32Array {
    return this.slotLists[y];
  }

  /** Appends x (holding y in its slot `slot`) to y's list; returns its index there. */
  add(y: number, x: number, slot = 0): number {
    let a = this.lists[y];
    const c = this.count[y];
    if (c === a.length) {
      const b = new Int32Array(2 * c);
      b.set(a);
      this.lists[y] = a = b;
      const s = new Int32Array(2 * c);
      s.set(this.slotLists[y]);
      this.slotLists[y] = s;
    }
    a[c] = x;
    this.slotLists[y][c] = slot;
    this.count[y] = c + 1;
    return c;
  }

  /** Takes x off y's list by search (tests; the auction knows the index and uses removeAt). */
  remove(y: number, x: number): void {
    const a = this.lists[y];
    let i = this.count[y] - 1;
    while (i >= 0 && a[i] !== x) i--;
    if (i < 0) throw new Error(`holder lists: user ${x} does not hold item ${y}`);
    this.removeAt(y, i);
  }

  /**
   * Takes the holder at index i off y's list: the last holder moves into its place. Returns that holder (whose index
   * is now i), or −1 when i was the last. A popular item's list holds thousands of users: finding one by search
   * was a large share of a slider step.
   */
  removeAt(y: number, i: number): number {
    const a = this.lists[y];
    const last = this.count[y] - 1;
    this.count[y] = last;
    if (i === last) return -1;
    a[i] = a[last];
    this.slotLists[y][i] = this.slotLists[y][last];
    return a[i];
  }

  clear(): void {
    this.count.fill(0);
  }
}
