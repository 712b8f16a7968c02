import { afterEach, describe, expect, it, vi } from 'vitest';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { defaultWasmThreads, pickBackend } from './backend';

const wasmDir = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;

describe('pickBackend', () => {
  it('skips WebGPU and WebGL in Node with reasons and confirms WASM against the CPU self-test', async () => {
    const c = await pickBackend({ wasmPaths: wasmDir });
    expect(c.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(c.skipped.map((s) => s.backend)).toEqual(['webgpu', 'webgl']);
    expect(c.selfTestDiff).toBeLessThan(1e-3);
    // Node has no threaded WASM in tfjs (it reports no multithread support there): one thread.
    expect(c.threads).toBe(1);
    await tf.setBackend('cpu');
  });

  it('passes over a backend whose kernels fail and falls back to CPU', async () => {
    // A backend with no kernels registered: every op throws during the self-test.
    tf.registerBackend('broken', () => new MathBackendCPU(), 0);
    const c = await pickBackend({ order: ['broken', 'wasm'] });
    expect(c.backend).toBe('cpu');
    expect(c.skipped[0].backend).toBe('broken');
    expect(c.skipped[0].reason).toMatch(/self-test failed/);
    expect(c.skipped[1].reason).toMatch(/no local WASM/);
    tf.removeBackend('broken');
  });
});

describe('defaultWasmThreads', () => {
  afterEach(() => vi.unstubAllGlobals());
  const withCores = (n: number | undefined) => {
    vi.stubGlobal('navigator', n === undefined ? undefined : { hardwareConcurrency: n });
    return defaultWasmThreads();
  };

  it("is tfjs's pool size: half the logical cores, at least 1, at most 8", () => {
    expect([1, 2, 3, 4, 12, 16, 32].map(withCores)).toEqual([1, 1, 1, 2, 6, 8, 8]);
  });

  it('leaves the count to tfjs where the host does not say how many cores it has', () => {
    expect(withCores(undefined)).toBeUndefined();
    expect(withCores(0)).toBeUndefined();
  });
});
