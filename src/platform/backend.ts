/**
 * Backend ladder for the hosts that train (the run worker, the CLI, benches): WebGPU → WebGL → WASM → CPU. Each
 * rung must start and then pass a self-test (one training step of tiny GRU and Transformer models compared with the
 * CPU result) before it is used; the result says which backend is in use and why the others were skipped. Core
 * never picks a backend; the host does.
 * No DOM at module level (navigator and OffscreenCanvas are looked up when a rung is tried), so Node imports it too.
 *
 * `@tensorflow/tfjs` is imported (not just tfjs-core + cpu) because in Node tfjs-core's main bundle registers no
 * gradients; in Node the bundle also brings the CPU and WebGL backends (the built app takes src/platform/tfjsParts.ts
 * for it, without WebGL). WebGPU, WebGL and WASM load lazily, only when tried.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { SequenceModel } from '../core/models/sequence/index';
import type { Dataset } from '../core/data/types';
import { createRng } from '../core/util/rng';
import { adapterFacts, adapterName, isSoftwareAdapter, isSoftwareRenderer, softwareReason } from './gpuInfo';
import { BACKEND_LADDER } from './ladder';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendChoice {
  backend: string;
  /** Rungs above the chosen one and why each was passed over. */
  skipped: { backend: string; reason: string }[];
  /** Largest |output − CPU output| after the self-test step on the chosen backend (0 for CPU). */
  selfTestDiff: number;
  /**
   * WASM only: the threads its kernels (XNNPACK) run on; 1 unless the threaded SIMD build started, which needs
   * SharedArrayBuffer (a cross-origin isolated page; never in Node).
   */
  threads?: number;
}

export interface BackendOptions {
  /** Rungs to try, best first; 'cpu' is always the last resort. Default: webgpu, webgl, wasm, cpu. */
  order?: string[];
  /**
   * Where the WASM binaries are served, for setWasmPaths: a folder URL/path ending in '/', or a map from file name
   * (tfjs-backend-wasm.wasm, -simd.wasm, -threaded-simd.wasm) to URL (vite `?url` imports in the worker). Never a CDN.
   */
  wasmPaths?: string | Record<string, string>;
  /**
   * Threads for the WASM backend's threaded build (default: tfjs's, one per logical core). Read when WASM first
   * starts in this realm; later values are ignored (the pool cannot be resized), so `threads` in the choice says
   * what runs.
   */
  wasmThreads?: number;
  /** Largest accepted weight difference from CPU after the self-test step. */
  tolerance?: number;
  /**
   * Whether a GPU rung may run on a software renderer (SwiftShader, llvmpipe: see gpuInfo.ts). Default true; the
   * page's "auto" passes false, so a machine without a GPU trains on WASM instead of a 30-100× slower emulated GPU.
   */
  software?: boolean;
}

/** A 3-user, 6-item world where item i is followed by i + 1. */
function tinyData(): Dataset {
  const seqs = [
    [0, 1, 2, 3, 4],
    [2, 3, 4, 5, 0, 1],
    [5, 0, 1],
  ];
  const item = Int32Array.from(seqs.flat());
  const userOffsets = new Int32Array(seqs.length + 1);
  seqs.forEach((s, u) => (userOffsets[u + 1] = userOffsets[u] + s.length));
  return {
    userIds: [],
    itemIds: [],
    user: new Int32Array(0),
    item,
    time: new Float64Array(0),
    userOffsets,
    itemCounts: new Int32Array(6),
    nUsers: seqs.length,
    nItems: 6,
  };
}

/**
 * Outputs (hidden states h_x, item embeddings and biases) of tiny GRU and Transformer models after one training
 * step on the current backend, concatenated. Outputs rather than raw weights: Adagrad's first step is ≈ lr·sign(g),
 * so a weight whose true gradient is 0 (the attention key bias, to which softmax is invariant) moves by ±lr on
 * rounding noise alone without changing any output.
 */
export async function selfTestOutputs(): Promise<Float32Array> {
  const ds = tinyData();
  const parts: Float32Array[] = [];
  for (const kind of ['gru', 'transformer'] as const) {
    const m = SequenceModel.create(
      {
        kind,
        hidden: 8,
        layers: 1,
        heads: 2,
        ffn: 8,
        maxLen: 8,
        bptt: 4,
        batchSize: 4,
        epochs: 1,
        validFraction: 0,
        patience: 0,
      },
      6,
      1,
    );
    if (!m.ok) throw new Error(m.reason);
    const r = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(1) });
    if (!r.ok) throw new Error(r.reason);
    const users = Int32Array.from({ length: ds.nUsers }, (_, u) => u);
    const f = await m.data.factors({
      users,
      histEnd: ds.userOffsets.subarray(1),
      testStart: new Float64Array(ds.nUsers),
      horizon: 1,
      excludeTrain: false,
      target: {
        nRows: ds.nUsers,
        nCols: ds.nItems,
        indptr: new Int32Array(ds.nUsers + 1),
        indices: new Int32Array(0),
        data: new Float32Array(0),
      },
    });
    parts.push(f.hidden, f.itemEmb, f.itemBias);
    m.data.dispose();
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

async function load(name: string, opts: BackendOptions): Promise<string | null> {
  if (name === 'webgpu') {
    if (typeof navigator === 'undefined' || !('gpu' in navigator)) return 'navigator.gpu is not available';
    if (opts.software === false) {
      const soft = await softwareWebgpu();
      if (soft) return soft;
    }
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'webgl') {
    if (opts.software === false) {
      const renderer = webglRenderer();
      if (renderer && isSoftwareRenderer(renderer)) return softwareReason(renderer);
    }
    // Registered by the union package in Node; the built app's workers load it only when this rung is tried.
    await import('@tensorflow/tfjs-backend-webgl');
  } else if (name === 'wasm') {
    if (!opts.wasmPaths) return 'no local WASM binary paths were given';
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(opts.wasmPaths as string);
    const threads = opts.wasmThreads ?? defaultWasmThreads();
    if (threads !== undefined) wasm.setThreadsCount(threads);
  }
  return null;
}

/**
 * tfjs's own default pool size, half the logical cores (at most 8), set explicitly because the build lifts tfjs's cap
 * on explicit counts (vite.config.ts), which would otherwise also double its default. Undefined where the browser
 * does not say (Node: the threaded build does not start there).
 */
export function defaultWasmThreads(): number | undefined {
  const cores = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
  return cores ? Math.min(8, Math.max(1, Math.floor(cores / 2))) : undefined;
}

/** Why the WebGPU adapter this context would get is unfit (none, or a software one), or null when it is a GPU. */
async function softwareWebgpu(): Promise<string | null> {
  type Adapter = Parameters<typeof adapterFacts>[0];
  const gpu = (navigator as unknown as { gpu: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  const a = await gpu.requestAdapter().catch(() => null);
  if (!a) return 'no WebGPU adapter';
  const facts = adapterFacts(a);
  return isSoftwareAdapter(facts) ? softwareReason(adapterName(facts)) : null;
}

/** What webglRenderer reads of a WebGL2 context (the worker's DOM typings differ between TS libs). */
interface RendererGl {
  RENDERER: number;
  getExtension(name: string): { UNMASKED_RENDERER_WEBGL?: number; loseContext?(): void } | null;
  getParameter(p: number): unknown;
}

/** The unmasked renderer of a WebGL2 context as the WebGL backend would make it (worker or page), or null. */
function webglRenderer(): string | null {
  try {
    const Canvas = (
      globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown } }
    ).OffscreenCanvas;
    const gl = (Canvas ? new Canvas(1, 1).getContext('webgl2') : null) as RendererGl | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r = String(gl.getParameter(ext?.UNMASKED_RENDERER_WEBGL ?? gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext?.();
    return r;
  } catch {
    return null;
  }
}

/** Walks the ladder and leaves tfjs on the first backend that starts and matches the CPU self-test. */
export async function pickBackend(opts: BackendOptions = {}): Promise<BackendChoice> {
  const order = (opts.order ?? BACKEND_LADDER).filter((b) => b !== 'cpu');
  const tol = opts.tolerance ?? 1e-3;
  const skipped: BackendChoice['skipped'] = [];
  if (!(await tf.setBackend('cpu'))) throw new Error('the CPU backend did not start');
  const reference = await selfTestOutputs();
  for (const name of order) {
    try {
      const missing = await load(name, opts);
      if (missing) {
        skipped.push({ backend: name, reason: missing });
        continue;
      }
      if (!tf.findBackendFactory(name)) {
        skipped.push({ backend: name, reason: 'not registered in this environment' });
        continue;
      }
      if (!(await tf.setBackend(name))) {
        skipped.push({ backend: name, reason: 'failed to initialise' });
        continue;
      }
      const got = await selfTestOutputs();
      let diff = 0;
      for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - reference[i]));
      if (!(diff <= tol)) {
        skipped.push({ backend: name, reason: `self-test differs from CPU by ${diff.toExponential(2)} (> ${tol})` });
        continue;
      }
      if (name !== 'wasm') return { backend: name, skipped, selfTestDiff: diff };
      const threads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
      return { backend: name, skipped, selfTestDiff: diff, threads };
    } catch (e) {
      skipped.push({ backend: name, reason: `self-test failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
  await tf.setBackend('cpu');
  return { backend: 'cpu', skipped, selfTestDiff: 0 };
}

/** The backend tfjs is using now. */
export const currentBackend = (): string => tf.getBackend();

/** What a WebGPU backend exposes of its device (the tfjs type is not exported from the package's main entry). */
interface WithDevice {
  device?: { lost: Promise<{ reason: string; message: string }>; destroy(): void };
}

const gpuDevice = () =>
  tf.getBackend() === 'webgpu' ? ((tf.backend() as unknown as WithDevice).device ?? null) : null;

/**
 * Calls `onLost` once if the GPU device of the current backend is lost (driver reset, another tab's crash, or
 * destroy()). Only WebGPU has a device to lose; other backends never call it.
 */
export function watchDeviceLoss(onLost: (reason: string) => void): void {
  const device = gpuDevice();
  if (!device) return;
  void device.lost.then((info) =>
    onLost(`the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''})`),
  );
}

/** Destroys the WebGPU device (tests: a real device loss); false when the backend has no device. */
export function destroyDevice(): boolean {
  const device = gpuDevice();
  device?.destroy();
  return device !== null;
}
