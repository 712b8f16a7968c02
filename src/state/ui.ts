/** UI actions: the run config mirrored in the URL (./url.ts; one serialisable object, seed included). */
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../core/pipeline/config';
import { restoreOrSynthetic, watchData, watchSplit } from './training';
import { patch, useStore } from './store';
import { onUrlChange, readUrlConfig, readUrlParam, writeUrlConfig } from './url';

/** Reads the run config from the hash (or the default); a refused URL config is kept as ui.urlProblem. */
export function initConfigFromUrl(): void {
  const r = readUrlConfig();
  let config: RunConfig = DEFAULT_RUN_CONFIG;
  let problem: string | null = null;
  if (!r.ok) problem = r.reason;
  else if (r.data !== null) {
    const v = validateRunConfig(r.data);
    if (v.ok) config = v.data;
    else problem = v.reason;
  }
  setRunConfig(config);
  patch('ui', { urlProblem: problem });
}

/** Stores the config and rewrites the hash in place (no history entry per edit). */
export function setRunConfig(config: RunConfig): void {
  patch('ui', { config });
  writeUrlConfig(config);
}

export const currentRunConfig = (): RunConfig => useStore.getState().ui.config;

let started = false;

/** Once per page (StrictMode runs effects twice): the config from the URL, then the saved workspace or the synthetic world. */
export function startPage(): void {
  if (started) return;
  started = true;
  watchSplit();
  watchData();
  initConfigFromUrl();
  // A pasted link that changes only the hash does not reload the page; read the config again.
  onUrlChange(() => {
    if (readUrlParam('config') !== null) initConfigFromUrl();
    else setRunConfig(currentRunConfig());
  });
  void restoreOrSynthetic();
}
