import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openBundle } from '../src/testing/pageBundle';
import { createRng } from '../src/core/util/rng';
import type { PassCase, PassOutcome, SolveCase, SolveOutcome } from './gpuPass.page';

// The planner's pass as WebGPU compute shaders (workers/gpuPass.ts) on this browser's adapter (SwiftShader here,
// asked for by name), against closed-form sums and against the CPU pass; and the engine's choice when not asked.

const run = (page: Page, c: PassCase) => page.evaluate(`gpuPassTest.run(${JSON.stringify(c)})`) as Promise<PassOutcome>;
const solve = (page: Page, c: SolveCase) =>
  page.evaluate(`gpuPassTest.solve(${JSON.stringify(c)})`) as Promise<{ engine: SolveOutcome; cpu: SolveOutcome }>;

const sigmoid = (z: number) => (z > 20 ? 1 : z <= -20 ? 0 : 1 / (1 + Math.exp(-z)));

/** |got − want| within `rel` of max(1, |want|) for every entry. */
function expectClose(got: number[], want: number[], rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]) / Math.max(1, Math.abs(want[i]))));
  expect(worst, what).toBeLessThan(rel);
}

test.beforeEach(async ({ page }) => {
  await openBundle(page, join(import.meta.dirname, 'gpuPass.page.ts'));
  const hasGpu = await page.evaluate('!!navigator.gpu && navigator.gpu.requestAdapter().then((a) => !!a)');
  test.skip(!hasGpu, 'this browser offers no WebGPU adapter');
});

test('the WebGPU pass gives the closed-form row and column sums of sigmoid((λ − u − v)/ε)', async ({ page }) => {
  // 150 rows (three column chunks of 64) × 300 columns (more than one workgroup's stride); every logit z is one of
  // six known values, so each π is known: 1/2, 3/4, 1/4, sigmoid(2), and 0 and 1 beyond the cut-off.
  const rows = 150;
  const cols = 300;
  const eps = 0.5;
  const Z = [0, Math.log(3), -Math.log(3), 2, -30, 30];
  const u = Array.from({ length: rows }, (_, x) => 0.01 * x);
  const v = Array.from({ length: cols }, (_, y) => -0.002 * y);
  const z = (x: number, y: number) => Z[(7 * x + y) % Z.length];
  const lambda: number[] = [];
  const rowWant = new Array<number>(rows).fill(0);
  const colWant = new Array<number>(cols).fill(0);
  const rowSlope = new Array<number>(rows).fill(0);
  const colSlope = new Array<number>(cols).fill(0);
  for (let x = 0; x < rows; x++)
    for (let y = 0; y < cols; y++) {
      lambda.push(u[x] + v[y] + eps * z(x, y));
      const q = sigmoid(z(x, y));
      rowWant[x] += q;
      colWant[y] += q;
      rowSlope[x] += q * (1 - q);
      colSlope[y] += q * (1 - q);
    }
  const got = await run(page, { lambda, rows, cols, u, v, eps, opts: { order: ['webgpu'], software: true } });
  expect(got.backend, got.reason).toBe('webgpu');
  // f32 on the GPU: λ rounded to f32 moves z by ~1e-7/ε, sums of 300 terms by ~1e-5.
  expectClose(got.rowSum, rowWant, 1e-5, 'row sums');
  expectClose(got.colSum, colWant, 1e-5, 'column sums');
  // Σπ(1 − π), the root finds' slope: 1 − π in f32 loses more where π is near 1 (sigmoid(2), and the cut-off's 1).
  expectClose(got.rowSlope, rowSlope, 1e-4, 'row slopes');
  expectClose(got.colSlope, colSlope, 1e-4, 'column slopes');
});

test('the WebGPU pass matches the CPU pass on a random matrix; unasked, a software adapter is passed over', async ({
  page,
}) => {
  const rng = createRng(7);
  const rows = 130;
  const cols = 700;
  const lambda = Array.from({ length: rows * cols }, () => rng.next());
  const u = Array.from({ length: rows }, () => 0.3 + 0.3 * rng.next());
  const v = Array.from({ length: cols }, () => -0.2 * rng.next());
  const c = { lambda, rows, cols, u, v, eps: 0.05 };
  const gpu = await run(page, { ...c, opts: { order: ['webgpu'], software: true } });
  const cpu = await run(page, { ...c, opts: { order: ['wasm'] } });
  expect(gpu.backend, gpu.reason).toBe('webgpu');
  expect(cpu.backend).toBe('cpu');
  expect(cpu.reason).toBe('WebGPU was not asked for');
  expectClose(gpu.rowSum, cpu.rowSum, 1e-5, 'row sums');
  expectClose(gpu.colSum, cpu.colSum, 1e-5, 'column sums');
  expectClose(gpu.rowSlope, cpu.rowSlope, 1e-4, 'row slopes');
  expectClose(gpu.colSlope, cpu.colSlope, 1e-4, 'column slopes');
  // Not all 0 or all 1: the comparison covers the sigmoid's slope.
  expect(Math.min(...cpu.rowSum)).toBeGreaterThan(1);
  expect(Math.max(...cpu.rowSum)).toBeLessThan(cols - 1);

  const auto = await run(page, { ...c, opts: {} });
  if (/swiftshader|llvmpipe|lavapipe/i.test(gpu.adapter ?? '')) {
    expect(auto.backend).toBe('cpu');
    expect(auto.reason).toContain('only a software adapter');
  } else expect(auto.backend).toBe('webgpu');
  expectClose(auto.rowSum, cpu.rowSum, 1e-5, 'row sums, engine of choice');
});

test('the offline Dual on the WebGPU pass ends at the CPU solve’s v and item exposures', async ({ page }) => {
  // The planner's synthetic world, small: 60 users × 40 items, minimal exposure β, and a cap β' on another.
  for (const settings of [
    { alpha: 0.1, beta: 0.05 },
    { alpha: 0.2, beta: 0, betaMax: 0.3 },
  ]) {
    const c = { rows: 60, cols: 40, seed: 3, settings, opts: { order: ['webgpu'], software: true } };
    const { engine, cpu } = await solve(page, c);
    const what = JSON.stringify(settings);
    expect(engine.backend, engine.reason).toBe('webgpu');
    expect(engine.passes, what).toBeGreaterThan(10);
    // Tolerance: v within 1% of max λ (the root finds stop at 0.1% of their targets, and the GPU pass is f32); item
    // exposures within 2 users; the objective within 1%.
    const dv = Math.max(...engine.v.map((x, y) => Math.abs(x - cpu.v[y])));
    expect(dv / cpu.maxScore, what).toBeLessThan(0.01);
    const de = Math.max(...engine.exposure.map((x, y) => Math.abs(x - cpu.exposure[y])));
    expect(de, what).toBeLessThanOrEqual(2);
    expect(Math.abs(engine.objective - cpu.objective) / cpu.objective, what).toBeLessThan(0.01);
    // The constraint bit: some items were boosted (v < 0) or capped (v > 0).
    expect(
      cpu.v.some((x) => x !== 0),
      what,
    ).toBe(true);
  }
});
