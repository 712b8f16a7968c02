/**
 * The ui slice's actions: the run config the user edits, one serialisable object (seed included) mirrored in the URL
 * (./url.ts), and why the URL's config was refused.
 */
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../core/pipeline/config';
import { patch, useStore } from './store';
import { readUrlConfig, writeUrlConfig } from './url';

/** Reads the run config from the URL (or the default); a refused URL config is kept as ui.urlProblem. */
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

/** Stores the config and rewrites the URL in place (no history entry per edit). */
export function setRunConfig(config: RunConfig): void {
  patch('ui', { config });
  writeUrlConfig(config);
}

export const currentRunConfig = (): RunConfig => useStore.getState().ui.config;

/** The models of the run config (URL) to run now: the chosen ones. */
export function setModels(models: string[]): void {
  setRunConfig({ ...currentRunConfig(), models });
}

/** Epochs and sequence-model size in the run config; undefined removes the field (the model's default). */
export function setHyper(part: Pick<RunConfig, 'epochs' | 'sequence'>): void {
  const c = { ...currentRunConfig(), ...part };
  if (c.epochs === undefined) delete c.epochs;
  if (c.sequence === undefined) delete c.sequence;
  setRunConfig(c);
}
