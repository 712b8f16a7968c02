/** Dataset actions: the synthetic world, file loads with progress and cancel, all through the data worker. */
import { BridgeError } from '../bridge/client';
import { dataClient, proxyCallback } from '../bridge/data';
import type { DataSummary, LoadResult } from '../../workers/data.api';
import type { Result } from '../core/util/result';
import { patch, useStore } from './store';

let loading: AbortController | null = null;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Generates the built-in synthetic world (the page opens on it). */
export async function loadSynthetic(preset: 'small' | 'ml1m' = 'small', seed = 1): Promise<void> {
  patch('dataset', { status: 'busy', activity: `Generating the synthetic world (${preset}, seed ${seed})…`, error: null, problems: [] });
  try {
    const r = await dataClient().call<Result<DataSummary>>((api) => api.generate(preset, seed));
    if (r.ok) patch('dataset', { status: 'ready', summary: r.data, activity: '' });
    else patch('dataset', { status: settled(), activity: '', error: r.reason });
  } catch (e) {
    patch('dataset', { status: settled(), activity: '', error: message(e) });
  }
}

/** Status after a failure: back to what was shown before. */
const settled = () => (useStore.getState().dataset.summary ? 'ready' : 'idle');

/** Streams a user's file into the data worker; a refusal keeps the previous data and lists the problems. */
export async function loadFile(file: File): Promise<void> {
  loading?.abort();
  const ctl = new AbortController();
  loading = ctl;
  patch('dataset', { status: 'busy', activity: `Reading ${file.name}…`, progress: { loaded: 0, total: file.size }, error: null, problems: [] });
  // Progress arrives per chunk; repaint at most once per frame.
  let frame = 0;
  let latest = 0;
  const onProgress = proxyCallback((loaded: number, total: number) => {
    latest = loaded;
    if (!frame)
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (loading === ctl) patch('dataset', { progress: { loaded: latest, total } });
      });
  });
  try {
    const r = await dataClient().call<LoadResult>((api) => api.loadFile(file, file.name, onProgress), ctl.signal);
    if (loading !== ctl) return;
    if (r.ok) patch('dataset', { status: 'ready', summary: r.data, problems: r.problems, error: null });
    else patch('dataset', { status: settled(), problems: r.problems, error: r.reason });
  } catch (e) {
    if (loading !== ctl) return;
    const cancelled = e instanceof BridgeError && e.code === 'aborted';
    patch('dataset', { status: settled(), error: cancelled ? `${file.name}: loading cancelled, previous data kept` : message(e) });
  } finally {
    if (loading === ctl) {
      loading = null;
      patch('dataset', { activity: '', progress: null });
    }
  }
}

/** Cancels the running file load: the worker stops between chunks and the page stops waiting. */
export function cancelLoad(): void {
  if (!loading) return;
  void dataClient().call((api) => api.cancel());
  loading.abort();
}
