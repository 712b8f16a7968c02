/**
 * The WASM SIMD part of a raise's column scan (scanKernel.wat). WASM reads only its own memory, so what the scan reads
 * lives in one: `allocTransposed` makes the auction's cols × rows copy of the scores inside a WebAssembly.Memory,
 * next to the users' K-th values as f32 and the auction's membership bytes, and `kernelOf` finds the kernel again
 * from that array. Where WASM or its SIMD is missing (or the memory cannot be had) the copy is a plain Float32Array
 * and the scan stays in JS.
 */
import { SCAN_KERNEL_WASM } from './scanKernel.bytes';
import { compiledOnce } from './wasmModule';

export interface ScanKernel {
  /** The users' K-th values rounded to f32 (kept by ChoiceSlots next to its f64 ones). */
  kth32: Float32Array;
  /** Membership bytes, column-major like T: member[y·nRows + x] (the auction's, when it runs on this kernel). */
  member: Uint8Array;
  /** Per 16-user block of the last column read: the minimum over its outsiders of kth32 − T (blockMins' output). */
  mins: Float32Array;
  /** Byte offsets in the kernel's memory of T, kth32, member and mins. */
  tBase: number;
  kBase: number;
  mBase: number;
  minsBase: number;
  /** See scanKernel.wat. */
  blockMins: (t: number, k: number, mb: number, n: number, out: number) => number;
  /** The auction state whose K-th values and membership the kernel holds now (auction.ts). */
  owner: unknown;
}

/** The part of the WebAssembly API used here; core is typed without the DOM or Node libraries that declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number }) => WasmMemory;
}

interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

const PAGE = 65_536;
const kernels = new WeakMap<ArrayBufferLike, ScanKernel>();
/** Each kernel memory's instance (bound to the memory, so it survives a grow) by the memory's current buffer. */
const instances = new WeakMap<ArrayBufferLike, { memory: WasmMemory; blockMins: ScanKernel['blockMins'] }>();
/**
 * Kernel memories given back (recycleTransposed), reused by the next allocTransposed before a new one is made: a
 * WebAssembly.Memory never shrinks and is freed only when collected, so a planner that rebuilds an evicted copy
 * reuses one memory instead of growing the process by another.
 */
const spare: { memory: WasmMemory; blockMins: ScanKernel['blockMins'] }[] = [];
/** Memories kept for reuse at most. */
const SPARE_LIMIT = 1;
const wasmModule = compiledOnce(SCAN_KERNEL_WASM);

const align16 = (b: number) => (b + 15) & ~15;

/**
 * An nRows × nCols Float32Array for the transposed scores, inside a kernel's memory where that is possible. Zeroed
 * when freshly made; in a recycled memory it holds stale values (transpose writes all of it), while the K-th values
 * and membership bytes are zeroed as in a fresh memory.
 */
export function allocTransposed(nRows: number, nCols: number, useKernel = true): Float32Array {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  const mod = useKernel ? wasmModule(api) : null;
  const kBase = 0;
  const minsBase = align16(nRows * 4);
  const mBase = minsBase + align16(Math.ceil(nRows / 16) * 4);
  const tBase = mBase + align16(nRows * nCols);
  const bytes = tBase + nRows * nCols * 4;
  if (!api || !mod || bytes > 2 ** 31) return new Float32Array(nRows * nCols);
  try {
    const inst = reuseSpare(bytes, tBase) ?? newInstance(api, mod, bytes);
    const buf = inst.memory.buffer;
    instances.set(buf, inst);
    const T = new Float32Array(buf, tBase, nRows * nCols);
    kernels.set(buf, {
      kth32: new Float32Array(buf, kBase, nRows),
      member: new Uint8Array(buf, mBase, nRows * nCols),
      mins: new Float32Array(buf, minsBase, Math.ceil(nRows / 16)),
      tBase,
      kBase,
      mBase,
      minsBase,
      blockMins: inst.blockMins,
      owner: null,
    });
    return T;
  } catch {
    return new Float32Array(nRows * nCols); // memory refused: the JS scan
  }
}

function newInstance(api: WasmApi, mod: object, bytes: number) {
  const memory = new api.Memory({ initial: Math.ceil(bytes / PAGE) });
  const { exports } = new api.Instance(mod, { env: { memory } });
  return { memory, blockMins: exports.blockMins as ScanKernel['blockMins'] };
}

/** A spare memory grown to `bytes` if need be, zeroed below `zeroTo` (K-th values, minima, membership). */
function reuseSpare(bytes: number, zeroTo: number) {
  const inst = spare.pop();
  if (!inst) return undefined;
  const have = inst.memory.buffer.byteLength;
  if (have < bytes) inst.memory.grow(Math.ceil((bytes - have) / PAGE)); // keeps what was there; zero beyond
  new Uint8Array(inst.memory.buffer, 0, zeroTo).fill(0);
  return inst;
}

/**
 * Gives the kernel memory holding T back for reuse by a later allocTransposed (the caller drops T and every view of
 * that memory: they will alias the next copy). Arrays not made by allocTransposed on a kernel are left alone.
 */
export function recycleTransposed(T: Float32Array): void {
  const inst = instances.get(T.buffer);
  if (!inst || !kernels.has(T.buffer)) return;
  kernels.delete(T.buffer);
  instances.delete(T.buffer);
  if (spare.length < SPARE_LIMIT) spare.push(inst);
}

/** The kernel whose memory holds T (made by allocTransposed), or null. */
export const kernelOf = (T: Float32Array): ScanKernel | null => kernels.get(T.buffer) ?? null;

/**
 * An f32 bound for the kernel's values: s raised past the rounding of kth to f32 and of the f32 subtraction (each
 * within 2^-24 relative, of values within |s| + 2 of each other where it matters), so a user whose exact f64 value
 * is at most s has a kernel value at most this.
 */
export const f32Bound = (s: number): number => Math.fround(s + (Math.abs(s) + 2) * 2 ** -20);
