import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openBundle } from '../src/testing/pageBundle';
import { attentionReference, plainNll, randNormal, xentReference } from '../src/core/models/sequence/testing.fixtures';
import type {
  AttentionCase,
  Backend,
  DecoderCase,
  DecoderOutcome,
  GradOutcome,
  SoftmaxCase,
  XentCase,
  XentOutcome,
} from './sequenceGpu.page';

// The sequence models' WGSL kernels on tfjs's WebGPU backend on this browser's adapter (SwiftShader here): the
// decoder's softmax cross-entropy (core/models/sequence/decoderKernelGpu.ts) and the attention's causal softmax
// (attentionKernelGpu.ts), against float64 computations, the WASM backend's kernels and tfjs's ops in the same page,
// alone, inside the gradients of decoderLoss and of the attention, and through a GRU's and a Transformer's training.

const call = <T>(page: Page, fn: string, ...args: unknown[]) =>
  page.evaluate(`sequenceGpuTest.${fn}(${args.map((a) => JSON.stringify(a)).join(',')})`) as Promise<T>;
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
  await openBundle(page, join(import.meta.dirname, 'sequenceGpu.page.ts'));
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

test('the WGSL causal softmax gives the float64 softmax over j ≤ t and its gradient', async ({ page }) => {
  // 2 × 3 score matrices of 70 × 70 (more positions than the kernel's 64 threads a row), spread ±30 so that exp
  // without the maximum subtracted would lose the small entries, and an upstream gradient dp.
  const [n, T, scale] = [6, 70, 0.35];
  const s = randNormal(n * T * T, 8).map((x) => 30 * x);
  const dp = randNormal(n * T * T, 9);
  const got = await call<GradOutcome>(page, 'causalSoftmax', {
    s: [...s],
    shape: [2, 3, T, T],
    scale,
    dp: [...dp],
  } satisfies SoftmaxCase);
  expect(got.kernels).toEqual(expect.arrayContaining(['RimwCausalSoftmaxGpu', 'RimwCausalSoftmaxGradGpu']));
  // float64: P_tj = e^(s_tj·scale − m) / Z over j ≤ t; dS_tj = P_tj (dp_tj − Σ_k P_tk dp_tk)·scale; 0 above.
  const p = new Float64Array(n * T * T);
  const ds = new Float64Array(n * T * T);
  for (let row = 0; row < n * T; row++) {
    const t = row % T;
    const at = row * T;
    let m = -Infinity;
    for (let j = 0; j <= t; j++) m = Math.max(m, Math.fround(s[at + j] * scale));
    let z = 0;
    for (let j = 0; j <= t; j++) z += Math.exp(Math.fround(s[at + j] * scale) - m);
    let sigma = 0;
    for (let j = 0; j <= t; j++) {
      p[at + j] = Math.exp(Math.fround(s[at + j] * scale) - m) / z;
      sigma += p[at + j] * dp[at + j];
    }
    for (let j = 0; j <= t; j++) ds[at + j] = p[at + j] * (dp[at + j] - sigma) * scale;
  }
  // P ≤ 1 with WGSL's exp (3 + 2|x| ulp); dS sums up to 70 products of P and dp (|dp| ≲ 4).
  expect(maxDiff(got.out, p)).toBeLessThan(1e-6);
  expect(maxDiff(got.grad, ds)).toBeLessThan(1e-5);
  // Exactly 0 above the diagonal, in value and gradient (row 0 of the first matrix: only j = 0 is seen).
  expect(maxAbs(got.out.slice(1, T))).toBe(0);
  expect(maxAbs(got.grad.slice(1, T))).toBe(0);
  expect(got.out[0]).toBe(1);
  // Not vacuous: the rows spread their weight (their largest P below 1 somewhere) and the gradient is not 0.
  expect(
    Math.min(...Array.from({ length: T }, (_, t) => Math.max(...got.out.slice(t * T, t * T + t + 1)))),
  ).toBeLessThan(0.9);
  expect(maxAbs(ds)).toBeGreaterThan(0.1);
});

test('the attention on WebGPU with the kernel: the float64 attention, tfjs’s ops and the WASM kernel, value and gradient', async ({
  page,
}) => {
  // 3 sequences of up to 20 positions (one of 7, one empty: padding rows give 0 and get gradient 0), 2 heads of 4.
  const [B, T, heads, H] = [3, 20, 2, 8];
  const lengths = [20, 7, 0];
  const qkv = randNormal(B * T * 3 * H, 10).map((x) => 1.5 * x);
  const r = randNormal(B * T * H, 11);
  const c: AttentionCase = { qkv: [...qkv], b: B, t: T, heads, lengths, r: [...r] };
  const kernel = await call<GradOutcome>(page, 'attention', c, 'webgpu', true);
  const ops = await call<GradOutcome>(page, 'attention', c, 'webgpu', false);
  const wasm = await call<GradOutcome>(page, 'attention', c, 'wasm', true);
  expect(kernel.kernels).toContain('RimwCausalSoftmaxGpu');
  expect(kernel.kernels).toContain('RimwCausalSoftmaxGradGpu');
  expect(ops.kernels).not.toContain('RimwCausalSoftmaxGpu');
  const want = attentionReference(qkv, B, T, heads, lengths);
  // Outputs are averages of v entries (|v| ≲ 6): f32 products and sums.
  expect(maxDiff(kernel.out, want)).toBeLessThan(1e-5);
  expect(maxDiff(kernel.out, ops.out)).toBeLessThan(1e-5);
  expect(maxDiff(kernel.out, wasm.out)).toBeLessThan(1e-5);
  // Gradients to 1e-4 of their largest entry: matMul orders differ between the paths.
  const scale = maxAbs(ops.grad);
  expect(scale).toBeGreaterThan(0.1);
  expect(maxDiff(kernel.grad, ops.grad)).toBeLessThan(1e-4 * scale);
  expect(maxDiff(kernel.grad, wasm.grad)).toBeLessThan(1e-4 * scale);
  // The padding rows (sequence 1 from position 7, all of sequence 2): output 0, gradient 0.
  expect(maxAbs(kernel.out.slice((T + 7) * H))).toBe(0);
  expect(maxAbs(kernel.grad.slice((T + 7) * 3 * H))).toBe(0);
});

for (const kind of ['gru', 'transformer'] as const)
  test(`a ${kind === 'gru' ? 'GRU' : 'Transformer'} trains on WebGPU with the kernels to the losses of tfjs’s ops and of WASM`, async ({
    page,
  }) => {
    const kernel = await call<number[]>(page, 'fit', 'webgpu', true, kind);
    const ops = await call<number[]>(page, 'fit', 'webgpu', false, kind);
    const wasm = await call<number[]>(page, 'fit', 'wasm', true, kind);
    expect(kernel).toHaveLength(2);
    // The first epoch's loss, then the loss after one step: the step used the kernels' gradients.
    kernel.forEach((l, i) => {
      expect(Math.abs(l - ops[i]), `epoch ${i + 1}, kernels vs ops`).toBeLessThan(1e-4 * ops[i]);
      expect(Math.abs(l - wasm[i]), `epoch ${i + 1}, kernels vs WASM`).toBeLessThan(1e-4 * wasm[i]);
    });
    // Near ln 40 at the start, and the step moved it.
    expect(kernel[0]).toBeGreaterThan(3);
    expect(kernel[1]).not.toBe(kernel[0]);
  });
