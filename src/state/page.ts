/** The page's start: the watchers, the run config from the URL, then the saved workspace or the synthetic world. */
import { initConfigFromUrl, currentRunConfig, setRunConfig } from './ui';
import { onUrlChange, readUrlParam } from './url';
import { watchSplit } from './split';
import { watchData } from './quickRun';
import { restoreOrSynthetic } from './workspace';
import { watchOtherTabs } from './otherTabs';
import { restoreCtr, watchCtrUrl } from './ctr';
import { startPlanner } from './planner';

/** Once per page, from main.tsx before React's first render. */
export function startPage(): void {
  // The quick run's data request goes to the data worker before the split panel's (subscribers run in this order).
  watchData();
  watchSplit();
  watchOtherTabs();
  initConfigFromUrl();
  // A pasted link that changes only the hash does not reload the page; read the config again.
  onUrlChange(() => {
    if (readUrlParam('config') !== null) initConfigFromUrl();
    else setRunConfig(currentRunConfig());
  });
  watchCtrUrl();
  // The planner worker loads now, and asks the run worker for the first model of the quick run before that run
  // starts (a run reads no messages until it ends), so the first curve is drawn after the run's first model.
  startPlanner();
  // The click-and-conversion track after the interaction track's data: its synthetic world would leave the track.
  void restoreOrSynthetic().then(restoreCtr);
}
