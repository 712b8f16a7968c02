/**
 * A small typed hook on window for the e2e specs (STYLE: e2e through page objects and a typed test hook): it reaches
 * paths a user cannot trigger on demand, such as a worker crash. It exposes no data.
 */
import { dataClient } from '../bridge/data';
import { runClient } from '../bridge/run';
import { settled } from './quickRun';
import { readWasmThreads } from './url';
import type { WorkerBatchTimes } from '../../workers/runTiming';

export interface RimwTestHook {
  /** Terminates and restarts the data worker as after a crash (the page must recover on its own). */
  restartDataWorker(): void;
  /** Terminates and restarts the run worker as after a crash (a running training must be reported, not hang). */
  restartRunWorker(): void;
  /** Loses the run worker's tfjs backend (a real device.destroy() on WebGPU, simulated elsewhere); resolves with its name. */
  loseRunBackend(): Promise<string>;
  /**
   * Bench hook: the run worker on the WASM backend (threads from `?wasmThreads=N`), then `batches` timed training
   * batches of a `kind` model on the ML-1M-shaped synthetic world (bench/seq-page.bench.ts).
   */
  timeSequenceBatches(kind: 'gru' | 'transformer', batches: number): Promise<WorkerBatchTimes>;
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
    timeSequenceBatches: async (kind, batches) => {
      const choice = await runClient().call((api) => api.initBackend(['wasm'], { wasmThreads: readWasmThreads() }));
      if (choice?.backend !== 'wasm') throw new Error(`the WASM backend did not start: ${JSON.stringify(choice)}`);
      return runClient().call((api) => api.timeSequenceBatches(kind, batches));
    },
    settled,
  };
}
