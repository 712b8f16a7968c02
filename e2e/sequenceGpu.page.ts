// The page of e2e/sequenceGpu.spec.ts, bundled by src/testing/pageBundle.ts: the sequence models' WGSL kernels on
// tfjs's WebGPU backend (the decoder's softmax cross-entropy, core/models/sequence/decoderKernelGpu.ts, and the
// attention's causal softmax, attentionKernelGpu.ts), tfjs's ops in their place, and the WASM backend's kernels, in
// the same page; the spec compares them with each other and with float64 references.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { decoderKernelReady, setDecoderKernel, softmaxXent } from '../src/core/models/sequence/decoderKernel';
import { decoderKernelGpuReady, softmaxXentGpu } from '../src/core/models/sequence/decoderKernelGpu';
import { decoderLoss } from '../src/core/models/sequence/ops';
import { causalAttentionOps, causalAttentionPacked } from '../src/core/models/sequence/attention';
import {
  attentionKernelGpuReady,
  causalSoftmaxGpu,
  setAttentionKernel,
} from '../src/core/models/sequence/attentionKernelGpu';
import { SequenceModel } from '../src/core/models/sequence/model';
import { datasetOf } from '../src/core/models/sequence/testing.fixtures';
import { createRng } from '../src/core/util/rng';

export type Backend = 'webgpu' | 'wasm';

/** One chunk of logits, its bias, targets and row weights (row-major, rows × V). */
export interface XentCase {
  logits: number[];
  bias: number[];
  target: number[];
  weight: number[];
  rows: number;
  v: number;
}

export interface XentOutcome {
  g: number[];
  db: number[];
  loss: number;
}

/** decoderLoss's inputs: h [N, D], the tied embedding E [V, D], bias [V], targets (0 = padding), chunk rows. */
export interface DecoderCase {
  h: number[];
  e: number[];
  b: number[];
  target: number[];
  d: number;
  chunk: number;
}

/** Scores s (row-major, `shape` = [..., T, T]), the scale, and an upstream gradient dp of the same shape. */
export interface SoftmaxCase {
  s: number[];
  shape: number[];
  scale: number;
  dp: number[];
}

/** qkv [B·T, 3H] on the padded layout (sequence b at rows b·T …), lengths, heads, and weights R [B·T, H]. */
export interface AttentionCase {
  qkv: number[];
  b: number;
  t: number;
  heads: number;
  lengths: number[];
  r: number[];
}

/** An output and the gradient of Σ R ⊙ output (or Σ dp ⊙ P) for the input, with the kernels that ran. */
export interface GradOutcome {
  out: number[];
  grad: number[];
  kernels: string[];
}

export interface DecoderOutcome {
  loss: number;
  /** ∂loss/∂h, ∂loss/∂E, ∂loss/∂b. */
  grads: number[][];
  /** The kernels tfjs ran (tf.profile), to tell which path computed it. */
  kernels: string[];
}

async function use(name: Backend): Promise<void> {
  if (name === 'wasm') setWasmPaths('/wasm/');
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  await tf.ready();
}

/** The kernel of `backend` (WGSL on WebGPU, SIMD on WASM) on one chunk. */
async function xent(c: XentCase, backend: Backend): Promise<XentOutcome> {
  await use(backend);
  const ready = backend === 'webgpu' ? decoderKernelGpuReady() : decoderKernelReady();
  if (!ready) throw new Error(`the decoder kernel does not run on ${backend}`);
  const L = tf.tensor2d(c.logits, [c.rows, c.v]);
  const b = tf.tensor1d(c.bias);
  const t = tf.tensor1d(c.target, 'int32');
  const w = tf.tensor1d(c.weight);
  const out =
    backend === 'webgpu'
      ? softmaxXentGpu(L, b, t, w)
      : (([g, gT, db, l]) => (gT.dispose(), [g, db, l]))(softmaxXent(L, b, t, w));
  try {
    const [g, db, loss] = await Promise.all(out.map((x) => x.data()));
    return { g: [...g], db: [...db], loss: loss[0] };
  } finally {
    tf.dispose([L, b, t, w, ...out]);
  }
}

/** decoderLoss's value and gradients on `backend`, with its kernel or in tfjs ops. */
async function decoder(c: DecoderCase, backend: Backend, kernel: boolean): Promise<DecoderOutcome> {
  await use(backend);
  setDecoderKernel(kernel);
  try {
    const n = c.target.length;
    const v = c.b.length;
    const h = tf.tensor2d(c.h, [n, c.d]);
    const e = tf.tensor2d(c.e, [v, c.d]);
    const b = tf.tensor1d(c.b);
    let out: tf.Tensor[] = [];
    const f = (hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor) =>
      decoderLoss(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, Int32Array.from(c.target), c.chunk);
    const info = await tf.profile(() => {
      const { value, grads } = tf.valueAndGrads(f)([h, e, b]);
      out = [value, ...grads];
      return out;
    });
    try {
      const [loss, ...grads] = await Promise.all(out.map((x) => x.data()));
      return { loss: loss[0], grads: grads.map((g) => [...g]), kernels: info.kernelNames };
    } finally {
      tf.dispose([h, e, b, ...out]);
    }
  } finally {
    setDecoderKernel(true);
  }
}

/** The output of `fn` and the gradient of Σ w ⊙ output for x, read back, with the kernels tfjs ran. */
async function outAndGrad(fn: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor): Promise<GradOutcome> {
  let out: tf.Tensor[] = [];
  const info = await tf.profile(() => {
    const y = fn(x);
    out = [y, tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(fn(xx), w)))(x)];
    return out;
  });
  try {
    const [y, g] = await Promise.all(out.map((t) => t.data()));
    return { out: [...y], grad: [...g], kernels: info.kernelNames };
  } finally {
    tf.dispose([x, w, ...out]);
  }
}

/** The WGSL causal softmax alone: P and dS = ∂(Σ dp ⊙ P)/∂s. */
async function causalSoftmax(c: SoftmaxCase): Promise<GradOutcome> {
  await use('webgpu');
  if (!attentionKernelGpuReady()) throw new Error('the attention kernel does not run on webgpu');
  return outAndGrad((x) => causalSoftmaxGpu(x, c.scale), tf.tensor(c.s, c.shape), tf.tensor(c.dp, c.shape));
}

/**
 * The causal attention and its gradient: on WebGPU causalAttentionOps (the kernel, or tfjs's ops), on WASM the JS
 * kernel (causalAttentionPacked on the padded layout).
 */
async function attention(c: AttentionCase, backend: Backend, kernel: boolean): Promise<GradOutcome> {
  await use(backend);
  setAttentionKernel(kernel);
  try {
    const lengths = Int32Array.from(c.lengths);
    const starts = Int32Array.from({ length: c.b }, (_, b) => b * c.t);
    const h = c.r.length / (c.b * c.t);
    const fn = (x: tf.Tensor) =>
      backend === 'webgpu'
        ? causalAttentionOps(x as tf.Tensor2D, c.b, c.t, c.heads, lengths)
        : causalAttentionPacked(x as tf.Tensor2D, starts, lengths, c.heads);
    return await outAndGrad(fn, tf.tensor2d(c.qkv, [c.b * c.t, 3 * h]), tf.tensor2d(c.r, [c.b * c.t, h]));
  } finally {
    setAttentionKernel(true);
  }
}

/**
 * Two epochs of a small two-layer model (one batch each, so the second epoch's loss follows one training step) on
 * `backend`, with the WebGPU kernels (decoder and attention) or in tfjs ops: the epochs' training losses.
 */
async function fit(backend: Backend, kernel: boolean, kind: 'gru' | 'transformer'): Promise<number[]> {
  await use(backend);
  setDecoderKernel(kernel);
  setAttentionKernel(kernel);
  try {
    // Item i followed by i + 1 for 8 users, 12 events each, over 40 items.
    const nItems = 40;
    const seqs = Array.from({ length: 8 }, (_, u) => Array.from({ length: 12 }, (_, k) => (u * 3 + k) % nItems));
    const ds = datasetOf(seqs, nItems);
    const m = SequenceModel.create(
      {
        kind,
        hidden: 8,
        layers: 2,
        heads: 2,
        ffn: 16,
        maxLen: 16,
        batchSize: 8,
        minBatches: 1,
        epochs: 2,
        validFraction: 0,
        dropout: 0,
      },
      nItems,
      1,
    );
    if (!m.ok) throw new Error(m.reason);
    try {
      const r = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(2) });
      if (!r.ok) throw new Error(r.reason);
      return r.data.trainLoss;
    } finally {
      m.data.dispose();
    }
  } finally {
    setDecoderKernel(true);
    setAttentionKernel(true);
  }
}

const api = { xent, decoder, causalSoftmax, attention, fit };
export type SequenceGpuApi = typeof api;
(globalThis as unknown as { sequenceGpuTest: SequenceGpuApi }).sequenceGpuTest = api;
