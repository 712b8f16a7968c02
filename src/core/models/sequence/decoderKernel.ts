/**
 * The decoder's softmax cross-entropy over one chunk of logits as one tfjs kernel on the WASM backend
 * (decoderKernel.wat): bias, max, exp, sum, the target's logit, the gradient w·(softmax − onehot), its transpose and
 * its column sums in one call, in place of a dozen tfjs ops that each pass over the [rows × V] chunk (tfjs's Exp and
 * Transpose are scalar loops there). The kernel is instantiated on the backend's own WebAssembly.Memory, so it reads
 * and writes tensors where they lie; the backend is reached through the fields its own JS kernels use (tfjs 4.22).
 * Other backends, or a WASM backend without SIMD, keep decoderLoss's tfjs ops (softmaxXent returns null).
 */
import * as tf from '@tensorflow/tfjs-core';
import { compiledOnce } from '../../planner/wasmModule';
import { DECODER_KERNEL_SHARED_WASM, DECODER_KERNEL_WASM } from './decoderKernel.bytes';

/** The part of the WebAssembly API used here; core is typed without the DOM or Node libraries that declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface Memory {
  buffer: ArrayBufferLike;
}

/** The fields of tfjs-backend-wasm's BackendWasm that its JS kernels use (and this one). */
interface WasmBackendLike {
  wasm: {
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** The Emscripten module's memory: `wasmMemory` in the threaded build, `asm.memory` in the others. */
    wasmMemory?: Memory;
    asm?: { memory?: Memory };
  };
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
}

type XentFn = (
  l: number,
  g: number,
  gt: number,
  bias: number,
  tgt: number,
  w: number,
  db: number,
  stats: number,
  rows: number,
  v: number,
) => void;

const KERNEL = 'RimwSoftmaxXent';
const plainModule = compiledOnce(DECODER_KERNEL_WASM);
const sharedModule = compiledOnce(DECODER_KERNEL_SHARED_WASM);
/** Per Emscripten module of the backend: the kernel on its memory, or null where it cannot run. */
const instances = new WeakMap<object, { xent: XentFn; memory: Memory } | null>();

let enabled = true;

/**
 * Whether decoderLoss may use its kernel, this one or the WebGPU one (decoderKernelGpu.ts) (default true); benches and
 * tests turn it off to time or check the ops.
 */
export function setDecoderKernel(on: boolean): void {
  enabled = on;
}

export const decoderKernelEnabled = (): boolean => enabled;

function instanceFor(b: WasmBackendLike): { xent: XentFn; memory: Memory } | null {
  const key = b.wasm;
  let inst = instances.get(key);
  if (inst !== undefined) return inst;
  inst = null;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  const memory = b.wasm.wasmMemory ?? b.wasm.asm?.memory;
  if (api && memory) {
    const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const mod = (isShared ? sharedModule : plainModule)(api);
    if (mod) {
      try {
        const { exports } = new api.Instance(mod, { env: { memory } });
        inst = { xent: exports.xent as XentFn, memory };
      } catch {
        inst = null; // the memory's limits refused: tfjs ops
      }
    }
  }
  instances.set(key, inst);
  return inst;
}

function kernelFunc({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: object }): tf.TensorInfo[] {
  const b = backend as WasmBackendLike;
  const k = instanceFor(b);
  if (!k) throw new Error(`${KERNEL}: no kernel on this backend`);
  const [logits, bias, target, weight] = [inputs.logits, inputs.bias, inputs.target, inputs.weight] as tf.TensorInfo[];
  const [rows, v] = logits.shape;
  const g = b.makeOutput([rows, v], 'float32');
  const gT = b.makeOutput([v, rows], 'float32');
  const db = b.makeOutput([v], 'float32');
  const loss = b.makeOutput([], 'float32');
  const stats = b.wasm._malloc(rows * 16) >>> 0;
  const at = (t: tf.TensorInfo) => (b.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset >>> 0;
  try {
    k.xent(at(logits), at(g), at(gT), at(bias), at(target), at(weight), at(db), stats, rows, v);
    // Views made after every allocation above (an allocation may grow the memory and detach older views).
    const s = new Float32Array(k.memory.buffer, stats, rows * 4);
    const w = new Float32Array(k.memory.buffer, at(weight), rows);
    // Σ_r w_r · (log-sum-exp_r − logit of the target), in f64; rows of weight 0 add nothing (their Z may be anything).
    let l = 0;
    for (let r = 0; r < rows; r++) if (w[r] !== 0) l += w[r] * (s[4 * r] + Math.log(s[4 * r + 1]) - s[4 * r + 2]);
    new Float32Array(k.memory.buffer, at(loss), 1)[0] = l;
  } finally {
    b.wasm._free(stats);
  }
  return [g, gT, db, loss];
}

/** Whether softmaxXent runs on the current backend (the WASM backend with its memory reachable and SIMD). */
export function decoderKernelReady(): boolean {
  if (!enabled || tf.getBackend() !== 'wasm') return false;
  const b = tf.backend() as unknown as Partial<WasmBackendLike>;
  if (!b.wasm || !b.dataIdMap || !b.makeOutput || !instanceFor(b as WasmBackendLike)) return false;
  if (!tf.getKernel(KERNEL, 'wasm'))
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  return true;
}

/**
 * For logits L [rows, V] (without the bias), bias [V], targets t [rows] (int32, each in 0..V−1) and row weights w
 * [rows]: g = w·(softmax(L + bias) − onehot(t)) row-wise [rows, V], gᵀ [V, rows], db = Σ_rows g [V] and the loss
 * Σ_r w_r·(log Σ_y e^(L_ry + b_y) − L_rt − b_t) (a scalar). Only where decoderKernelReady() said true.
 */
export function softmaxXent(
  logits: tf.Tensor2D,
  bias: tf.Tensor1D,
  target: tf.Tensor1D,
  weight: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Scalar] {
  return tf.engine().runKernel(KERNEL, { logits, bias, target, weight }, {}) as unknown as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor1D,
    tf.Scalar,
  ];
}
