import { describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../src/core/data/types';
import type { ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import { lastRun, plannerInputOf } from './lastRun';

/** 2 test rows × 3 items, 1 validation row. */
const split = {
  test: {
    target: {
      nRows: 2,
      nCols: 3,
      indptr: Int32Array.of(0, 1, 2),
      indices: Int32Array.of(0, 2),
      data: Float32Array.of(1, 1),
    },
  },
  valid: { users: Int32Array.of(0) },
} as unknown as Split;

const kept = (): KeptScores => ({
  test: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
  valid: Float32Array.of(1, 2, 3),
  lambda: null,
  hasP: false,
});

describe('plannerInputOf', () => {
  it('hands a saved run’s test scores over for transfer and frees its validation scores (they stay saved)', async () => {
    const k = kept();
    const run = lastRun({} as Dataset, split, {} as ExperimentResult, new Map([['Pop', k]]), 7);
    const r = await plannerInputOf(run, ['a', 'b', 'c'], undefined, {
      saved: null,
      handOver: true,
      current: () => true,
    });
    const pop = r!.input.models[0];
    // The worker's own test array is the one sent (listed for transfer), not a copy.
    expect(pop.test).toBe(k.test);
    expect(r!.buffers).toContain(k.test.buffer);
    expect(Array.from(pop.test)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6].map(Math.fround));
    // The validation scores are named by the saved run and freed here at once.
    expect([pop.valid, pop.validSaved, pop.validRows]).toEqual([null, 7, 1]);
    expect(k.valid!.length).toBe(0);
    expect(run.kept.get('Pop')!.valid).toBeNull();
  });

  it('copies the scores while the run is not saved, leaving the worker its own', async () => {
    const k = kept();
    const run = lastRun({} as Dataset, split, {} as ExperimentResult, new Map([['Pop', k]]), 0);
    const r = await plannerInputOf(run, ['a', 'b', 'c'], undefined, {
      saved: null,
      handOver: false,
      current: () => true,
    });
    const pop = r!.input.models[0];
    expect(pop.test).not.toBe(k.test);
    expect(Array.from(pop.valid!)).toEqual([1, 2, 3]);
    expect(k.valid!.length).toBe(3);
    expect(k.test.length).toBe(6);
  });
});
