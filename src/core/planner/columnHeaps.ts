/** Per item a min-heap of its best users (score, user), capacity cap[y]: the item side of the candidates. */
export class ColumnHeaps {
  readonly off: Int32Array;
  readonly n: Int32Array;
  readonly v: Float32Array;
  readonly x: Int32Array;

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
  }

  /** The best score among users left out of item y's heap: 0 while it is not full, −∞ when it holds every user. */
  floor(y: number): number {
    if (this.cap[y] >= this.nUsers) return -Infinity;
    return this.n[y] === this.cap[y] ? this.v[this.off[y]] : 0;
  }

  /** Copies the heaps of the items not flagged in `skip` from `old` (same or smaller capacities). */
  keep(old: ColumnHeaps, skip: Int32Array): void {
    for (let y = 0; y < this.cap.length; y++) {
      if (skip[y]) continue;
      this.n[y] = old.n[y];
      this.v.set(old.v.subarray(old.off[y], old.off[y] + old.n[y]), this.off[y]);
      this.x.set(old.x.subarray(old.off[y], old.off[y] + old.n[y]), this.off[y]);
    }
  }

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
  }
}
