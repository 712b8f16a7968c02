/** Starting the page: training watchers, the run config from the URL, the saved workspace or the synthetic world. */
import { restoreOrSynthetic, watchData, watchSplit } from './training';
import { currentRunConfig, initConfigFromUrl, setRunConfig } from './ui';

let started = false;

/** Once per page (StrictMode runs effects twice): the config from the URL, then the workspace or synthetic world. */
export function startPage(): void {
  if (started) return;
  started = true;
  watchSplit();
  watchData();
  initConfigFromUrl();
  // A pasted link that changes only the hash does not reload the page; read the config again.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(window.location.hash.slice(1)).has('config')) initConfigFromUrl();
    else setRunConfig(currentRunConfig());
  });
  void restoreOrSynthetic();
}
