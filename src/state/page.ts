/** The page's start: the watchers, the run config from the URL, then the saved workspace or the synthetic world. */
import { initConfigFromUrl, currentRunConfig, setRunConfig } from './ui';
import { onUrlChange, readUrlParam } from './url';
import { watchSplit } from './split';
import { watchData } from './quickRun';
import { restoreOrSynthetic } from './workspace';
import { watchOtherTabs } from './otherTabs';
import { restoreCtr, watchCtrUrl } from './ctr';

/** Once per page, from main.tsx before React's first render. */
export function startPage(): void {
  watchSplit();
  watchData();
  watchOtherTabs();
  initConfigFromUrl();
  // A pasted link that changes only the hash does not reload the page; read the config again.
  onUrlChange(() => {
    if (readUrlParam('config') !== null) initConfigFromUrl();
    else setRunConfig(currentRunConfig());
  });
  watchCtrUrl();
  // The click-and-conversion track after the interaction track's data: its synthetic world would leave the track.
  void restoreOrSynthetic().then(restoreCtr);
}
