import { beforeEach, describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../core/util/result';
import type { ExperimentResult } from '../core/pipeline/run';
import { GAVE_UP, runWithFallback } from './backendFallback';
import { initialState, patch, useStore } from './store';

type R = Result<ExperimentResult, string>;
const done = ok({} as ExperimentResult);

/** An attempt that answers the scripted results in turn and records what it was asked, setting the backend it ran on. */
function scripted(answers: { r: R; ranOn?: string }[]) {
  const asked: (string[] | undefined)[] = [];
  const software: boolean[] = [];
  const attempt = async (rungs: string[] | undefined, sw: boolean) => {
    asked.push(rungs);
    software.push(sw);
    const a = answers[asked.length - 1];
    patch('training', { backend: a.ranOn ?? null });
    return a.r;
  };
  return { attempt, asked, software };
}

describe('runWithFallback', () => {
  beforeEach(() => useStore.setState(initialState()));

  it('runs a tfjs run again on the rung below the one lost, and says so', async () => {
    const s = scripted([
      { r: err('backend-lost', 'the device was lost'), ranOn: 'webgpu' },
      { r: err('crashed', 'the run worker stopped (oom)'), ranOn: 'webgl' },
      { r: done, ranOn: 'wasm' },
    ]);
    const r = await runWithFallback(true, 'auto', s.attempt, () => true);
    expect(r).toBe(done);
    expect(s.asked).toEqual([
      ['webgpu', 'webgl', 'wasm', 'cpu'],
      ['webgl', 'wasm', 'cpu'],
      ['wasm', 'cpu'],
    ]);
    expect(s.software).toEqual([false, false, false]);
    expect(useStore.getState().training.fallback).toBe(
      'the run worker stopped (oom) while training on webgl; running again on wasm.',
    );
  });

  it('a crash before a backend was picked blames the top rung; a named backend falls back to the CPU, then gives up', async () => {
    const s = scripted([{ r: err('crashed', 'boom') }, { r: err('backend-lost', 'lost'), ranOn: 'cpu' }]);
    const r = await runWithFallback(true, 'webgl', s.attempt, () => true);
    expect(s.asked).toEqual([['webgl', 'cpu'], ['cpu']]);
    expect(s.software).toEqual([true, true]);
    expect(r).toEqual(err(GAVE_UP, 'lost on cpu, and there is no backend left to fall back to.'));
  });

  it('runs a run without tfjs once more in a fresh worker, then gives up; other failures end it at once', async () => {
    const twice = scripted([{ r: err('crashed', 'a') }, { r: err('crashed', 'b') }]);
    expect(await runWithFallback(false, 'auto', twice.attempt, () => true)).toEqual(
      err(GAVE_UP, 'b again; press Train to run once more.'),
    );
    expect(twice.asked).toEqual([undefined, undefined]);
    const aborted = scripted([{ r: err('aborted', 'stopped') }]);
    expect(await runWithFallback(true, 'auto', aborted.attempt, () => true)).toEqual(err('aborted', 'stopped'));
    expect(aborted.asked.length).toBe(1);
  });

  it('stops when the run is no longer the current one', async () => {
    const s = scripted([{ r: err('crashed', 'a') }, { r: done }]);
    expect(await runWithFallback(false, 'auto', s.attempt, () => false)).toBeNull();
    expect(s.asked.length).toBe(1);
  });
});
