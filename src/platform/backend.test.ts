import { describe, expect, it } from 'vitest';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { pickBackend } from './backend';

const wasmDir = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;

describe('pickBackend', () => {
  it('skips WebGPU and WebGL in Node with reasons and confirms WASM against the CPU self-test', async () => {
    const c = await pickBackend({ wasmPaths: wasmDir });
    expect(c.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(c.skipped.map((s) => s.backend)).toEqual(['webgpu', 'webgl']);
    expect(c.selfTestDiff).toBeLessThan(1e-3);
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
