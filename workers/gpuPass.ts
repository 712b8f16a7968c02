/// <reference types="@webgpu/types" />
/**
 * The planner's pass (row and column sums of π = sigmoid((λ − u − v)/ε), eq. 12, and of π(1 − π), the slope of the
 * root finds of eq. 13; with the CPU pass's logit cut-off: core/planner/dualPassed.ts softSums) as WebGPU compute
 * shaders, for the planner's worker side (core/planner/dualPassed.ts runs the Dual on it). Raw WebGPU rather than
 * tfjs ops: tfjs would materialise the rows × cols π matrix (and its intermediates) on every pass, where the shaders
 * read λ once and write only the sums. λ is uploaded once per matrix and stays on the GPU; each pass uploads u and v
 * (as f32) and reads both sums back.
 *
 * Which engine runs follows the backend ladder's rule (src/platform/backend.ts): the GPU's adapter when WebGPU is a
 * rung asked for and the adapter is hardware; a software adapter (SwiftShader) only when asked for by name
 * (`software: true`), since the CPU pass is far faster than an emulated GPU. Otherwise, and when the matrix exceeds
 * the device's buffer limits, the CPU pass, with the reason.
 */
import { ZCUT } from '../src/core/planner/kernels';
import { softSums, type SoftSums } from '../src/core/planner/dualPassed';
import { adapterFacts, adapterName, isSoftwareAdapter, softwareReason } from '../src/platform/gpuInfo';
import { BACKEND_LADDER } from '../src/platform/ladder';

export interface PassEngine {
  backend: 'webgpu' | 'cpu';
  /** The WebGPU adapter's name when it runs there. */
  adapter?: string;
  /** Why WebGPU was passed over (cpu only). */
  reason?: string;
  /** Row and column sums of π and of π(1 − π) for these u, v and ε (raw score units). */
  pass(u: Float64Array, v: Float64Array, eps: number, out: SoftSums): Promise<void>;
  dispose(): void;
}

export interface PassEngineOptions {
  /** Rungs allowed, best first (default: the ladder); WebGPU is used only when listed. */
  order?: readonly string[];
  /** Whether a software adapter may run it (default false: passed over, as the page's "auto" does). */
  software?: boolean;
}

/** Threads per workgroup of every kernel (and the row kernel's reduction width). */
const WG = 256;
/** Rows one column-kernel invocation sums (its partial sums are then added up per column). */
const ROWS_PER_CHUNK = 64;
/** Largest workgroup count along one dispatch dimension (WebGPU's default limit). */
const MAX_GRID = 65_535;

const SHADER = /* wgsl */ `
struct Params { rows: u32, cols: u32, inv: f32, zcut: f32, chunk: u32, chunks: u32, gridX: u32, pad: u32 }
@group(0) @binding(0) var<storage, read> lam: array<f32>;
@group(0) @binding(1) var<storage, read> u: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read_write> sums: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> colPart: array<vec2f>;
@group(0) @binding(5) var<uniform> p: Params;

// (pi, pi (1 - pi)) with the CPU pass's cut-off: 0 at z <= -Z (no exp), 1 above Z.
fn pi(x: u32, y: u32) -> vec2f {
  let z = (lam[x * p.cols + y] - u[x] - v[y]) * p.inv;
  if (z <= -p.zcut) { return vec2f(0.0, 0.0); }
  if (z > p.zcut) { return vec2f(1.0, 0.0); }
  let q = 1.0 / (1.0 + exp(-z));
  return vec2f(q, q * (1.0 - q));
}

var<workgroup> part: array<vec2f, ${WG}>;

// One workgroup per row: strided partial sums, then a tree reduction. sums[0..rows) are the rows' (sum, slope).
@compute @workgroup_size(${WG})
fn rowSums(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) i: u32) {
  let x = wg.y * p.gridX + wg.x;
  var s = vec2f(0.0, 0.0);
  if (x < p.rows) {
    for (var y = i; y < p.cols; y += ${WG}u) { s += pi(x, y); }
  }
  part[i] = s;
  workgroupBarrier();
  for (var k = ${WG / 2}u; k > 0u; k >>= 1u) {
    if (i < k) { part[i] += part[i + k]; }
    workgroupBarrier();
  }
  if (i == 0u && x < p.rows) { sums[x] = part[0]; }
}

// One invocation per (column, chunk of rows): neighbouring invocations read neighbouring columns of a row.
@compute @workgroup_size(${WG})
fn colChunks(@builtin(global_invocation_id) g: vec3u) {
  let y = g.x;
  if (y >= p.cols) { return; }
  let x0 = g.y * p.chunk;
  let x1 = min(p.rows, x0 + p.chunk);
  var s = vec2f(0.0, 0.0);
  for (var x = x0; x < x1; x++) { s += pi(x, y); }
  colPart[g.y * p.cols + y] = s;
}

// The chunks' partial sums per column: sums[rows + y].
@compute @workgroup_size(${WG})
fn colSums(@builtin(global_invocation_id) g: vec3u) {
  let y = g.x;
  if (y >= p.cols) { return; }
  var s = vec2f(0.0, 0.0);
  for (var c = 0u; c < p.chunks; c++) { s += colPart[c * p.cols + y]; }
  sums[p.rows + y] = s;
}
`;

/** The engine for `lambda` (rows × cols, row-major): WebGPU where the rule above allows it, else the CPU pass. */
export async function passEngine(
  lambda: Float32Array,
  rows: number,
  cols: number,
  opts: PassEngineOptions = {},
): Promise<PassEngine> {
  const cpu = (reason: string): PassEngine => ({
    backend: 'cpu',
    reason,
    pass: async (u, v, eps, out) => softSums(lambda, rows, cols, u, v, eps, out),
    dispose: () => undefined,
  });
  if (!(opts.order ?? BACKEND_LADDER).includes('webgpu')) return cpu('WebGPU was not asked for');
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return cpu('navigator.gpu is not available');
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return cpu('no WebGPU adapter');
  const facts = adapterFacts(adapter);
  const name = adapterName(facts);
  if (isSoftwareAdapter(facts) && !opts.software) return cpu(softwareReason(name));
  const bytes = lambda.byteLength;
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  if (bytes > Math.min(maxStorageBufferBindingSize, maxBufferSize))
    return cpu(
      `the ${rows} × ${cols} matrix exceeds the adapter's buffer limit (${maxStorageBufferBindingSize} bytes)`,
    );
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize, maxBufferSize },
  });
  return { backend: 'webgpu', adapter: name, ...gpuPass(device, lambda, rows, cols) };
}

/** The shaders' pass over `lambda` on `device` (λ uploaded now; the device is destroyed by dispose). */
function gpuPass(device: GPUDevice, lambda: Float32Array, rows: number, cols: number) {
  const chunk = Math.max(ROWS_PER_CHUNK, Math.ceil(rows / MAX_GRID));
  const chunks = Math.ceil(rows / chunk);
  const gridX = Math.min(rows, MAX_GRID);
  const S = GPUBufferUsage.STORAGE;
  const buffer = (size: number, usage: number) => device.createBuffer({ size: Math.max(16, size * 4), usage });
  const lam = buffer(lambda.length, S | GPUBufferUsage.COPY_DST);
  device.queue.writeBuffer(lam, 0, lambda.buffer, lambda.byteOffset, lambda.byteLength);
  const u = buffer(rows, S | GPUBufferUsage.COPY_DST);
  const v = buffer(cols, S | GPUBufferUsage.COPY_DST);
  const sums = buffer(2 * (rows + cols), S | GPUBufferUsage.COPY_SRC);
  const colPart = buffer(2 * chunks * cols, S);
  const params = device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const read = buffer(2 * (rows + cols), GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

  const module = device.createShaderModule({ code: SHADER });
  const storage = (type: GPUBufferBindingType): GPUBufferBindingLayout => ({ type });
  const layout = device.createBindGroupLayout({
    entries: [
      storage('read-only-storage'),
      storage('read-only-storage'),
      storage('read-only-storage'),
      storage('storage'),
      storage('storage'),
      storage('uniform'),
    ].map((b, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: b })),
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipeline = (entryPoint: string) =>
    device.createComputePipeline({ layout: pipelineLayout, compute: { module, entryPoint } });
  const rowSums = pipeline('rowSums');
  const colChunks = pipeline('colChunks');
  const colSums = pipeline('colSums');
  const group = device.createBindGroup({
    layout,
    entries: [lam, u, v, sums, colPart, params].map((b, binding) => ({ binding, resource: { buffer: b } })),
  });

  return {
    async pass(uIn: Float64Array, vIn: Float64Array, eps: number, o: SoftSums) {
      device.queue.writeBuffer(u, 0, Float32Array.from(uIn));
      device.queue.writeBuffer(v, 0, Float32Array.from(vIn));
      const p = new ArrayBuffer(32);
      new Uint32Array(p, 0, 2).set([rows, cols]);
      new Float32Array(p, 8, 2).set([1 / eps, ZCUT]);
      new Uint32Array(p, 16, 4).set([chunk, chunks, gridX, 0]);
      device.queue.writeBuffer(params, 0, p);
      const enc = device.createCommandEncoder();
      const run = (pl: GPUComputePipeline, x: number, y: number) => {
        const c = enc.beginComputePass();
        c.setPipeline(pl);
        c.setBindGroup(0, group);
        c.dispatchWorkgroups(x, y);
        c.end();
      };
      run(rowSums, gridX, Math.ceil(rows / gridX));
      run(colChunks, Math.ceil(cols / WG), chunks);
      run(colSums, Math.ceil(cols / WG), 1);
      enc.copyBufferToBuffer(sums, 0, read, 0, 2 * (rows + cols) * 4);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(read.getMappedRange(), 0, 2 * (rows + cols));
      for (let x = 0; x < rows; x++) {
        o.rowSum[x] = out[2 * x];
        o.rowSlope[x] = out[2 * x + 1];
      }
      for (let y = 0; y < cols; y++) {
        o.colSum[y] = out[2 * (rows + y)];
        o.colSlope[y] = out[2 * (rows + y) + 1];
      }
      read.unmap();
    },
    dispose: () => device.destroy(),
  };
}
