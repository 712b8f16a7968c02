/**
 * The streamed greedy's per-cell filter (streamGreedy.ts): a block of scores lives in one WebAssembly.Memory next to
 * the items' bars, the rows' thresholds and the filter's output, and candidateKernel.wat reads it with SIMD. Where
 * WASM or its SIMD is missing (or the memory cannot be had) the same two functions run in plain TS on the same
 * arrays, with the same results.
 */
import { CANDIDATE_KERNEL_WASM } from './candidateKernel.bytes';
import { compiledOnce } from './wasmModule';

/** A block of scores and its filter; views stay valid (the memory never grows after it is made). */
export interface CandidateScan {
  /** Whether the WASM SIMD kernel runs the calls (else plain TS). */
  readonly simd: boolean;
  /** The block: `rows` rows of width q, row-major from 0, written by the caller before each call. */
  readonly block: Float32Array;
  /** Per item slot, the score a cell must beat to be kept for that item (f32; the caller fills the first q). */
  readonly bar: Float32Array;
  /** Per row, the score a cell must beat to be kept for the row (f32; the caller fills the first `rows`). */
  readonly thr: Float32Array;
  /**
   * Per row r, per group i of g consecutive cells (g a multiple of 4; the row's last may be shorter), the largest
   * score v with 0 < v ≤ tau (0: none), at the returned view's [r·ceil(q/g) + i].
   */
  groupMax(rows: number, q: number, tau: number, g: number): Float32Array;
  /**
   * The cells with v ≤ tau and (v > bar[y] or v > thr[r]): their y in idx and v in vals, row after row and ascending
   * within a row; ends[r] counts those of rows 0..r.
   */
  filter(rows: number, q: number, tau: number): { idx: Int32Array; vals: Float32Array; ends: Int32Array };
}

/** The part of the WebAssembly API used here; core is typed without the DOM or Node libraries that declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
}

type GroupMaxFn = (blk: number, rows: number, q: number, tau: number, g: number, out: number) => void;
type FilterFn = (
  blk: number,
  rows: number,
  q: number,
  tau: number,
  bar: number,
  thr: number,
  idx: number,
  vals: number,
  ends: number,
) => number;

const PAGE = 65_536;
const wasmModule = compiledOnce(CANDIDATE_KERNEL_WASM);

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The largest f32 below the f32 value t (t finite; 0 → the negative least subnormal). */
export function nextDown32(t: number): number {
  f32[0] = t;
  if (t === 0)
    i32[0] = -2147483647; // 0x80000001
  else i32[0] += t > 0 ? -1 : 1;
  return f32[0];
}

/** The largest f32 at most t (±∞ stay): an f32 v has v ≤ t exactly when v ≤ f32AtMost(t). */
export function f32AtMost(t: number): number {
  const f = Math.fround(t);
  return f > t ? nextDown32(f) : f;
}

const align = (b: number) => (b + 63) & ~63;

/**
 * A scan for blocks of at most `cells` scores in at most `rows` rows of at most `width` cells, on the kernel where the
 * engine has it (`useKernel: false` forces plain TS: tests compare the two).
 */
export function candidateScan(cells: number, rows: number, width: number, useKernel = true): CandidateScan {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  const mod = useKernel ? wasmModule(api) : null;
  // Layout: block, bars, thresholds, group maxima (at most ceil(width / 4) a row), filter output, row ends.
  const barBase = align(cells * 4);
  const thrBase = align(barBase + width * 4);
  const groupBase = align(thrBase + rows * 4);
  const idxBase = align(groupBase + rows * Math.ceil(width / 4) * 4);
  const valsBase = align(idxBase + cells * 4);
  const endsBase = align(valsBase + cells * 4);
  const bytes = endsBase + rows * 4;
  let buf: ArrayBuffer | null = null;
  let groupMaxFn: GroupMaxFn | null = null;
  let filterFn: FilterFn | null = null;
  if (api && mod && bytes <= 2 ** 31) {
    try {
      const memory = new api.Memory({ initial: Math.ceil(bytes / PAGE) });
      const { exports } = new api.Instance(mod, { env: { memory } });
      buf = memory.buffer;
      groupMaxFn = exports.groupMax as GroupMaxFn;
      filterFn = exports.filter as FilterFn;
    } catch {
      buf = null; // memory refused: plain TS
    }
  }
  buf ??= new ArrayBuffer(bytes);
  const block = new Float32Array(buf, 0, cells);
  const bar = new Float32Array(buf, barBase, width);
  const thr = new Float32Array(buf, thrBase, rows);
  const groups = new Float32Array(buf, groupBase, rows * Math.ceil(width / 4));
  const idx = new Int32Array(buf, idxBase, cells);
  const vals = new Float32Array(buf, valsBase, cells);
  const ends = new Int32Array(buf, endsBase, rows);
  return {
    simd: filterFn !== null,
    block,
    bar,
    thr,
    groupMax(n, q, tau, g) {
      const t = f32AtMost(tau);
      const ns = Math.ceil(q / g);
      if (groupMaxFn) groupMaxFn(0, n, q, t, g, groupBase);
      else groupMaxTs(block, n, q, t, g, groups);
      return groups.subarray(0, n * ns);
    },
    filter(n, q, tau) {
      const t = f32AtMost(tau);
      const total = filterFn
        ? filterFn(0, n, q, t, barBase, thrBase, idxBase, valsBase, endsBase)
        : filterTs(block, n, q, t, bar, thr, idx, vals, ends);
      return { idx: idx.subarray(0, total), vals: vals.subarray(0, total), ends: ends.subarray(0, n) };
    },
  };
}

/** groupMax in plain TS (candidateKernel.wat's, cell by cell). */
function groupMaxTs(block: Float32Array, n: number, q: number, tau: number, g: number, out: Float32Array): void {
  let o = 0;
  for (let r = 0; r < n; r++) {
    const row = r * q;
    for (let y0 = 0; y0 < q; y0 += g) {
      let m = 0;
      for (let y = y0; y < Math.min(q, y0 + g); y++) {
        const v = block[row + y];
        if (v <= tau && v > m) m = v;
      }
      out[o++] = m;
    }
  }
}

/** filter in plain TS (candidateKernel.wat's, cell by cell). */
function filterTs(
  block: Float32Array,
  n: number,
  q: number,
  tau: number,
  bar: Float32Array,
  thr: Float32Array,
  idx: Int32Array,
  vals: Float32Array,
  ends: Int32Array,
): number {
  let c = 0;
  for (let r = 0; r < n; r++) {
    const row = r * q;
    const t = thr[r];
    for (let y = 0; y < q; y++) {
      const v = block[row + y];
      if (v <= tau && (v > bar[y] || v > t)) {
        idx[c] = y;
        vals[c++] = v;
      }
    }
    ends[r] = c;
  }
  return c;
}
