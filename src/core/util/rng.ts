/**
 * Seeded pseudo-random numbers, passed in explicitly (never global, never Math.random).
 * mulberry32: 32-bit state, period 2^32, fast in JS and identical in Node and every browser.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Exponential with rate 1. */
  exp(): number;
  /** A new independent stream derived from this one (for sub-tasks that must not shift each other). */
  fork(): Rng;
  /** Current 32-bit state, to snapshot a stream. */
  state(): number;
}

export function createRng(seed: number): Rng {
  let s = (seed >>> 0) ^ 0x9e3779b9;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    exp: () => -Math.log(1 - next()),
    fork: () => createRng(Math.floor(next() * 4294967296)),
    state: () => s,
  };
}

/**
 * A stream of its own for `name` under `seed` (FNV-1a of the name, started from the seed): what a model draws does not
 * depend on which models a run fitted before it, so a model alone and in the paper's full table train alike, and a
 * cached model is the one retraining would give.
 */
export function rngFor(seed: number, name: string): Rng {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return createRng(h);
}

/** Fisher-Yates shuffle in place with a seeded stream. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
