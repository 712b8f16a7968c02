import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openBundle } from '../src/testing/pageBundle';
import { plainNll, randNormal, xentReference } from '../src/core/models/sequence/testing.fixtures';
import type { Backend, DecoderCase, DecoderOutcome, XentCase, XentOutcome } from './decoderGpu.page';

// The decoder's softmax cross-entropy as WGSL programs on tfjs's WebGPU backend (core/models/sequence/
// decoderKernelGpu.ts) on this browser's adapter (SwiftShader here): against a float64 computation, the WASM SIMD
// kernel and tfjs's ops in the same page, alone, inside decoderLoss's gradients, and through a GRU's training.

const call = <T>(page: Page, fn: string, ...args: unknown[]) =>
  page.evaluate(`decoderGpuTest.${fn}(${args.map((a) => JSON.stringify(a)).join(',')})`) as Promise<T>;
const xent = (page: Page, c: XentCase, b: Backend) => call<XentOutcome>(page, 'xent', c, b);
const decoder = (page: Page, c: DecoderCase, b: Backend, kernel: boolean) =>
  call<DecoderOutcome>(page, 'decoder', c, b, kernel);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};
const maxAbs = (a: ArrayLike<number>) => maxDiff(a, new Float64Array(a.length));

test.beforeEach(async ({ page }) => {
  await openBundle(page, join(import.meta.dirname, 'decoderGpu.page.ts'));
  const hasGpu = await page.evaluate('!!navigator.gpu && navigator.gpu.requestAdapter().then((a) => !!a)');
  test.skip(!hasGpu, 'this browser offers no WebGPU adapter');
});

test('the WGSL kernel gives the float64 softmax cross-entropy and the WASM kernel’s, chunk by chunk', async ({
  page,
}) => {
  // Shapes around the kernels' workgroups (128 per row, 64 per element): one column, fewer columns and rows than a
  // workgroup, more of both, and the decoder's vocabulary (3,707 items) over more rows than a workgroup.
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [17, 37],
    [37, 130],
    [130, 3707],
  ];
  for (const [rows, v] of shapes) {
    const seed = rows * 1000 + v;
    // Logits spread ±20 around 50 (the max is subtracted before exp); row 1 spans −100 .. 80 (e^x over it would
    // overflow f32 without the subtraction); row 2 weighs 0 (padding: adds nothing to loss, gradient or db).
    const L = randNormal(rows * v, seed).map((x) => 50 + 20 * x);
    if (rows > 2) for (let y = 0; y < v; y++) L[v + y] = -100 + (180 * y) / Math.max(1, v - 1);
    const bias = randNormal(v, seed + 1);
    const t = Int32Array.from({ length: rows }, (_, r) => (r * 7 + 3) % v);
    const w = Float32Array.from({ length: rows }, (_, r) => (r === 2 ? 0 : 0.5 + (r % 3) / 4));
    const c: XentCase = { logits: [...L], bias: [...bias], target: [...t], weight: [...w], rows, v };
    const gpu = await xent(page, c, 'webgpu');
    const wasm = await xent(page, c, 'wasm');
    const ref = xentReference(L, bias, t, w, rows, v);
    const what = `${rows} × ${v}`;
    // Each gradient entry is w·(p − [y = t]) with w ≤ 1: WGSL's exp is good to 3 + 2|x| ulp, so an entry p = e^x/Z
    // is off by at most ~(3p + 2·p·|x|)·6e-8 ≤ 3e-7 however far below the maximum x lies.
    expect(maxDiff(gpu.g, ref.g), what).toBeLessThan(1e-6);
    expect(maxDiff(gpu.g, wasm.g), what).toBeLessThan(1e-6);
    // db sums `rows` such entries (up to 130 here); the loss, w·(lse − x_t) summed over rows, in f32.
    expect(maxDiff(gpu.db, ref.db), what).toBeLessThan(1e-6 * rows + 1e-6);
    expect(maxDiff(gpu.db, wasm.db), what).toBeLessThan(1e-6 * rows + 1e-6);
    expect(Math.abs(gpu.loss - ref.loss), what).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.loss)));
    expect(Math.abs(gpu.loss - wasm.loss), what).toBeLessThan(1e-6 * Math.max(1, Math.abs(ref.loss)));
    // Not vacuous: a loss of about ln V per unit weight on the random rows, and the padding row's gradient is 0.
    if (rows > 2) {
      expect(ref.loss).toBeGreaterThan(1);
      expect(maxAbs(gpu.g.slice(2 * v, 3 * v))).toBe(0);
    }
  }
});

test('decoderLoss on WebGPU with the kernel: the tfjs ops’ loss and gradients, the WASM kernel’s, the plain NLL', async ({
  page,
}) => {
  // 300 rows (a third padding) in chunks of 128, D = 16, V = 301: the chunking, the padding's gather and scatter.
  const [n, d, v] = [300, 16, 301];
  const h = randNormal(n * d, 4);
  const e = randNormal(v * d, 5).map((x) => 0.5 * x);
  const b = randNormal(v, 6);
  const target = Array.from({ length: n }, (_, i) => (i % 3 === 2 ? 0 : 1 + ((i * 37) % (v - 1))));
  const c: DecoderCase = { h: [...h], e: [...e], b: [...b], target, d, chunk: 128 };
  const kernel = await decoder(page, c, 'webgpu', true);
  const ops = await decoder(page, c, 'webgpu', false);
  const wasm = await decoder(page, c, 'wasm', true);
  // The paths were the ones named: the WGSL kernel ran in the first, not in the second.
  expect(kernel.kernels).toContain('RimwSoftmaxXentGpu');
  expect(ops.kernels).not.toContain('RimwSoftmaxXentGpu');
  const nll = plainNll(h, e, b, target, d);
  // The mean NLL (about ln 301): f32 on both sides, relative 1e-6.
  for (const [got, name] of [
    [kernel, 'kernel'],
    [ops, 'ops'],
    [wasm, 'wasm'],
  ] as const)
    expect(Math.abs(got.loss - nll), name).toBeLessThan(1e-6 * nll);
  ['h', 'E', 'b'].forEach((name, k) => {
    // Gradients to 1e-4 of their largest entry (~1e-3): matMul orders differ between the paths.
    const scale = maxAbs(ops.grads[k]);
    expect(scale, name).toBeGreaterThan(1e-4);
    expect(maxDiff(kernel.grads[k], ops.grads[k]), `∂/∂${name}, kernel vs ops`).toBeLessThan(1e-4 * scale);
    expect(maxDiff(kernel.grads[k], wasm.grads[k]), `∂/∂${name}, kernel vs WASM`).toBeLessThan(1e-4 * scale);
  });
});

test('a GRU trains on WebGPU with the kernel to the losses of the tfjs ops and of WASM', async ({ page }) => {
  const kernel = await call<number[]>(page, 'fit', 'webgpu', true);
  const ops = await call<number[]>(page, 'fit', 'webgpu', false);
  const wasm = await call<number[]>(page, 'fit', 'wasm', true);
  expect(kernel).toHaveLength(2);
  // The first epoch's loss, then the loss after one step: the step used the kernel's gradients.
  kernel.forEach((l, i) => {
    expect(Math.abs(l - ops[i]), `epoch ${i + 1}, kernel vs ops`).toBeLessThan(1e-4 * ops[i]);
    expect(Math.abs(l - wasm[i]), `epoch ${i + 1}, kernel vs WASM`).toBeLessThan(1e-4 * wasm[i]);
  });
  // Near ln 40 at the start, and the step moved it.
  expect(kernel[0]).toBeGreaterThan(3);
  expect(kernel[1]).not.toBe(kernel[0]);
});
