/**
 * Dictionary encoding of id strings straight from bytes: an open-addressing hash table over the raw bytes of each
 * id, so a repeated id (almost every row) costs a hash and a byte compare, never a string. The bytes of new ids are
 * kept in one arena and decoded to strings once, at the end, in the encoding the whole file turned out to have.
 */
import { decode, hashBytes, type Encoding } from './bytes';

/**
 * Canonical decimal ids below this (no sign, no leading zero: "7", not "007") are looked up in a direct table
 * indexed by their value, with no hashing: the common case of MovieLens-style integer ids. 2^21 entries = 8 MiB at most.
 */
const NUM_LIMIT = 1 << 21;

/** A ByteDict's ids as plain arrays (structured-cloneable): id k is arena[starts[k], ends[k]). */
export interface DictBytes {
  arena: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
}

export class ByteDict {
  /** Direct table for canonical decimal ids: value → id + 1 (0 = not seen); grows up to NUM_LIMIT. */
  private num = new Int32Array(1 << 12);
  /** Bytes of every id, back to back, in first-seen order. */
  private arena = new Uint8Array(1 << 12);
  private arenaLen = 0;
  /** Start of id k in the arena; the end is ends[k]. */
  private starts = new Int32Array(1 << 10);
  private ends = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 10);
  /** 1 for ids held by the direct table (never in the hash table). */
  private numeric = new Uint8Array(1 << 10);
  /** Open addressing, linear probing: slot → id + 1 (0 = empty). Kept under half full. */
  private table = new Int32Array(1 << 11);
  private mask = (1 << 11) - 1;
  /** True when some id byte is ≥ 0x80 (decoding then cannot take the ASCII shortcut). */
  private high = false;
  size = 0;
  /** Ids in the hash table (those not in the direct table). */
  private hashed = 0;

  /**
   * The index of a canonical decimal id whose value `v` the caller already parsed from bytes [s, e) (the ingest's
   * fused fast path); same result as index(b, s, e).
   */
  indexNumeric(v: number, b: Uint8Array, s: number, e: number): number {
    if (v >= this.num.length) return this.index(b, s, e);
    const k = this.num[v] - 1;
    if (k >= 0) return k;
    const id = this.add(b, s, e, 0, 1);
    this.num[v] = id + 1;
    return id;
  }

  /** The index of the id with bytes [s, e), adding it in first-seen order when new. */
  index(b: Uint8Array, s: number, e: number): number {
    const len = e - s;
    if (len <= 7) {
      let v = 0;
      let j = s;
      for (; j < e; j++) {
        const d = b[j] - 48;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      // Canonical decimal ids never enter the hash table: they are always found here, so the two paths never disagree.
      if (j === e && (b[s] !== 48 || len === 1) && v < NUM_LIMIT) {
        if (v >= this.num.length) {
          const next = new Int32Array(Math.min(NUM_LIMIT, Math.max(2 * this.num.length, v + 1)));
          next.set(this.num);
          this.num = next;
        }
        const k = this.num[v] - 1;
        if (k >= 0) return k;
        const id = this.add(b, s, e, 0, 1);
        this.num[v] = id + 1;
        return id;
      }
    }
    const h = hashBytes(b, s, e);
    const table = this.table;
    let slot = h & this.mask;
    for (;;) {
      const k = table[slot] - 1;
      if (k < 0) break;
      if (this.hashes[k] === h) {
        const a = this.starts[k];
        if (this.ends[k] - a === len) {
          const arena = this.arena;
          let j = 0;
          while (j < len && arena[a + j] === b[s + j]) j++;
          if (j === len) return k;
        }
      }
      slot = (slot + 1) & this.mask;
    }
    const k = this.add(b, s, e, h, 0);
    table[slot] = k + 1;
    if (++this.hashed * 2 > this.table.length) this.rehash();
    return k;
  }

  /** Appends a new id's bytes (`numeric` 1: held by the direct table, not the hash table); returns its index. */
  private add(b: Uint8Array, s: number, e: number, h: number, numeric: number): number {
    const len = e - s;
    const k = this.size++;
    if (k === this.starts.length) this.growIds();
    if (this.arenaLen + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLen + len));
      next.set(this.arena.subarray(0, this.arenaLen));
      this.arena = next;
    }
    for (let j = 0; j < len; j++) {
      const c = b[s + j];
      this.high ||= c >= 0x80;
      this.arena[this.arenaLen + j] = c;
    }
    this.starts[k] = this.arenaLen;
    this.arenaLen += len;
    this.ends[k] = this.arenaLen;
    this.hashes[k] = h;
    this.numeric[k] = numeric;
    return k;
  }

  private growIds(): void {
    const grow = (a: Int32Array) => {
      const n = new Int32Array(a.length * 2);
      n.set(a);
      return n;
    };
    this.starts = grow(this.starts);
    this.ends = grow(this.ends);
    this.hashes = grow(this.hashes);
    const n = new Uint8Array(this.numeric.length * 2);
    n.set(this.numeric);
    this.numeric = n;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    const table = new Int32Array(size);
    const mask = size - 1;
    for (let k = 0; k < this.size; k++) {
      if (this.numeric[k]) continue;
      let slot = this.hashes[k] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = k + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  /** The ids' bytes in first-seen order (another part of a file read elsewhere; see Ingest.absorb). */
  bytes(): DictBytes {
    return {
      arena: this.arena.slice(0, this.arenaLen),
      starts: this.starts.slice(0, this.size),
      ends: this.ends.slice(0, this.size),
    };
  }

  /**
   * Every id as a string, by index. ASCII ids are cut from one decoded string (byte offsets are character offsets),
   * others are decoded one by one in the file's encoding.
   */
  strings(encoding: Encoding): string[] {
    const out = new Array<string>(this.size);
    const bytes = this.arena.subarray(0, this.arenaLen);
    if (!this.high) {
      const all = decode(bytes, 'latin1');
      for (let k = 0; k < this.size; k++) out[k] = all.slice(this.starts[k], this.ends[k]);
    } else for (let k = 0; k < this.size; k++) out[k] = decode(bytes.subarray(this.starts[k], this.ends[k]), encoding);
    return out;
  }
}
