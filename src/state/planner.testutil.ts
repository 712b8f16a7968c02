/** Test support for the planner store's tests: a completed run's results on screen, and a wait for a whole sweep. */
import { sweepKey, usePlanner } from './plannerStore';
import { useStore } from './store';

/** Puts a completed run of `models` on data 'tiny' on screen (resultRevision moves, as after a run). */
export function showTinyResult(models: string[]): void {
  useStore.setState((s) => ({
    training: {
      ...s.training,
      result: { item_rec: Object.fromEntries(models.map((m) => [m, {}])) } as unknown as typeof s.training.result,
      resultSource: 'tiny',
      resultRevision: s.training.resultRevision + 1,
    },
  }));
}

/** Resolves once the sweep of the asked view is drawn whole. */
export const swept = () =>
  new Promise<void>((resolve) => {
    const done = () => usePlanner.getState().swept === sweepKey(usePlanner.getState());
    if (done()) return resolve();
    const off = usePlanner.subscribe(() => {
      if (done()) {
        off();
        resolve();
      }
    });
  });
