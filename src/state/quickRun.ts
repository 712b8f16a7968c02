/**
 * What the page does when the data changes: results of older data are dropped (resultRevision moves so the planner
 * forgets them), a run on the old data is stopped, and on the small synthetic world the page opens on, the fast
 * models run by themselves so that it opens on numbers and curves.
 */
import { DEFAULT_RUN_CONFIG } from '../core/pipeline/config';
import { patch, useStore } from './store';
import { currentRunConfig } from './ui';
import { cancelRun, isRunning, startRun } from './run';

/** Models that fit in a second or two on any data: the page runs these by itself on the synthetic world. */
export const FAST_MODELS: readonly string[] = DEFAULT_RUN_CONFIG.models;

/** Data the page evaluates by itself on arrival (the small synthetic world it opens on), see watchData. */
export const opensWithQuickRun = (source: string): boolean => source.startsWith('synthetic small');

/**
 * Whether the page has nothing left to do for the data it shows: loaded, no run training or saving, and the small
 * synthetic world's own quick run finished (benches wait for it before timing the next load).
 */
export function settled(): boolean {
  const { dataset: d, training: t } = useStore.getState();
  if (d.status !== 'ready' || !d.summary || t.status === 'running' || t.saveState === 'saving') return false;
  return !opensWithQuickRun(d.summary.source) || t.resultSource === d.summary.source;
}

/** Follows the data (see above); returns the unsubscribe function. */
export function watchData(): () => void {
  return useStore.subscribe((s, prev) => {
    // A file being read will replace the data a run trains on: stop the run now rather than when the new data
    // arrives, so that it does not share the cores with the read. A refused file then leaves it cancelled.
    if (s.dataset.progress && !prev.dataset.progress && isRunning() && s.training.status === 'running')
      void cancelRun();
    const summary = s.dataset.summary;
    if (summary === prev.dataset.summary || !summary) return;
    if (summary.source === s.training.resultSource) return;
    // A run on the previous data would show results that no longer match what the page shows.
    if (isRunning() && s.training.status === 'running') void cancelRun();
    if (s.training.result)
      patch('training', {
        result: null,
        resultConfig: null,
        resultSource: null,
        resultRevision: s.training.resultRevision + 1,
      });
    // Only the world the page opens on (small, fast); a bigger world waits for the user's click.
    if (opensWithQuickRun(summary.source) && !isRunning()) {
      const c = currentRunConfig();
      const fast = c.models.filter((m) => FAST_MODELS.includes(m));
      void startRun({ ...c, models: fast.length > 0 ? fast : [...FAST_MODELS] });
    }
  });
}
