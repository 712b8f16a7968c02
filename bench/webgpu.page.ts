// The page side of bench/webgpu.bench.ts, bundled by src/testing/pageBundle.ts: tfjs with its WebGPU and WASM
// backends, the sequence benches' world and batches, and the planner's pass over a score matrix. The bench calls
// `webgpuBench` (on globalThis) through page.evaluate.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { SequenceModel } from '../src/core/models/sequence/index';
import type { Dataset } from '../src/core/data/types';
import { softPass } from '../src/core/planner/kernels';
import { drawScores, scoreWorld } from '../src/core/planner/synthetic';
import { createRng } from '../src/core/util/rng';
import { adapterFacts, adapterName, isSoftwareAdapter } from '../src/platform/gpuInfo';
import { passEngine } from '../workers/gpuPass';
import { softSums, softSumsOf, solveDualPassed } from '../src/core/planner/dualPassed';
import { solveDual } from '../src/core/planner/dual';
import { denseScores } from '../src/core/models/scores';
import { fitOneBatch, timingOrder as trainOrder, timingWorld as world } from '../src/core/models/sequence/batchTiming';
import { setDecoderKernel } from '../src/core/models/sequence/decoderKernel';
import { setAttentionKernel } from '../src/core/models/sequence/attentionKernelGpu';
import { causalAttentionOps, causalAttentionPacked } from '../src/core/models/sequence/attention';
import { decoderLoss } from '../src/core/models/sequence/ops';

export interface TrainShape {
  kind: 'gru' | 'transformer';
  users: number;
  hidden: number;
  maxLen: number;
  /** Timed batches, after one untimed warm-up batch. */
  batches: number;
  /** Whether the decoder and the attention run as the backend's kernels (WASM SIMD or JS, WGSL) rather than tfjs ops
   * (default true). */
  kernels?: boolean;
}

/** The causal attention over b sequences of t positions, width `hidden` in 2 heads. */
export interface AttentionShape {
  b: number;
  t: number;
  hidden: number;
  runs: number;
  kernel: boolean;
}

/** One chunk of the decoder (decoderLoss, eq. 1): rows × V logits from hidden states of width dim. */
export interface DecoderShape {
  rows: number;
  v: number;
  dim: number;
  runs: number;
  kernel: boolean;
}

export interface PassShape {
  rows: number;
  cols: number;
  runs: number;
}

/** Milliseconds per run and the sum of all row sums (the same on every backend, up to rounding). */
export interface PassTiming {
  ms: number[];
  total: number;
}

let data: { ds: Dataset; order: number[] } | null = null;
let scores: { key: string; lambda: Float32Array; u: Float64Array; v: Float64Array; eps: number } | null = null;

/** The pass's input: the planner bench's synthetic scores, u at 5% of the largest, v 0, ε = 1e-4 of the largest. */
function passInput(s: PassShape) {
  const key = `${s.rows}x${s.cols}`;
  if (scores?.key !== key) {
    const rng = createRng(1);
    const lambda = drawScores(scoreWorld(s.cols, rng, 16, 1), s.rows, rng);
    let mx = 0;
    for (const x of lambda) mx = Math.max(mx, x);
    scores = { key, lambda, u: new Float64Array(s.rows).fill(0.05 * mx), v: new Float64Array(s.cols), eps: 1e-4 * mx };
  }
  return scores;
}

async function time(runs: number, fn: () => Promise<number>): Promise<PassTiming> {
  let total = await fn(); // warm-up: compiles shaders, uploads
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    total = await fn();
    ms.push(performance.now() - t0);
  }
  return { ms, total };
}

const api = {
  dual,
  /** The adapter WebGPU gives this page (null without one). */
  async adapter(): Promise<{ name: string; software: boolean } | null> {
    type Adapter = Parameters<typeof adapterFacts>[0];
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<Adapter | null> } } }).navigator?.gpu;
    const a = gpu ? await gpu.requestAdapter() : null;
    if (!a) return null;
    const facts = adapterFacts(a);
    return { name: adapterName(facts), software: isSoftwareAdapter(facts) };
  },

  /**
   * Puts tfjs on `name` ('webgpu' or 'wasm'); WASM's thread count with it (1 on a page's main thread, where the
   * threaded build cannot block on its pool; the app trains in a worker).
   */
  async use(name: string): Promise<{ backend: string; threads: number }> {
    if (name === 'wasm') setWasmPaths('/wasm/');
    if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
    await tf.ready();
    return { backend: tf.getBackend(), threads: name === 'wasm' ? getThreadsCount() : 1 };
  },

  /** Seconds of each timed training batch (one fit of `users` users) and the mean events per batch. */
  async train(s: TrainShape): Promise<{ seconds: number[]; events: number }> {
    setDecoderKernel(s.kernels ?? true);
    setAttentionKernel(s.kernels ?? true);
    try {
      return await trainBatches(s);
    } finally {
      setDecoderKernel(true);
      setAttentionKernel(true);
    }
  },

  /**
   * The causal attention's value and its gradient for qkv on the current backend, each run reading the gradient
   * back: on WebGPU causalAttentionOps (with the WGSL softmax or tfjs's), elsewhere the JS kernel. `total` is Σ of
   * the gradient against fixed weights (the same on every path).
   */
  async attention(s: AttentionShape): Promise<PassTiming> {
    const rng = createRng(6);
    const rows = s.b * s.t;
    const qkv = tf.tensor2d(
      Float32Array.from({ length: rows * 3 * s.hidden }, () => rng.normal()),
      [rows, 3 * s.hidden],
    );
    const w = tf.tensor2d(
      Float32Array.from({ length: rows * s.hidden }, () => rng.normal()),
      [rows, s.hidden],
    );
    const lengths = new Int32Array(s.b).fill(s.t);
    const starts = Int32Array.from({ length: s.b }, (_, b) => b * s.t);
    const f = (x: tf.Tensor) =>
      tf.getBackend() === 'webgpu'
        ? causalAttentionOps(x as tf.Tensor2D, s.b, s.t, 2, lengths)
        : causalAttentionPacked(x as tf.Tensor2D, starts, lengths, 2);
    setAttentionKernel(s.kernel);
    try {
      return await time(s.runs, async () => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(f(x), w)))(qkv);
        const v = (await g.data()) as Float32Array;
        g.dispose();
        return v.reduce((a, x) => a + x, 0);
      });
    } finally {
      setAttentionKernel(true);
      tf.dispose([qkv, w]);
    }
  },

  /**
   * decoderLoss's value and its gradients for h, E and b over one chunk on the current backend, with the backend's
   * kernel or in tfjs ops; each run reads the loss and ∂/∂b back. `total` is the loss (the same on every path).
   */
  async decoder(s: DecoderShape): Promise<PassTiming> {
    const rng = createRng(5);
    const normal = (n: number, scale: number) => Float32Array.from({ length: n }, () => scale * rng.normal());
    const h = tf.tensor2d(normal(s.rows * s.dim, 1), [s.rows, s.dim]);
    const e = tf.tensor2d(normal(s.v * s.dim, 0.3), [s.v, s.dim]);
    const b = tf.tensor1d(normal(s.v, 0.1));
    const target = Int32Array.from({ length: s.rows }, () => 1 + rng.int(s.v - 1));
    const f = (hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor) =>
      decoderLoss(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, target, s.rows);
    setDecoderKernel(s.kernel);
    try {
      return await time(s.runs, async () => {
        const { value, grads } = tf.valueAndGrads(f)([h, e, b]);
        const [l] = await Promise.all([value.data(), grads[2].data()]);
        tf.dispose([value, ...grads]);
        return l[0];
      });
    } finally {
      setDecoderKernel(true);
      tf.dispose([h, e, b]);
    }
  },

  /** The planner's pass in plain JS (core/planner/kernels.ts softPass: the CPU path, with its logit cut-off). */
  async passJs(s: PassShape): Promise<PassTiming> {
    const p = passInput(s);
    const rowSum = new Float64Array(s.rows);
    const colSum = new Float64Array(s.cols);
    return time(s.runs, async () => {
      softPass(p.lambda, s.rows, s.cols, p.u, p.v, p.eps, rowSum, colSum);
      return rowSum.reduce((a, b) => a + b, 0);
    });
  },

  /** The planner's WebGPU shaders (workers/gpuPass.ts) on this page's adapter, asked for by name. */
  async passShader(s: PassShape): Promise<PassTiming> {
    const p = passInput(s);
    const engine = await passEngine(p.lambda, s.rows, s.cols, { order: ['webgpu'], software: true });
    if (engine.backend !== 'webgpu') throw new Error(`the WebGPU pass did not start: ${engine.reason}`);
    const out = softSumsOf(s.rows, s.cols);
    try {
      return await time(s.runs, async () => {
        await engine.pass(p.u, p.v, p.eps, out);
        return out.rowSum.reduce((a, b) => a + b, 0);
      });
    } finally {
      engine.dispose();
    }
  },

  /**
   * The same sums as tfjs ops on the current backend (no cut-off: every pair costs an exp), the matrix uploaded once;
   * each run reads both sums back.
   */
  async passTfjs(s: PassShape): Promise<PassTiming> {
    const p = passInput(s);
    const lambda = tf.tensor2d(p.lambda, [s.rows, s.cols]);
    const u = tf.tensor2d(Float32Array.from(p.u), [s.rows, 1]);
    const v = tf.tensor2d(Float32Array.from(p.v), [1, s.cols]);
    try {
      return await time(s.runs, async () => {
        const [r, c] = tf.tidy(() => {
          const pi = tf.sigmoid(tf.div(tf.sub(tf.sub(lambda, u), v), p.eps));
          return [tf.sum(pi, 1), tf.sum(pi, 0)];
        });
        const [rows] = await Promise.all([r.data(), c.data()]);
        tf.dispose([r, c]);
        return (rows as Float32Array).reduce((a, b) => a + b, 0);
      });
    } finally {
      tf.dispose([lambda, u, v]);
    }
  },
};

/** The training batches of api.train, with the decoder as set. */
async function trainBatches(s: TrainShape): Promise<{ seconds: number[]; events: number }> {
  data ??= (() => {
    const ds = world();
    return { ds, order: trainOrder(ds) };
  })();
  const { ds, order } = data;
  const m = SequenceModel.create(
    {
      kind: s.kind,
      hidden: s.hidden,
      maxLen: s.maxLen,
      batchSize: s.users,
      minBatches: 1,
      epochs: 1,
      validFraction: 0,
      patience: 0,
      mixture: false,
    },
    ds.nItems,
    1,
  );
  if (!m.ok) throw new Error(m.reason);
  const seconds: number[] = [];
  let events = 0;
  try {
    for (let i = 0; i <= s.batches; i++) {
      const t = await fitOneBatch(m.data, ds, order, i, () => performance.now(), s.users, s.maxLen);
      if (i === 0) continue;
      seconds.push(t.seconds);
      events += t.events / s.batches;
    }
  } finally {
    m.data.dispose();
  }
  return { seconds, events };
}

/** One offline Dual solve: milliseconds, passes over the matrix, the objective (the same solve up to tolerance). */
export interface DualTiming {
  ms: number;
  passes: number;
  objective: number;
}

/**
 * The offline Dual (annealed, minimal exposure β = α/2) on the planner bench's synthetic scores: `how` = 'cpu' (the CPU
 * solve, dual.ts), 'js' (dualPassed.ts with its passes in JS), 'webgpu' (dualPassed.ts on the WGSL shaders).
 */
async function dual(s: {
  rows: number;
  cols: number;
  alpha: number;
  how: 'cpu' | 'js' | 'webgpu';
}): Promise<DualTiming> {
  const rng = createRng(1);
  const lambda = drawScores(scoreWorld(s.cols, rng, 16, 1), s.rows, rng);
  const scores = denseScores(s.rows, s.cols, lambda);
  const settings = { alpha: s.alpha, beta: s.alpha / 2 };
  let passes = 0;
  if (s.how === 'cpu') {
    const t0 = performance.now();
    const sol = solveDual(scores, settings, { method: 'anneal' });
    return { ms: performance.now() - t0, passes: 0, objective: sol.objective };
  }
  const engine =
    s.how === 'webgpu' ? await passEngine(lambda, s.rows, s.cols, { order: ['webgpu'], software: true }) : null;
  if (engine && engine.backend !== 'webgpu') throw new Error(`the WebGPU pass did not start: ${engine.reason}`);
  const pass = engine
    ? engine.pass
    : async (u: Float64Array, v: Float64Array, eps: number, out: ReturnType<typeof softSumsOf>) =>
        softSums(lambda, s.rows, s.cols, u, v, eps, out);
  try {
    const t0 = performance.now();
    const sol = await solveDualPassed(scores, settings, pass, { onPasses: (n) => (passes = n) });
    return { ms: performance.now() - t0, passes, objective: sol.objective };
  } finally {
    engine?.dispose();
  }
}

export type WebgpuBenchApi = typeof api;
(globalThis as unknown as { webgpuBench: WebgpuBenchApi }).webgpuBench = api;
