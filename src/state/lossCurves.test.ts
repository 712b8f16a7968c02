import { describe, expect, it } from 'vitest';
import type { RunProgress } from '../../workers/runProgress';
import { addLosses, clearLossCurves, lossCurves, lossCurvesToSave, subscribeLoss } from './lossCurves';

const progress = (p: Partial<RunProgress>): RunProgress => ({
  model: 'RNN',
  done: 0,
  total: 1,
  epoch: 1,
  epochs: 2,
  batch: 0,
  batches: 10,
  losses: [],
  examplesPerSecond: 0,
  etaSeconds: null,
  fraction: 0,
  ...p,
});

describe('loss curves', () => {
  it('spreads the losses of a message evenly up to its position in epochs, and marks validation losses per epoch', () => {
    clearLossCurves();
    let calls = 0;
    const off = subscribeLoss(() => calls++);
    // Batch 5 of 10 in epoch 1 is x = 0.5; its two losses start 2 batches (0.2 epochs) earlier: x = 0.4, 0.5.
    addLosses(progress({ batch: 5, losses: [3, 2.5] }));
    // Batch 10 of 10 is x = 1: one loss, and the epoch's validation loss at x = 1.
    addLosses(progress({ batch: 10, losses: [2], validLoss: 2.2 }));
    // A model-finished message (epochs 0) draws nothing.
    addLosses(progress({ epochs: 0, losses: [9] }));
    const c = lossCurves().get('RNN')!;
    expect(c.x.map((x) => +x.toFixed(12))).toEqual([0.4, 0.5, 1]);
    expect(c.loss).toEqual([3, 2.5, 2]);
    expect([c.validX, c.valid]).toEqual([[1], [2.2]]);
    expect(calls).toBe(2);
    const saved = lossCurvesToSave('synthetic small (seed 1)');
    expect(saved.curves).toEqual([['RNN', c]]);
    expect(saved.curves[0][1]).not.toBe(c);
    clearLossCurves();
    expect(lossCurves().size).toBe(0);
    expect(calls).toBe(3);
    off();
  });
});
