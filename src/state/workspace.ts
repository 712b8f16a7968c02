/**
 * The workspace saved in this browser (IndexedDB, through the run worker): restored on page open, cleared by
 * "start over"; the synthetic world when there is nothing to restore.
 */
import { DEFAULT_RUN_CONFIG } from '../core/pipeline/config';
import { dataClient } from '../bridge/data';
import { adoptInDataWorker, loadLossCurves, restoreSavedWorkspace, runClient, savedSource } from '../bridge/run';
import { patch, useStore } from './store';
import { setRunConfig, setSplitBy } from './ui';
import { dataTouches, endOutsideBusy, requestSynthetic, loadSynthetic } from './dataset';
import { cancelRun, showResult } from './run';
import { setSentSource } from './runWorker';
import { clearLossCurves, drawSavedLossCurves } from './lossCurves';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Draws the loss curves saved with the restored run (when they belong to its data). */
async function restoreLossCurves(source: string): Promise<void> {
  const saved = await loadLossCurves();
  if (saved && saved.source === source) drawSavedLossCurves(saved.curves);
}

/**
 * On page open: the saved workspace (dataset, then results; the planner re-fetches when resultRevision moves), or
 * the synthetic world when nothing was saved or it cannot be read.
 */
export async function restoreOrSynthetic(): Promise<void> {
  // Start the run worker now: its module (tfjs included) loads while the data is restored or generated.
  runClient();
  // The data worker starts now too and generates the opening world while the page looks for a saved workspace
  // (a read that waits for the page's first render), so a first visit does not wait for that look-up; a restored
  // workspace replaces the world in the data worker (adoptInDataWorker comes after it there).
  const world = requestSynthetic('small', 1);
  world.catch(() => undefined); // unused when a workspace is restored; a failure is shown when it is used
  // The user may choose a file while this runs (even one still being sniffed): then their data wins and nothing
  // here overwrites it.
  const touchesAtStart = dataTouches();
  const untouched = () => dataTouches() === touchesAtStart;
  let restoring = false;
  try {
    if ((await savedSource()) !== null && untouched()) {
      restoring = true;
      patch('dataset', { status: 'busy', activity: 'Restoring your saved workspace…' });
      const r = await restoreSavedWorkspace();
      // Titles from an item file loaded on an earlier visit come back with the data they name.
      if (r) await dataClient().call((api) => api.restoreItemMeta());
      const summary = r && untouched() ? await adoptInDataWorker(r.dataset, r.source) : null;
      if (r && summary?.ok && untouched()) {
        setSentSource(r.source);
        // Results first, so the data subscription sees them as belonging to this data (no auto-run, no clearing).
        if (r.run) {
          showResult(r.run.result, r.run.config, r.source);
          void restoreLossCurves(r.source);
        }
        patch('dataset', { status: 'ready', summary: summary.data, activity: '' });
        return;
      }
      endOutsideBusy();
    }
  } catch (e) {
    endOutsideBusy();
    patch('training', {
      error: `The saved workspace could not be read (${message(e)}); starting on the synthetic world.`,
    });
  }
  // After a restore that fell through, the data worker may hold something else than the world generated above.
  if (untouched()) await loadSynthetic('small', 1, restoring ? undefined : world);
}

/** Start over: stops any run, clears the saved workspace and trained models, back to the synthetic world. */
export async function startOver(): Promise<void> {
  await cancelRun();
  try {
    await runClient().call((api) => api.clearWorkspace());
  } catch (e) {
    patch('training', { error: `The saved workspace could not be cleared: ${message(e)}` });
  }
  setSentSource(null);
  clearLossCurves();
  const t = useStore.getState().training;
  patch('training', {
    status: 'idle',
    progress: null,
    result: null,
    resultConfig: null,
    resultSource: null,
    resultRevision: t.resultRevision + 1,
    error: null,
  });
  setRunConfig(DEFAULT_RUN_CONFIG);
  setSplitBy('default');
  await loadSynthetic('small', 1);
}
