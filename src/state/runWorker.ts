/**
 * What the page knows of the run worker beside a run: which data source it holds (sent once per source, by
 * transfer), the backend it picked, and how a fresh worker after a crash gets the saved workspace back.
 */
import { restoreSavedWorkspace, runClient, sendDatasetToRunWorker } from '../bridge/run';
import { patch, useStore } from './store';

/** The data source the run worker holds (null: send it before the next run). */
let sentSource: string | null = null;

/** Records that the run worker holds data `source` (restored there), or nothing (null: a fresh worker). */
export function setSentSource(source: string | null): void {
  sentSource = source;
}

/** Sends the current data to the run worker unless it holds it already; false when there is no data. */
export async function ensureDataSent(signal: AbortSignal): Promise<boolean> {
  const source = useStore.getState().dataset.summary?.source ?? null;
  if (source === null) return false;
  if (sentSource === source) return true;
  const okSent = await sendDatasetToRunWorker(source, signal);
  if (okSent) sentSource = source;
  return okSent;
}

/** Shows the backend the run worker picked and why it skipped the others. */
export async function refreshBackend(): Promise<void> {
  try {
    const b = await runClient().call((api) => api.backend());
    if (!b.choice) return;
    const note = b.choice.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
    patch('training', { backend: b.choice.backend, backendNote: note });
  } catch {
    // Reported by the run itself.
  }
}

/**
 * A fresh run worker holds nothing: it reads the saved workspace back, so the shown results stay usable (planner,
 * explorer); nothing is touched when a run started meanwhile (`running()`).
 */
export function restoreAfterCrash(running: () => boolean): void {
  void restoreSavedWorkspace().then(
    (r) => {
      if (!r || running()) return;
      sentSource = r.source;
      const t = useStore.getState().training;
      if (r.run && r.source === t.resultSource) patch('training', { resultRevision: t.resultRevision + 1 });
    },
    () => {},
  );
}
