/**
 * A small typed hook on window for the e2e specs (STYLE: e2e through page objects and a typed test hook): it reaches
 * paths a user cannot trigger on demand, such as a worker crash. It exposes no data.
 */
import { dataClient } from '../bridge/data';
import { runClient } from '../bridge/run';
import { settled } from './quickRun';

export interface RimwTestHook {
  /** Terminates and restarts the data worker as after a crash (the page must recover on its own). */
  restartDataWorker(): void;
  /** Terminates and restarts the run worker as after a crash (a running training must be reported, not hang). */
  restartRunWorker(): void;
  /** Loses the run worker's tfjs backend (a real device.destroy() on WebGPU, simulated elsewhere); resolves with its name. */
  loseRunBackend(): Promise<string>;
  /** Nothing left to do for the data shown: no run training or saving, the synthetic world's quick run done. */
  settled(): boolean;
}

declare global {
  interface Window {
    __rimwTest?: RimwTestHook;
  }
}

export function installTestHook(): void {
  window.__rimwTest = {
    restartDataWorker: () => dataClient().restart('simulated crash'),
    restartRunWorker: () => runClient().restart('simulated crash'),
    loseRunBackend: () => runClient().call((api) => api.loseBackend()),
    settled,
  };
}
