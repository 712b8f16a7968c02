/**
 * What the sequence models' WGSL kernels (decoderKernelGpu.ts, attentionKernelGpu.ts) need of tfjs's WebGPU backend:
 * its program runner (tfjs 4.22's runWebGPUProgram, reached as the backend's field so that core imports nothing of
 * tfjs-backend-webgpu), and the WGSL pieces of their row-wise kernels. The backend writes each program's header (the
 * inputs by variableNames, `result`, `uniforms` with every input's shape, and the privates localIndex, workgroupId,
 * numWorkgroups); a program supplies `main`.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The program object runWebGPUProgram takes (tfjs-backend-webgpu's WebGPUProgram, the fields used here). */
export interface GpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size?: boolean;
  /** Fields added to the uniforms struct, given values per run (programDefinedUniform). */
  uniforms?: string;
  getUserCode(): string;
}

export interface GpuUniform {
  type: 'float32' | 'int32';
  data: number[];
}

/** The fields of tfjs-backend-webgpu's WebGPUBackend used here. */
export interface WebGpuBackendLike {
  runWebGPUProgram(
    program: GpuProgram,
    inputs: tf.TensorInfo[],
    dtype: 'float32',
    uniforms?: GpuUniform[],
  ): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/**
 * Whether the current backend is tfjs's WebGPU backend with its program runner; registers `kernels` (name →
 * kernel function) there on the first call.
 */
export function webgpuKernelsReady(kernels: Record<string, tf.KernelFunc>): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const b = tf.backend() as unknown as Partial<WebGpuBackendLike>;
  if (typeof b.runWebGPUProgram !== 'function' || typeof b.disposeData !== 'function') return false;
  for (const [kernelName, kernelFunc] of Object.entries(kernels))
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  return true;
}

/**
 * A row kernel: one workgroup of `wg` invocations per row of the [rows, n] matrix whose shape is `shape` (a uniforms
 * field, e.g. 'uniforms.xShape'), the output `outputShape`. `body` sees rows, n, r (the workgroup's row: rows or more
 * in a surplus workgroup, which must write nothing), base (the flat index of row min(r, rows − 1)) and the tree
 * reductions groupMax and groupSum, which every invocation must reach.
 */
export function rowProgram(p: {
  key: string;
  variableNames: string[];
  outputShape: number[];
  wg: number;
  shape: string;
  uniforms?: string;
  body: string;
}): GpuProgram {
  return {
    variableNames: p.variableNames,
    outputShape: p.outputShape,
    shaderKey: p.key,
    dispatchLayout: { x: [0] },
    dispatch: [p.outputShape[0], 1, 1],
    workgroupSize: [p.wg, 1, 1],
    uniforms: p.uniforms,
    getUserCode: () => /* wgsl */ `
      ${groupReductions(p.wg)}
      fn main(index: i32) {
        let rows = ${p.shape}.x;
        let n = ${p.shape}.y;
        // The backend spreads a dispatch of over 65,535 groups over y and z.
        let r = i32((workgroupId.z * numWorkgroups.y + workgroupId.y) * numWorkgroups.x + workgroupId.x);
        let base = min(r, rows - 1) * n;
        ${p.body}
      }`,
  };
}

/** Tree reductions over a workgroup of `wg` (a power of 2) invocations; every invocation must call them. */
const groupReductions = (wg: number): string => /* wgsl */ `
  var<workgroup> part: array<f32, ${wg}>;
  fn groupMax(v: f32) -> f32 {
    part[localIndex] = v;
    workgroupBarrier();
    for (var k = ${wg / 2}u; k > 0u; k >>= 1u) {
      if (localIndex < k) { part[localIndex] = max(part[localIndex], part[localIndex + k]); }
      workgroupBarrier();
    }
    let r = part[0];
    workgroupBarrier();
    return r;
  }
  fn groupSum(v: f32) -> f32 {
    part[localIndex] = v;
    workgroupBarrier();
    for (var k = ${wg / 2}u; k > 0u; k >>= 1u) {
      if (localIndex < k) { part[localIndex] = part[localIndex] + part[localIndex + k]; }
      workgroupBarrier();
    }
    let r = part[0];
    workgroupBarrier();
    return r;
  }`;
