/**
 * The run worker's tfjs backend over the ladder of src/platform/backend.ts: one pick per request (rung order and
 * whether a software GPU may be used), kept until another request comes; picks made one after another, since each
 * moves tfjs's one global backend; rungs lost in this worker (a lost WebGPU device) skipped by later picks; and never
 * a switch under a running fit, whose tensors live on the current backend.
 */
import { pickBackend, watchDeviceLoss, type BackendChoice, type BackendOptions } from '../src/platform/backend';
import { BACKEND_LADDER } from '../src/platform/ladder';

/** What the page asks for: the rungs it allows (default: the whole ladder) and whether software GPUs count. */
export interface BackendRequest {
  order?: string[];
  software?: boolean;
}

export interface BackendSessionOptions {
  /** Called when the backend in use is lost (after it is dropped from later picks), with a reason for the user. */
  onLost?: (reason: string) => void;
  /** How long a request waits for a running fit to stop before it answers without picking, in ms. */
  busyWaitMs?: number;
  /** The ladder walk and device-loss watch (tests pass fakes). */
  pick?: (opts: BackendOptions) => Promise<BackendChoice>;
  watch?: (onLost: (reason: string) => void) => void;
}

export type BackendSession = ReturnType<typeof backendSession>;

export function backendSession(o: BackendSessionOptions = {}) {
  const pick = o.pick ?? pickBackend;
  const watch = o.watch ?? watchDeviceLoss;
  const busyWaitMs = o.busyWaitMs ?? 10_000;
  let defaults: BackendOptions = {};
  const lost = new Set<string>();
  /** The latest request: what a run trains on. */
  let wanted: BackendRequest = {};
  /** The latest pick (made or in flight) and the request it was made for. */
  let current: { key: string; choice: Promise<BackendChoice> } | null = null;
  /** The latest pick's choice once made; null while the latest request has none yet. */
  let shown: BackendChoice | null = null;

  const keyOf = (r: BackendRequest) =>
    `${r.order ? r.order.join(',') : 'ladder'}|${r.software ?? defaults.software ?? ''}`;

  /** The pick for `r`: the one made for the same request, else a new walk after any walk still in flight. */
  async function pickFor(r: BackendRequest): Promise<BackendChoice> {
    const key = keyOf(r);
    if (current?.key !== key) {
      const before = current?.choice.catch(() => null) ?? Promise.resolve(null);
      const choice = before.then(() =>
        pick({
          ...defaults,
          ...(r.software === undefined ? {} : { software: r.software }),
          order: (r.order ?? defaults.order ?? BACKEND_LADDER).filter((b) => !lost.has(b)),
        }).then((c) => {
          watch((reason) => {
            lose(c.backend);
            o.onLost?.(reason);
          });
          return c;
        }),
      );
      current = { key, choice };
    }
    const mine = current;
    const c = await mine.choice;
    if (current === mine && keyOf(wanted) === mine.key) shown = c;
    return c;
  }

  /** Drops the lost backend from later picks and forgets the pick made on it. */
  function lose(name: string): void {
    lost.add(name);
    current = null;
    shown = null;
  }

  return {
    /** Ladder options of the host (local WASM binary URLs, default order, tolerance, software). */
    configure(opts: BackendOptions): void {
      defaults = opts;
    },

    /**
     * Picks for `r` (walks the ladder with self-tests unless this request was picked already). While `busy()` (a fit
     * is running on the current backend, e.g. a cancelled run finishing its batch) a different request waits for it
     * to stop, up to busyWaitMs; if it is still running, answers null without picking: the choice made for an earlier
     * request (say WebGPU on a software adapter, asked for by name) never stands in for this one. The request is
     * kept, so the next run picks for it (forRun).
     */
    async request(r: BackendRequest, busy: () => boolean): Promise<BackendChoice | null> {
      wanted = r;
      if (current?.key !== keyOf(r)) {
        shown = null;
        for (let waited = 0; busy() && waited < busyWaitMs; waited += 50) await new Promise((f) => setTimeout(f, 50));
        if (busy()) return null;
      }
      return pickFor(r);
    },

    /** The backend a run trains on: the pick for the latest request, made now if it was not made yet. */
    forRun(): Promise<BackendChoice> {
      return pickFor(wanted);
    },

    /** The latest request's choice, null before it is made. */
    choice(): BackendChoice | null {
      return shown;
    },

    lose,
  };
}
