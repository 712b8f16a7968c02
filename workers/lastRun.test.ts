import { describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../src/core/data/types';
import type { ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import { lastRun, plannerInputOf, shareable, validCopies } from './lastRun';

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

  it('hands shared test scores over while the save is under way and frees the validation scores once it settled', async () => {
    const k = kept();
    k.test = shareable(k.test);
    expect(k.test.buffer).toBeInstanceOf(SharedArrayBuffer);
    const run = lastRun({} as Dataset, split, {} as ExperimentResult, new Map([['Pop', k]]), 7);
    let settle = (_saved: boolean) => {};
    const saving = new Promise<boolean>((r) => (settle = r));
    const r = await plannerInputOf(run, ['a', 'b', 'c'], undefined, {
      saved: null,
      handOver: false,
      saving,
      current: () => true,
    });
    const pop = r!.input.models[0];
    // The one shared copy goes to the planner (not listed for transfer: shared memory needs none); the save still
    // reads it, and the validation scores it is writing stay until it settled.
    expect(pop.test).toBe(k.test);
    expect(r!.buffers).not.toContain(k.test.buffer);
    expect(r!.buffers.length).toBe(3);
    expect([pop.valid, pop.validSaved]).toEqual([null, 7]);
    expect(Array.from(k.valid!)).toEqual([1, 2, 3]);
    // The explorer's top rows are taken after the reply, from the shared scores, which this worker lets go once the
    // save is done.
    expect(run.kept.get('Pop')!.test).toBe(k.test);
    expect(run.top.has('Pop')).toBe(false);
    await new Promise((r) => setTimeout(r, 0));
    // Column 2's two rows (all of them, k = 2), with their scores 0.3 and 0.6.
    const top = run.top.get('Pop')!;
    expect(top.k).toBe(2);
    const col2 = [0, 1].map((j) => [top.members[4 + j], top.scores[4 + j]]).sort((a, b) => a[0] - b[0]);
    expect(col2).toEqual([
      [0, Math.fround(0.3)],
      [1, Math.fround(0.6)],
    ]);
    expect(run.kept.get('Pop')!.test).toBe(k.test);
    settle(true);
    await run.settled;
    expect(k.valid!.length).toBe(0);
    expect(run.kept.get('Pop')!.test.length).toBe(0);
    expect(run.handedOver.has('Pop')).toBe(true);
    expect((await validCopies(run, ['Pop'])).scores).toEqual([]);
  });

  it('undoes a hand-over made while the save was under way when that save fails: this worker keeps the scores', async () => {
    const k = kept();
    k.test = shareable(k.test);
    const run = lastRun({} as Dataset, split, {} as ExperimentResult, new Map([['Pop', k]]), 7);
    let settle = (_saved: boolean) => {};
    const saving = new Promise<boolean>((r) => (settle = r));
    const home = { saved: null, handOver: false, saving, current: () => true };
    const r = await plannerInputOf(run, ['a', 'b', 'c'], undefined, home);
    expect([r!.input.models[0].valid, r!.input.models[0].validSaved]).toEqual([null, 7]);
    // Asked again while the save goes on (a restarted planner): the answer waits for the save to settle.
    const again = plannerInputOf(run, ['a', 'b', 'c'], undefined, home);
    await new Promise((r) => setTimeout(r, 0));
    settle(false);
    await run.settled;
    expect(run.handedOver.has('Pop')).toBe(false);
    expect(run.kept.get('Pop')).toBe(k);
    expect(Array.from(k.valid!)).toEqual([1, 2, 3]);
    // The planner, told the validation scores are saved, gets copies of them from here instead.
    const { scores, buffers } = await validCopies(run, ['Pop', 'Nope']);
    expect(scores.map(([m, v]) => [m, Array.from(v)])).toEqual([['Pop', [1, 2, 3]]]);
    expect(scores[0][1]).not.toBe(k.valid);
    expect(buffers).toEqual([scores[0][1].buffer]);
    // The second input carries copies of both, as for a run never saved.
    const second = (await again)!.input.models[0];
    expect([second.validSaved, Array.from(second.valid!)]).toEqual([undefined, [1, 2, 3]]);
    expect(second.test).not.toBe(k.test);
    expect(Array.from(second.test)).toEqual(Array.from(k.test));
  });

  it('never hands over scores that a save under way still reads and that cannot be shared: copies them', async () => {
    const k = kept();
    const run = lastRun({} as Dataset, split, {} as ExperimentResult, new Map([['Pop', k]]), 7);
    const r = await plannerInputOf(run, ['a', 'b', 'c'], undefined, {
      saved: null,
      handOver: false,
      saving: new Promise(() => {}),
      current: () => true,
    });
    const pop = r!.input.models[0];
    expect(pop.test).not.toBe(k.test);
    expect(Array.from(pop.valid!)).toEqual([1, 2, 3]);
    expect(run.handedOver.size).toBe(0);
  });
});
