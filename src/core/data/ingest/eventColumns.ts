/** Growable columns of parsed events (file order), before building the Dataset (ingest.ts). */
export class EventColumns {
  n = 0;
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  value: Float32Array | null;
  constructor(
    withValue: boolean,
    public cap: number,
  ) {
    this.user = new Int32Array(cap);
    this.item = new Int32Array(cap);
    this.time = new Float64Array(cap);
    this.value = withValue ? new Float32Array(cap) : null;
  }
  grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array | Float32Array>(a: T, b: T): T => (b.set(a), b);
    this.user = g(this.user, new Int32Array(this.cap));
    this.item = g(this.item, new Int32Array(this.cap));
    this.time = g(this.time, new Float64Array(this.cap));
    if (this.value) this.value = g(this.value, new Float32Array(this.cap));
  }
}
