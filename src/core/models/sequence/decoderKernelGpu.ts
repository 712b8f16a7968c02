/**
 * The decoder's softmax cross-entropy over one chunk of logits as WGSL compute programs on tfjs's WebGPU backend,
 * the counterpart of the WASM kernel (decoderKernel.ts) with its numerics: the row's maximum subtracted before exp,
 * f32 sums, rows of weight 0 adding nothing to the loss. tfjs's ops pass over the [rows × V] chunk a dozen times
 * (bias add, max, subtract, exp, sum, divide, multiply, transpose, a one-hot scatter); here it is three passes: the
 * row statistics (one workgroup per row), the gradient w·(softmax − onehot) written once, and its column sums.
 * The programs run through the backend's own runWebGPUProgram (webgpuPrograms.ts). Other backends keep decoderLoss's
 * tfjs ops or the WASM kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decoderKernelEnabled } from './decoderKernel';
import { rowProgram, webgpuKernelsReady, type GpuProgram, type WebGpuBackendLike } from './webgpuPrograms';

const KERNEL = 'RimwSoftmaxXentGpu';
/** Threads per workgroup: the row kernels' reduction width, and the elementwise kernels' group. */
const WG = 128;
const FLAT_WG = 64;

/**
 * Per row r of X [rows, V] (logits) with bias B [V], target T [rows] and weight W [rows]: (m, Z, x_t, ℓ) with
 * m = max_y (X_ry + B_y), Z = Σ_y e^(X_ry + B_y − m), x_t = X_rt + B_t and ℓ = W_r·(m + log Z − x_t), 0 where W_r = 0.
 */
function rowStats(rows: number): GpuProgram {
  return rowProgram({
    key: 'rimwXentRowStats',
    variableNames: ['X', 'B', 'T', 'W'],
    outputShape: [rows, 4],
    wg: WG,
    shape: 'uniforms.xShape',
    body: /* wgsl */ `
      var mx = -uniforms.INFINITY;
      for (var y = i32(localIndex); y < n; y += ${WG}) { mx = max(mx, X[base + y] + B[y]); }
      let m = groupMax(mx);
      var s = 0.0;
      for (var y = i32(localIndex); y < n; y += ${WG}) { s += exp(X[base + y] + B[y] - m); }
      let z = groupSum(s);
      if (localIndex == 0u && r < rows) {
        let t = T[r];
        let xt = X[base + t] + B[t];
        let w = W[r];
        var l = 0.0;
        if (w != 0.0) { l = w * (m + log(z) - xt); }
        result[4 * r] = m;
        result[4 * r + 1] = z;
        result[4 * r + 2] = xt;
        result[4 * r + 3] = l;
      }`,
  });
}

/**
 * An element-wise program: one invocation per output element (`index`, flat over outputShape), in workgroups of
 * FLAT_WG; `body` runs for the indices inside the output only.
 */
function flatProgram(key: string, variableNames: string[], outputShape: number[], body: string): GpuProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    variableNames,
    outputShape,
    shaderKey: key,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(size / FLAT_WG), 1, 1],
    workgroupSize: [FLAT_WG, 1, 1],
    size: true,
    getUserCode: () => /* wgsl */ `
      fn main(index: i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/** G [rows, V] = W_r·(e^(X_ry + B_y − m_r)/Z_r − [y = T_r]) from the row statistics S [rows, 4]. */
const gradient = (rows: number, v: number): GpuProgram =>
  flatProgram(
    'rimwXentGrad',
    ['X', 'B', 'S', 'T', 'W'],
    [rows, v],
    /* wgsl */ `
          let v = uniforms.xShape.y;
          let r = index / v;
          let y = index - r * v;
          let w = W[r];
          var g = exp(X[index] + B[y] - S[4 * r]) * (w / S[4 * r + 1]);
          if (y == T[r]) { g = g - w; }
          setOutputAtIndex(index, g);`,
  );

/** db [V] = Σ_r G_ry: one invocation per column, reading down it (neighbouring invocations read neighbours). */
const columnSums = (v: number): GpuProgram =>
  flatProgram(
    'rimwXentColSum',
    ['G'],
    [v],
    /* wgsl */ `
          let rows = uniforms.gShape.x;
          let v = uniforms.gShape.y;
          var s = 0.0;
          for (var r = 0; r < rows; r++) { s += G[r * v + index]; }
          setOutputAtIndex(index, s);`,
  );

/** [Σ_r ℓ_r] from the row statistics S [rows, 4], by one workgroup. */
function lossSum(): GpuProgram {
  // One workgroup over S as a whole: rows and n are S's rows and 4.
  return rowProgram({
    key: 'rimwXentLoss',
    variableNames: ['S'],
    outputShape: [1],
    wg: WG,
    shape: 'uniforms.sShape',
    body: /* wgsl */ `
      var s = 0.0;
      for (var k = i32(localIndex); k < rows; k += ${WG}) { s += S[n * k + 3]; }
      let total = groupSum(s);
      if (localIndex == 0u) { result[0] = total; }`,
  });
}

function kernelFunc({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: object }): tf.TensorInfo[] {
  const b = backend as WebGpuBackendLike;
  const [logits, bias, target, weight] = [inputs.logits, inputs.bias, inputs.target, inputs.weight] as tf.TensorInfo[];
  const [rows, v] = logits.shape;
  const stats = b.runWebGPUProgram(rowStats(rows), [logits, bias, target, weight], 'float32');
  try {
    const g = b.runWebGPUProgram(gradient(rows, v), [logits, bias, stats, target, weight], 'float32');
    const db = b.runWebGPUProgram(columnSums(v), [g], 'float32');
    const loss = b.runWebGPUProgram(lossSum(), [stats], 'float32');
    return [g, db, loss];
  } finally {
    b.disposeData(stats.dataId);
  }
}

/** Whether softmaxXentGpu runs on the current backend (tfjs's WebGPU backend, with its program runner). */
export const decoderKernelGpuReady = (): boolean =>
  decoderKernelEnabled() && webgpuKernelsReady({ [KERNEL]: kernelFunc as tf.KernelFunc });

/**
 * For logits L [rows, V] (without the bias), bias [V], targets t [rows] (int32, each in 0..V−1) and row weights w
 * [rows]: g = w·(softmax(L + bias) − onehot(t)) row-wise [rows, V], db = Σ_rows g [V] and the loss
 * Σ_r w_r·(log Σ_y e^(L_ry + b_y) − L_rt − b_t) (a scalar), as the WASM kernel's softmaxXent less gᵀ (WebGPU's
 * matMul reads a transposed operand in place). Only where decoderKernelGpuReady() said true.
 */
export function softmaxXentGpu(
  logits: tf.Tensor2D,
  bias: tf.Tensor1D,
  target: tf.Tensor1D,
  weight: tf.Tensor1D,
): [tf.Tensor2D, tf.Tensor1D, tf.Scalar] {
  const [g, db, loss] = tf.engine().runKernel(KERNEL, { logits, bias, target, weight }, {}) as unknown as [
    tf.Tensor2D,
    tf.Tensor1D,
    tf.Tensor1D,
  ];
  const l = tf.reshape(loss, []) as tf.Scalar;
  loss.dispose();
  return [g, db, l];
}
