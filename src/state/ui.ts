/**
 * The ui slice's actions: the run config the user edits, one serialisable object (seed included) mirrored in the URL
 * (./url.ts), and why the URL's config was refused.
 */
import { DEFAULT_RUN_CONFIG, validateRunConfig, type RunConfig } from '../core/pipeline/config';
import { patch, useStore, type SplitBy } from './store';
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
  // A link's config names its split, and the data's suggestion does not replace it; but the page writes its config
  // into the URL itself, so on a reload of this tab who set the split is what this tab last recorded.
  const fromUrl: SplitBy = config === DEFAULT_RUN_CONFIG ? 'default' : 'url';
  patch('ui', { urlProblem: problem });
  setSplitBy((opening && reload() && readTabSplitBy()) || fromUrl);
  opening = false;
}

/** Whether the next initConfigFromUrl is the page's opening one (a link pasted later is a link). */
let opening = true;
/** Whether this page was reloaded (or reached by back/forward) rather than opened from a link or the address bar. */
function reload(): boolean {
  const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav?.type === 'reload' || nav?.type === 'back_forward';
}
const SPLIT_BY_KEY = 'rimw.splitBy';
const SPLIT_BY: readonly SplitBy[] = ['default', 'url', 'user', 'suggested'];

/** What this tab recorded before a reload (sessionStorage: per tab, survives a reload, not shared by links). */
function readTabSplitBy(): SplitBy | null {
  try {
    const v = sessionStorage.getItem(SPLIT_BY_KEY);
    return SPLIT_BY.find((b) => b === v) ?? null;
  } catch {
    return null;
  }
}

/** Records who set the run config's split (store.ts SplitBy), for this page and a reload of this tab. */
export function setSplitBy(by: SplitBy): void {
  patch('ui', { splitBy: by });
  try {
    sessionStorage.setItem(SPLIT_BY_KEY, by);
  } catch {
    // Storage refused (private mode): a reload then treats the URL's split as the link's.
  }
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
