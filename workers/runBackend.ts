/**
 * The run worker's tfjs backend: the session of backend.ts (picked per request, lost ones skipped later) and the
 * calls the page makes about it. A backend lost under a running experiment stops it within a batch with the reason,
 * and the run answers 'backend-lost' (the page then runs it again on the next rung).
 */
import { currentBackend, destroyDevice, type BackendChoice } from '../src/platform/backend';
import { backendSession } from './backend';

/** The running experiment's stop flag (null when idle); `lost` says why when the backend under it was lost. */
export interface RunJob {
  stop: { aborted: boolean; lost?: string } | null;
}

export function runBackend(job: RunJob) {
  const stopOnLoss = (reason: string): void => {
    if (job.stop) {
      job.stop.lost = reason;
      job.stop.aborted = true;
    }
  };
  const backends = backendSession({ onLost: stopOnLoss });
  const backendApi = {
    /**
     * Walks the backend ladder (or `order`) with self-tests; `software: false` passes over software GPUs. Null while
     * a cancelled fit still runs on the current backend (never switched under it): the next run picks for this one.
     */
    initBackend(
      order?: string[],
      opts: { software?: boolean; wasmThreads?: number } = {},
    ): Promise<BackendChoice | null> {
      return backends.request({ order, ...opts }, () => job.stop !== null);
    },

    /** Test hook: loses the current backend (really on WebGPU, simulated elsewhere). Returns the backend lost. */
    loseBackend(): string {
      const name = currentBackend();
      if (!destroyDevice()) {
        backends.lose(name);
        stopOnLoss('the backend was lost (simulated)');
      }
      return name;
    },

    /** The backend in use and why others were skipped (choice null before the ladder ran). */
    backend(): { current: string; choice: BackendChoice | null } {
      return { current: currentBackend(), choice: backends.choice() };
    },
  };
  return { backends, backendApi };
}
