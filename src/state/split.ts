/**
 * The split the run config asks for, on the current data: recomputed in the data worker whenever the data or the
 * split changes (the page shows its Table S1), stale replies dropped.
 */
import type { SplitConfig } from '../core/data/types';
import type { Result } from '../core/util/result';
import type { SplitSummary } from '../../workers/data.api';
import { dataClient } from '../bridge/data';
import { patch, useStore } from './store';
import { currentRunConfig, setRunConfig, setSplitBy } from './ui';
import { PROTOCOL_SPLIT, type ProtocolName } from '../core/data/protocols';

let seq = 0;

/** Splits the current data with the config's split; stale replies (older requests) are dropped. */
export async function refreshSplit(): Promise<void> {
  const summary = useStore.getState().dataset.summary;
  const config = currentRunConfig();
  if (!summary) return;
  const my = ++seq;
  try {
    const r = await dataClient().call<Result<SplitSummary>>((api) =>
      api.split(config.split, config.protocol, config.seed),
    );
    if (my !== seq) return;
    if (r.ok && adoptSuggestion(r.data.suggested)) return;
    if (r.ok) patch('training', { split: r.data, splitSource: summary.source, splitError: null });
    else patch('training', { split: null, splitSource: summary.source, splitError: r.reason });
  } catch (e) {
    if (my === seq) patch('training', { splitError: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * Takes the split kind suggested for the data shown when nobody chose the split (neither the user in the panel nor
 * the URL, store.ts SplitBy) and the run config asks for the other kind; the split panel says it was adopted and
 * why. True when the config changed (the subscription below splits again).
 */
function adoptSuggestion(suggested: SplitConfig['kind']): boolean {
  const { splitBy, config } = useStore.getState().ui;
  if (splitBy === 'url' || splitBy === 'user') return false;
  if (splitBy === 'default' && config.split.kind === suggested) return false;
  setSplitBy('suggested');
  if (config.split.kind === suggested) return false;
  setRunConfig({ ...config, split: { kind: suggested } });
  return true;
}

/**
 * Edits the split in the run config (and so the URL) as the user chose it in the panel; the split is recomputed by
 * the subscription below. A split of the other kind than the dataset protocol's drops the protocol.
 */
export function setSplit(split: SplitConfig): void {
  setSplitBy('user');
  const { protocol, ...rest } = currentRunConfig();
  setRunConfig(protocol && PROTOCOL_SPLIT[protocol] === split.kind ? { ...rest, protocol, split } : { ...rest, split });
}

/** Picks a dataset protocol (or none): its split kind, the preset's other split fields. */
export function setProtocol(protocol: ProtocolName | undefined): void {
  setSplitBy('user');
  const { protocol: _old, ...rest } = currentRunConfig();
  setRunConfig(protocol ? { ...rest, protocol, split: { kind: PROTOCOL_SPLIT[protocol] } } : rest);
}

/** Recompute when the data or the split config changes. */
export function watchSplit(): () => void {
  return useStore.subscribe((s, prev) => {
    if (
      s.dataset.summary !== prev.dataset.summary ||
      JSON.stringify(s.ui.config.split) !== JSON.stringify(prev.ui.config.split) ||
      s.ui.config.protocol !== prev.ui.config.protocol
    )
      void refreshSplit();
  });
}
