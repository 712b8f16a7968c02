/**
 * Factored scores for the planner at scale (paper appendix C.2): keep the D-dimensional user and item vectors, λ(x)
 * and the item biases, and compute scores in row blocks on demand, so memory grows with users + items, not
 * users × items. The three links cover the models the workbench makes:
 *   linear:  λ(x, y) = λ(x) · max(0, h_x · e_y + b_y)    (a world's oracle, λ(x) · Σ_k θ_xk φ_ky; MF scores)
 *   exp:     λ(x, y) = λ(x) · exp(h_x · e_y + b_y)
 *   softmax: λ(x, y) = λ(x) · softmax_y(h_x · e_y + b_y)  (RIM, eqs. 1 and 5)
 * D = 0 is the rank-one case λ(x) · b_y (Pop, Hawkes, HP: λ(x) × item count).
 * The product runs on a WASM SIMD kernel (scoreKernel.wat) where the engine has one, else in plain TS.
 */
import type { ScoreSource } from '../models/scores';
import { SCORE_KERNEL_WASM } from './scoreKernel.bytes';
import { compiledOnce } from './wasmModule';

export type FactorLink = 'linear' | 'exp' | 'softmax';
export const FACTOR_LINKS: readonly FactorLink[] = ['linear', 'exp', 'softmax'];

export interface Factors {
  nUsers: number;
  nItems: number;
  /** Latent dimension D; 0 for rank-one scores λ(x) · b_y. */
  dim: number;
  /** h_x: nUsers × D, row-major. */
  users: Float32Array;
  /** e_y: nItems × D, row-major. */
  items: Float32Array;
  /** λ(x) ≥ 0 per user (expected events in the window, or an intensity); null: 1 for every user. */
  lambda: Float32Array | null;
  /** b_y per item; null: 0. */
  itemBias: Float32Array | null;
  link: FactorLink;
}

/** A problem with the factors' shapes or values, as a message naming the field, or null when fine. */
export function factorsProblem(f: Factors): string | null {
  const { nUsers: n, nItems: p, dim: D } = f;
  for (const [k, v] of [
    ['nUsers', n],
    ['nItems', p],
    ['dim', D],
  ] as const)
    if (!Number.isInteger(v) || v < 0) return `${k} = ${v}: must be a non-negative integer`;
  if (n === 0 || p === 0) return `${n} users × ${p} items: need at least one of each`;
  if (!FACTOR_LINKS.includes(f.link)) return `link '${f.link}': must be one of ${FACTOR_LINKS.join(', ')}`;
  if (f.users.length !== n * D) return `user vectors: ${f.users.length} values, expected ${n} × ${D}`;
  if (f.items.length !== p * D) return `item vectors: ${f.items.length} values, expected ${p} × ${D}`;
  if (f.lambda && f.lambda.length !== n) return `λ(x): ${f.lambda.length} values, expected one per user (${n})`;
  if (f.itemBias && f.itemBias.length !== p) return `item biases: ${f.itemBias.length} values, expected ${p}`;
  const finite = (a: Float32Array | null) => (a ? a.findIndex((v) => !Number.isFinite(v)) : -1);
  for (const [k, a] of [
    ['user vectors', f.users],
    ['item vectors', f.items],
    ['item biases', f.itemBias],
  ] as const) {
    const i = finite(a);
    if (i >= 0) return `${k}: value ${i} is ${a![i]}, expected a finite number`;
  }
  if (f.lambda) {
    const i = f.lambda.findIndex((v) => !(v >= 0 && Number.isFinite(v)));
    if (i >= 0) return `λ(x): user ${i} has ${f.lambda[i]}, expected a finite number ≥ 0`;
  }
  return null;
}

/** A ScoreSource over factors that can also fill an arbitrary list of rows (samples, repaired rows). */
export interface FactorSource extends ScoreSource {
  readonly factors: Factors;
  /** Writes the scores of rows[i] into out[i·nCols ..], for i < rows.length. */
  fillRowList(rows: Int32Array, out: Float32Array): void;
  /**
   * Writes the scores of items ys[j] over every user into out[j·nUsers ..] (columns: users × D work each; many at
   * once share the reads of the user vectors).
   */
  fillColumns(ys: Int32Array, out: Float32Array): void;
}

/** The part of the WebAssembly API used here; core is typed without the DOM or Node libraries that declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}

type ScoresFn = (
  u: number,
  vt: number,
  bias: number,
  lam: number,
  out: number,
  rows: number,
  D: number,
  pPad: number,
  p: number,
  clamp: number,
  scratch: number,
  chunk: number,
) => void;

const PAGE = 65_536;
const wasmModule = compiledOnce(SCORE_KERNEL_WASM);

const align = (b: number) => (b + 63) & ~63;

/**
 * One factor set's kernel: Vt (D × pPad, items padded to a multiple of 8) and the biases live at the start of its
 * memory, a block's user vectors, scales and scores after them (grown on demand).
 */
class Kernel {
  private readonly memory: { buffer: ArrayBuffer; grow(pages: number): number };
  private readonly fn: ScoresFn;
  private readonly pPad: number;
  private readonly biasBase: number;
  private readonly scratch: number;
  private readonly blockBase: number;
  private readonly chunk: number;

  constructor(
    api: WasmApi,
    mod: object,
    private readonly f: Factors,
  ) {
    const { nItems: p, dim: D } = f;
    this.pPad = (p + 7) & ~7;
    this.biasBase = align(D * this.pPad * 4);
    this.scratch = align(this.biasBase + this.pPad * 4);
    this.blockBase = this.scratch + 64;
    // Items per chunk: about 64 KB of Vt, a multiple of 8.
    this.chunk = Math.max(8, Math.floor(16_384 / Math.max(1, D)) & ~7);
    this.memory = new api.Memory({ initial: Math.ceil(this.blockBase / PAGE) + 1 });
    this.fn = new api.Instance(mod, { env: { memory: this.memory } }).exports.scores as ScoresFn;
    const buf = this.memory.buffer;
    const vt = new Float32Array(buf, 0, D * this.pPad);
    for (let y = 0; y < p; y++) for (let d = 0; d < D; d++) vt[d * this.pPad + y] = f.items[y * D + d];
    if (f.itemBias) new Float32Array(buf, this.biasBase, p).set(f.itemBias);
  }

  /**
   * Scores of `rows` (row indices, or the range [r0, r0 + n) when rows is null) into out: raw z = h·e + b when
   * `raw`, else λ(x) · max(0, z).
   */
  run(rows: ArrayLike<number> | null, r0: number, n: number, out: Float32Array, raw: boolean): void {
    const { nItems: p, dim: D, users, lambda } = this.f;
    const n4 = (n + 3) & ~3;
    const uBase = this.blockBase;
    const lamBase = align(uBase + n4 * D * 4);
    const outBase = align(lamBase + n4 * 4);
    const need = outBase + n4 * p * 4;
    if (need > this.memory.buffer.byteLength)
      this.memory.grow(Math.ceil((need - this.memory.buffer.byteLength) / PAGE));
    const buf = this.memory.buffer;
    const u = new Float32Array(buf, uBase, n4 * D);
    const lam = new Float32Array(buf, lamBase, n4);
    for (let i = 0; i < n; i++) {
      const x = rows ? rows[i] : r0 + i;
      if (D > 0) u.set(users.subarray(x * D, (x + 1) * D), i * D);
      lam[i] = raw ? 1 : lambda ? lambda[x] : 1;
    }
    u.fill(0, n * D);
    lam.fill(0, n);
    this.fn(uBase, 0, this.biasBase, lamBase, outBase, n4, D, this.pPad, p, raw ? 0 : 1, this.scratch, this.chunk);
    out.set(new Float32Array(buf, outBase, n * p));
  }
}

/** Raw z = h·e + b of the rows in plain TS (no WASM SIMD here). */
function rawScoresTs(f: Factors, rows: ArrayLike<number> | null, r0: number, n: number, out: Float32Array): void {
  const { nItems: p, dim: D, users, items, itemBias } = f;
  for (let i = 0; i < n; i++) {
    const x = rows ? rows[i] : r0 + i;
    const a = x * D;
    const o = i * p;
    for (let y = 0; y < p; y++) {
      const b = y * D;
      let s = itemBias ? itemBias[y] : 0;
      for (let d = 0; d < D; d++) s += users[a + d] * items[b + d];
      out[o + y] = s;
    }
  }
}

/** Rows per kernel call: a few MB of scores, so the block stays in cache while the caller reads it. */
const BLOCK_CELLS = 1 << 20;

/**
 * The ScoreSource of factors (shapes must already be checked: factorsProblem). `useKernel: false` forces the plain
 * TS product (tests compare the two).
 */
export function factorSource(f: Factors, opts: { useKernel?: boolean; blockCells?: number } = {}): FactorSource {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  const mod = opts.useKernel === false ? null : wasmModule(api);
  let kernel: Kernel | null = null;
  if (api && mod) {
    try {
      kernel = new Kernel(api, mod, f);
    } catch {
      kernel = null; // memory refused: the TS product
    }
  }
  const p = f.nItems;
  const raw = f.link !== 'linear';
  const block = Math.max(1, Math.floor((opts.blockCells ?? BLOCK_CELLS) / Math.max(1, p)));
  const fill = (rows: Int32Array | null, r0: number, n: number, out: Float32Array) => {
    for (let i0 = 0; i0 < n; i0 += block) {
      const k = Math.min(block, n - i0);
      const sub = rows ? rows.subarray(i0, i0 + k) : null;
      const o = out.subarray(i0 * p, (i0 + k) * p);
      if (kernel) kernel.run(sub, r0 + i0, k, o, raw);
      else {
        rawScoresTs(f, sub, r0 + i0, k, o);
        if (!raw) {
          for (let i = 0; i < k; i++) {
            const x = sub ? sub[i] : r0 + i0 + i;
            const l = f.lambda ? f.lambda[x] : 1;
            const base = i * p;
            for (let y = 0; y < p; y++) o[base + y] = o[base + y] > 0 ? l * o[base + y] : 0;
          }
        }
      }
      if (raw) applyLink(f, sub, r0 + i0, k, o);
    }
  };
  // Softmax columns need each user's normaliser: max z and Σ exp(z − max), from one pass over the rows when first asked.
  let norm: { max: Float64Array; sum: Float64Array } | null = null;
  let tr: FactorSource | null = null;
  const normalisers = () => {
    if (norm) return norm;
    const n = f.nUsers;
    const max = new Float64Array(n);
    const sum = new Float64Array(n);
    const out = new Float32Array(block * p);
    for (let r0 = 0; r0 < n; r0 += block) {
      const k = Math.min(block, n - r0);
      if (kernel) kernel.run(null, r0, k, out, true);
      else rawScoresTs(f, null, r0, k, out);
      for (let i = 0; i < k; i++) {
        let mx = -Infinity;
        for (let y = 0; y < p; y++) if (out[i * p + y] > mx) mx = out[i * p + y];
        let z = 0;
        for (let y = 0; y < p; y++) z += Math.exp(out[i * p + y] - mx);
        max[r0 + i] = mx;
        sum[r0 + i] = z;
      }
    }
    return (norm = { max, sum });
  };
  return {
    nRows: f.nUsers,
    nCols: p,
    factors: f,
    fillRows(r0, r1, out) {
      fill(null, r0, r1 - r0, out);
    },
    fillRowList(rows, out) {
      fill(rows, 0, rows.length, out);
    },
    fillColumns(ys, out) {
      const n = f.nUsers;
      if (f.link === 'softmax') {
        const nz = normalisers();
        for (let j = 0; j < ys.length; j++) {
          const o = out.subarray(j * n, (j + 1) * n);
          rawColumnTs(f, ys[j], o);
          for (let x = 0; x < n; x++) o[x] = ((f.lambda ? f.lambda[x] : 1) * Math.exp(o[x] - nz.max[x])) / nz.sum[x];
        }
        return;
      }
      // The transposed factors (items as rows; a bias as one more dimension) give link(z) per column, λ(x) after.
      tr ??= factorSource(transposed(f), { ...opts, blockCells: 1 << 24 });
      tr.fillRowList(ys, out);
      if (f.lambda) {
        const l = f.lambda;
        for (let j = 0; j < ys.length; j++) for (let x = 0, o = j * n; x < n; x++) out[o + x] *= l[x];
      }
    },
  };
}

/** Items as users and users as items, a bias b_y as one more dimension (1 for every user); link linear or exp, λ = 1. */
function transposed(f: Factors): Factors {
  const { nUsers: n, nItems: p, dim: D } = f;
  if (!f.itemBias)
    return { nUsers: p, nItems: n, dim: D, users: f.items, items: f.users, lambda: null, itemBias: null, link: f.link };
  const E = D + 1;
  const items = new Float32Array(p * E);
  const users = new Float32Array(n * E);
  for (let y = 0; y < p; y++) {
    items.set(f.items.subarray(y * D, (y + 1) * D), y * E);
    items[y * E + D] = f.itemBias[y];
  }
  for (let x = 0; x < n; x++) {
    users.set(f.users.subarray(x * D, (x + 1) * D), x * E);
    users[x * E + D] = 1;
  }
  return { nUsers: p, nItems: n, dim: E, users: items, items: users, lambda: null, itemBias: null, link: f.link };
}

/** Raw z = h_x · e_y + b_y of item y over every user, in plain TS. */
function rawColumnTs(f: Factors, y: number, out: Float32Array): void {
  const { nUsers: n, dim: D, users, items } = f;
  const b = f.itemBias ? f.itemBias[y] : 0;
  for (let x = 0, a = 0; x < n; x++, a += D) {
    let z = b;
    for (let d = 0; d < D; d++) z += users[a + d] * items[y * D + d];
    out[x] = z;
  }
}

/** exp and softmax links on raw z, scaled by λ(x). Softmax shifts each row by its max (stable) and sums in f64. */
function applyLink(f: Factors, rows: ArrayLike<number> | null, r0: number, n: number, out: Float32Array): void {
  const p = f.nItems;
  for (let i = 0; i < n; i++) {
    const x = rows ? rows[i] : r0 + i;
    const l = f.lambda ? f.lambda[x] : 1;
    const base = i * p;
    if (f.link === 'exp') {
      for (let y = 0; y < p; y++) out[base + y] = l * Math.exp(out[base + y]);
      continue;
    }
    let max = -Infinity;
    for (let y = 0; y < p; y++) if (out[base + y] > max) max = out[base + y];
    let z = 0;
    for (let y = 0; y < p; y++) {
      const e = Math.exp(out[base + y] - max);
      out[base + y] = e;
      z += e;
    }
    const k = l / z;
    for (let y = 0; y < p; y++) out[base + y] *= k;
  }
}
