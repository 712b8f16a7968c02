/**
 * The tfjs backend under the run worker: the ladder is walked once per rung order asked (with self-tests), a lost
 * backend (a destroyed WebGPU device) is skipped by later picks, and a fit running on it is stopped within a batch
 * with the reason, so that the page can run it again on the next rung.
 */
import {
  currentBackend,
  destroyDevice,
  pickBackend,
  watchDeviceLoss,
  type BackendChoice,
  type BackendOptions,
} from './backend';
import { BACKEND_LADDER } from './ladder';

/** A running experiment's stop flag; `lost` says why when the backend under it was lost. */
export interface RunStop {
  aborted: boolean;
  lost?: string;
}

/** How long a new pick waits for a cancelled fit to stop before it keeps the current backend (ms). */
const SWITCH_WAIT_MS = 10_000;

/** The run worker's backend; `running` gives the stop flag of the experiment in progress (null when idle). */
export function runBackend(running: () => RunStop | null) {
  /** Backends lost in this worker: later picks skip them. */
  const lost = new Set<string>();
  let choice: BackendChoice | null = null;
  let pick: Promise<BackendChoice> | null = null;
  /** The rung order and software setting the current pick was made for. */
  let pickedFor = '';
  let opts: BackendOptions = {};

  /** The backend is gone: later picks skip it, and a running experiment stops within a batch. */
  const onLost = (name: string, reason: string): void => {
    lost.add(name);
    pick = null;
    choice = null;
    pickedFor = '';
    const stop = running();
    if (stop) {
      stop.lost = reason;
      stop.aborted = true;
    }
  };

  const backend = {
    /** Ladder options of the host (local WASM binary URLs, rung order, tolerance, software rungs). */
    configure(o: BackendOptions): void {
      opts = { order: o.order, wasmPaths: o.wasmPaths, tolerance: o.tolerance, software: o.software };
    },

    /** Walks the ladder (or `order`); later calls with the same arguments return that choice. */
    async init(order?: string[], o: { software?: boolean } = {}): Promise<BackendChoice> {
      const key = `${order ? order.join(',') : 'ladder'}|${o.software ?? opts.software ?? ''}`;
      if (!pick || key !== pickedFor) {
        // Never switch backends under a running fit (its tensors live on the current one): a cancelled run stops
        // within a batch, so wait for it (bounded: if it is still busy, the current choice stays; the run then
        // answers 'busy' and the page restarts the worker and picks again there).
        for (let waited = 0; running() && waited < SWITCH_WAIT_MS; waited += 50)
          await new Promise((r) => setTimeout(r, 50));
        if (running() && choice) return choice;
        pickedFor = key;
        const rungs = (order ?? opts.order ?? BACKEND_LADDER).filter((b) => !lost.has(b));
        pick = pickBackend({
          ...opts,
          ...(o.software === undefined ? {} : { software: o.software }),
          order: rungs,
        }).then((c) => {
          watchDeviceLoss((reason) => onLost(c.backend, reason));
          return c;
        });
      }
      choice = await pick;
      return choice;
    },

    /** The pick made or in progress, or the default ladder's. */
    async ready(): Promise<BackendChoice> {
      choice = await (pick ?? backend.init());
      return choice;
    },

    /** Loses the current backend: a real device.destroy() on WebGPU, simulated elsewhere. Returns its name. */
    lose(): string {
      const name = currentBackend();
      if (!destroyDevice()) onLost(name, 'the backend was lost (simulated)');
      return name;
    },

    /** The backend in use and why others were skipped (choice null before the ladder ran). */
    info(): { current: string; choice: BackendChoice | null } {
      return { current: currentBackend(), choice };
    },
  };
  return backend;
}
