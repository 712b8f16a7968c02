/** UI actions: the run config mirrored in the URL hash (one serialisable object, seed included). */
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../core/pipeline/config';
import { patch, useStore } from './store';
import { readConfigHash, writeConfigHash, type Json } from './urlHash';

/** Reads the run config from the hash (or the default); a refused URL config is kept as ui.urlProblem. */
export function initConfigFromUrl(): void {
  const r = readConfigHash(window.location.hash);
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
  patch('ui', { config: config as unknown as Record<string, unknown> });
  const hash = writeConfigHash(window.location.hash, config as unknown as Json);
  window.history.replaceState(null, '', hash);
}

export const currentRunConfig = (): RunConfig => useStore.getState().ui.config as unknown as RunConfig;
