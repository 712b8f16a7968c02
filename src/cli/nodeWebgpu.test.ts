import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { pickBackend } from '../platform/backend';
import { SequenceModel } from '../core/models/sequence/index';
import type { Dataset } from '../core/data/types';
import { createRng } from '../core/util/rng';
import { installNodeWebgpu, uninstallNodeWebgpu } from './nodeWebgpu';

// Needs an adapter: a GPU, or SwiftShader from Debian's chromium with the Vulkan loader (libvulkan1) installed
// (scripts/ensure-chromium.sh installs both when run as root). Without one the tests are skipped and say why.
const gpu = await installNodeWebgpu();
const skipReason = gpu.ok ? '' : ` [skipped: ${gpu.reason}]`;
if (!gpu.ok) console.warn(`nodeWebgpu.test.ts: WebGPU tests skipped: ${gpu.reason}`);

describe('WebGPU in Node (webgpu package, Dawn)', () => {
  afterAll(async () => {
    // Leave the process free to exit: off the WebGPU backend (its dispose releases the buffers), device destroyed,
    // navigator.gpu (Dawn's instance) dropped.
    if (!gpu.ok) return;
    const device = tf.findBackend('webgpu') as unknown as { device?: GPUDevice } | null;
    await tf.setBackend('cpu');
    tf.removeBackend('webgpu');
    device?.device?.destroy();
    uninstallNodeWebgpu();
  });

  it.skipIf(!gpu.ok)(`the ladder's WebGPU rung passes its self-test against CPU${skipReason}`, async () => {
    if (!gpu.ok) return;
    const t0 = Date.now();
    const c = await pickBackend({ order: ['webgpu'] });
    console.warn(
      `WebGPU in Node: ${gpu.data.adapter}${gpu.data.software ? ', software' : ''}; self-test diff ${c.selfTestDiff.toExponential(2)} in ${((Date.now() - t0) / 1000).toFixed(1)} s${c.skipped.length ? `; skipped: ${c.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}` : ''}`,
    );
    expect(c.skipped).toEqual([]);
    expect(c.backend).toBe('webgpu');
    expect(c.selfTestDiff).toBeLessThanOrEqual(1e-3);
    expect(tf.getBackend()).toBe('webgpu');
  });

  it.skipIf(!gpu.ok)(`trains a tiny GRU for a few steps on 'webgpu'${skipReason}`, async () => {
    if (!gpu.ok) return;
    if (tf.getBackend() !== 'webgpu') expect(await tf.setBackend('webgpu')).toBe(true);
    const seqs = [
      [0, 1, 2, 3, 4],
      [2, 3, 4, 5, 0, 1],
      [5, 0, 1],
      [1, 2, 3, 4, 5],
    ];
    const item = Int32Array.from(seqs.flat());
    const userOffsets = Int32Array.from([0, ...seqs.map((_, u) => seqs.slice(0, u + 1).flat().length)]);
    const ds: Dataset = {
      userIds: [],
      itemIds: [],
      user: new Int32Array(0),
      item,
      time: new Float64Array(0),
      userOffsets,
      itemCounts: new Int32Array(6),
      nUsers: seqs.length,
      nItems: 6,
    };
    const before = tf.memory().numTensors;
    const m = SequenceModel.create(
      { kind: 'gru', hidden: 8, layers: 1, maxLen: 8, bptt: 4, batchSize: 2, epochs: 3, validFraction: 0, patience: 0 },
      6,
      1,
    );
    if (!m.ok) throw new Error(m.reason);
    const r = await m.data.fit({ dataset: ds, trainEnd: userOffsets.subarray(1) }, { rng: createRng(1) });
    if (!r.ok) throw new Error(r.reason);
    expect(tf.getBackend()).toBe('webgpu');
    expect(r.data.epochs).toBe(3);
    expect(r.data.trainLoss.every(Number.isFinite)).toBe(true);
    // Uniform over 7 tokens is ln 7 ≈ 1.95 nats; a few steps on a deterministic successor world go below it.
    expect(r.data.trainLoss[2]).toBeLessThan(r.data.trainLoss[0]);
    m.data.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(!gpu.ok)(
    `turns a software adapter into a reason when the caller wants hardware only${skipReason}`,
    async () => {
      if (!gpu.ok) return;
      const again = await installNodeWebgpu({ allowSoftware: false });
      if (gpu.data.software) {
        expect(again.ok).toBe(false);
        if (!again.ok) expect(again.reason).toMatch(/software adapter/);
      } else expect(again.ok).toBe(true);
    },
  );
});
