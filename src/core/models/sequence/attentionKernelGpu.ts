/**
 * The causal attention's scaled softmax, P = softmax over j ≤ t of S_tj·scale (0 for j > t), and its gradient
 * dS = P ⊙ (dP − Σ_j P dP)·scale, each as one WGSL program on tfjs's WebGPU backend (one workgroup per row of S, the
 * row's maximum subtracted before exp, f32 sums). tfjs's ops take a scale, a mask add and a softmax forward, and
 * autodiff's five passes back, each over the [B, heads, T, T] scores; the matMuls around it stay tfjs's. Used by
 * attention.ts's causalAttentionOps, the WebGPU path (the other backends run the JS kernel there).
 */
import * as tf from '@tensorflow/tfjs-core';
import { rowProgram, webgpuKernelsReady, type GpuProgram, type WebGpuBackendLike } from './webgpuPrograms';

const FORWARD = 'RimwCausalSoftmaxGpu';
const BACKWARD = 'RimwCausalSoftmaxGradGpu';
/** Threads per row (sequences are up to a few hundred positions). */
const WG = 64;

let enabled = true;

/** Whether causalAttentionOps may use the kernel on WebGPU (default true); benches and tests turn it off. */
export function setAttentionKernel(on: boolean): void {
  enabled = on;
}

/** A row kernel over [rows, T] whose row r is position t = r mod T of its sequence (it sees positions j ≤ t). */
const causalRows = (key: string, variableNames: string[], rows: number, T: number, body: string): GpuProgram =>
  rowProgram({
    key,
    variableNames,
    outputShape: [rows, T],
    wg: WG,
    shape: 'uniforms.outShape',
    uniforms: 'scale : f32,',
    body: `let t = min(r, rows - 1) % n;\n${body}`,
  });

/** P from S: the masked entries (j > t) are exactly 0. */
const forwardBody = /* wgsl */ `
  var mx = -uniforms.INFINITY;
  for (var j = i32(localIndex); j <= t; j += ${WG}) { mx = max(mx, S[base + j] * uniforms.scale); }
  let m = groupMax(mx);
  var s = 0.0;
  for (var j = i32(localIndex); j <= t; j += ${WG}) { s += exp(S[base + j] * uniforms.scale - m); }
  let z = groupSum(s);
  if (r < rows) {
    for (var j = i32(localIndex); j < n; j += ${WG}) {
      var p = 0.0;
      if (j <= t) { p = exp(S[base + j] * uniforms.scale - m) / z; }
      result[base + j] = p;
    }
  }`;

/** dS from P and the upstream dP (D): 0 where masked. */
const backwardBody = /* wgsl */ `
  var s = 0.0;
  for (var j = i32(localIndex); j <= t; j += ${WG}) { s += P[base + j] * D[base + j]; }
  let sigma = groupSum(s);
  if (r < rows) {
    for (var j = i32(localIndex); j < n; j += ${WG}) {
      var g = 0.0;
      if (j <= t) { g = P[base + j] * (D[base + j] - sigma) * uniforms.scale; }
      result[base + j] = g;
    }
  }`;

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: object; attrs: { scale: number } };

function forward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const s = inputs.s as tf.TensorInfo;
  const [rows, T] = s.shape;
  return (backend as WebGpuBackendLike).runWebGPUProgram(
    causalRows('rimwCausalSoftmax', ['S'], rows, T, forwardBody),
    [s],
    'float32',
    [{ type: 'float32', data: [attrs.scale] }],
  );
}

function backward({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const [p, dp] = [inputs.p, inputs.dp] as tf.TensorInfo[];
  const [rows, T] = p.shape;
  return (backend as WebGpuBackendLike).runWebGPUProgram(
    causalRows('rimwCausalSoftmaxGrad', ['P', 'D'], rows, T, backwardBody),
    [p, dp],
    'float32',
    [{ type: 'float32', data: [attrs.scale] }],
  );
}

/** Whether causalSoftmaxGpu runs on the current backend (tfjs's WebGPU backend, with its program runner). */
export const attentionKernelGpuReady = (): boolean =>
  enabled &&
  webgpuKernelsReady({
    [FORWARD]: forward as unknown as tf.KernelFunc,
    [BACKWARD]: backward as unknown as tf.KernelFunc,
  });

/**
 * s [..., T, T] (the scores Q Kᵀ of each sequence and head) → P [..., T, T], P_tj = softmax_{j ≤ t}(s_tj·scale), 0
 * for j > t; differentiable. Only where attentionKernelGpuReady() said true.
 */
export function causalSoftmaxGpu(s: tf.Tensor, scale: number): tf.Tensor {
  const T = s.shape[s.rank - 1];
  const run = (name: string, inputs: tf.NamedTensorMap) =>
    tf.engine().runKernel(name, inputs, { scale } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const f = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const p = tf.reshape(run(FORWARD, { s: tf.reshape(x, [-1, T]) }), x.shape);
    save([p]);
    return {
      value: p,
      gradFunc: (dy: tf.Tensor, [pp]: tf.Tensor[]) =>
        tf.reshape(run(BACKWARD, { p: tf.reshape(pp, [-1, T]), dp: tf.reshape(dy, [-1, T]) }), pp.shape),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(s);
}
