/**
 * Fingerprints of what a trained model depends on, so a stored model is reloaded only for the same data, split,
 * model configuration and seed: a model trained on other data or with other settings is never reused.
 *
 * The hash is 64-bit FNV-1a (Fowler–Noll–Vo, offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the bytes of
 * typed arrays and the UTF-16 code units of strings, kept as two 32-bit halves: exact in double arithmetic, no BigInt
 * (which is ~50× slower per byte). Not cryptographic: it tells a changed input from an unchanged one, nothing more.
 */

/** Incremental 64-bit FNV-1a. */
export class Fnv1a64 {
  /** High and low 32 bits of the state. */
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  /** Mixes bytes. */
  bytes(b: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < b.length; i++) {
      lo ^= b[i];
      // (hi·2³² + lo) · (2⁴⁰ + 0x1b3) mod 2⁶⁴: lo·0x1b3 < 2⁴¹ is exact; lo·2⁴⁰ only reaches the high half (lo << 8).
      const a = (lo >>> 0) * 0x1b3;
      const carry = Math.floor(a / 4294967296);
      hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
      lo = a >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  /** Mixes a typed array's bytes (its own view, not the whole buffer). */
  view(v: ArrayBufferView): this {
    return this.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }

  /** Mixes a string as UTF-16 code units, low byte first (no TextEncoder in core's lib). */
  text(s: string): this {
    const b = new Uint8Array(2 * s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      b[2 * i] = c & 0xff;
      b[2 * i + 1] = c >>> 8;
    }
    return this.bytes(b);
  }

  /** 16 lower-case hex digits. */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/** FNV-1a 64 of one byte array, as 16 hex digits (test vectors: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c). */
export const fnv1a64 = (b: Uint8Array): string => new Fnv1a64().bytes(b).hex();

/** JSON with object keys sorted at every level, so {a, b} and {b, a} fingerprint alike. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** What a trained next-item model depends on. */
export interface ModelFingerprintInput {
  /** Model name in the run (e.g. `RNN`). */
  model: string;
  /** The data: event items in user order, per-user offsets, item count (times do not enter a sequence model's fit). */
  item: Int32Array;
  userOffsets: Int32Array;
  nItems: number;
  /** The split as the model sees it: per-user end of the training events, and the split's config. */
  trainEnd: Int32Array;
  splitConfig: unknown;
  /** The model's full (resolved) configuration. */
  config: unknown;
  seed: number;
}

/**
 * The cache key of a trained model: `NAME:HASH`, HASH over the data, the split, the resolved config and the seed, each
 * part tagged with its name and length so that moving bytes from one part to the next changes the hash.
 */
export function modelFingerprint(x: ModelFingerprintInput): string {
  const h = new Fnv1a64();
  const part = (tag: string, n: number) => h.text(`|${tag}:${n}|`);
  part('item', x.item.length);
  h.view(x.item);
  part('userOffsets', x.userOffsets.length);
  h.view(x.userOffsets);
  part('trainEnd', x.trainEnd.length);
  h.view(x.trainEnd);
  const meta = stableJson({ model: x.model, nItems: x.nItems, split: x.splitConfig, config: x.config, seed: x.seed });
  part('meta', meta.length);
  h.text(meta);
  return `${x.model}:${h.hex()}`;
}
