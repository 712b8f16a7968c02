import type { ExtraColumn, ExtraValues } from './extras';

/** Growable columns of parsed events (file order), before building the Dataset (ingest.ts). */
export class EventColumns {
  n = 0;
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  value: Float32Array | null;
  /** One column per ExtraColumn asked for (see extras.ts). */
  extras: ExtraValues[];
  constructor(
    withValue: boolean,
    public cap: number,
    extras: readonly ExtraColumn[] = [],
  ) {
    this.user = new Int32Array(cap);
    this.item = new Int32Array(cap);
    this.time = new Float64Array(cap);
    this.value = withValue ? new Float32Array(cap) : null;
    this.extras = extras.map((x) => (x.kind === 'flag' ? new Uint8Array(cap) : new Int32Array(cap)));
  }
  grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array | Float32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
    this.user = g(this.user, new Int32Array(this.cap));
    this.item = g(this.item, new Int32Array(this.cap));
    this.time = g(this.time, new Float64Array(this.cap));
    if (this.value) this.value = g(this.value, new Float32Array(this.cap));
    this.extras = this.extras.map((a) =>
      a instanceof Uint8Array ? g(a, new Uint8Array(this.cap)) : g(a, new Int32Array(this.cap)),
    );
  }
}
