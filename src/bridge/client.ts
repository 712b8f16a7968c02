/**
 * The page side of a worker (STYLE habits 2–4): one Comlink-wrapped API object, an AbortSignal per call,
 * restart after a crash with every pending call rejected by a clear error, and latest-wins for slider requests.
 */
import * as Comlink from 'comlink';

/** An error that crossed the boundary; match on `code`, never on a class (only name/message/stack survive). */
export class BridgeError extends Error {
  constructor(
    readonly code: 'aborted' | 'crashed' | 'stale',
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

/** What the client needs of a Worker (a real one in the page; a MessagePort pair in Node tests). */
export type WorkerLike = Comlink.Endpoint & { terminate(): void };

export interface WorkerClient<Api> {
  /**
   * Runs `fn` against the worker's API. Rejects with BridgeError('aborted') when `signal` fires (the worker may
   * finish the call in the background) and with BridgeError('crashed') when the worker dies.
   */
  call<R>(fn: (api: Comlink.Remote<Api>) => Promise<R>, signal?: AbortSignal): Promise<R>;
  /** Terminates the worker, rejects what is pending and starts a fresh one (the last resort of habit 3). */
  restart(reason: string): void;
  dispose(): void;
}

/**
 * Wraps a worker factory; `name` appears in error messages. `onRestart` lets the owner rebuild what the old worker
 * held (its state is gone).
 */
export function createWorkerClient<Api>(
  name: string,
  spawn: () => WorkerLike,
  onRestart?: (reason: string) => void,
): WorkerClient<Api> {
  let worker: WorkerLike;
  let remote: Comlink.Remote<Api>;
  const pending = new Set<(e: BridgeError) => void>();

  const rejectAll = (e: BridgeError) => {
    for (const reject of pending) reject(e);
    pending.clear();
  };
  const start = () => {
    worker = spawn();
    remote = Comlink.wrap<Api>(worker);
    const me = worker;
    me.addEventListener('error', (ev: Event) => {
      ev.preventDefault();
      // A late error from a worker already replaced must not restart the new one.
      if (me === worker) restart((ev as Event & { message?: string }).message || 'uncaught error');
    });
  };
  const restart = (reason: string) => {
    worker.terminate();
    rejectAll(new BridgeError('crashed', `the ${name} worker stopped (${reason}); it was restarted, please try again`));
    start();
    onRestart?.(reason);
  };
  start();

  return {
    call<R>(fn: (api: Comlink.Remote<Api>) => Promise<R>, signal?: AbortSignal): Promise<R> {
      if (signal?.aborted) return Promise.reject(new BridgeError('aborted', `${name}: cancelled`));
      return new Promise<R>((resolve, reject) => {
        const fail = (e: BridgeError) => reject(e);
        const onAbort = () => {
          pending.delete(fail);
          reject(new BridgeError('aborted', `${name}: cancelled`));
        };
        pending.add(fail);
        signal?.addEventListener('abort', onAbort, { once: true });
        fn(remote).then(
          (v) => {
            if (!pending.delete(fail)) return;
            signal?.removeEventListener('abort', onAbort);
            resolve(v);
          },
          (e: unknown) => {
            if (!pending.delete(fail)) return;
            signal?.removeEventListener('abort', onAbort);
            reject(e);
          },
        );
      });
    },
    restart,
    dispose() {
      rejectAll(new BridgeError('crashed', `${name}: disposed`));
      worker.terminate();
    },
  };
}

/**
 * The page's one client of a worker, started on first use, with the one listener that rebuilds what the worker held
 * after a crash (each bridge module holds one). `spawn` builds the Worker with a literal `new URL(…, import.meta.url)`
 * so that the bundler finds the worker's code.
 */
export function workerSingleton<Api>(name: string, spawn: () => WorkerLike) {
  let client: WorkerClient<Api> | null = null;
  let restartListener: ((reason: string) => void) | null = null;
  return {
    /** The client, its worker started on the first call. */
    client: (): WorkerClient<Api> =>
      (client ??= createWorkerClient<Api>(name, spawn, (reason) => restartListener?.(reason))),
    /** Who reacts when the worker crashed and was restarted (a later call replaces the listener). */
    onRestart(f: (reason: string) => void): void {
      restartListener = f;
    },
  };
}

/** One callback per frame: the page's requestAnimationFrame; tests pass their own. */
export interface FrameScheduler {
  request(cb: () => void): number;
  cancel(id: number): void;
}

type RafGlobal = { requestAnimationFrame(cb: () => void): number; cancelAnimationFrame(id: number): void };
const animationFrames: FrameScheduler = {
  request: (cb) => (globalThis as unknown as RafGlobal).requestAnimationFrame(cb),
  cancel: (id) => (globalThis as unknown as RafGlobal).cancelAnimationFrame(id),
};

/**
 * Latest-wins requests for sliders (habit 4): at most one request per animation frame with the latest arguments,
 * each numbered; a reply whose number is older than the newest delivered one is dropped.
 */
export function latestWins<A, R>(
  run: (args: A, signal: AbortSignal) => Promise<R>,
  deliver: (r: R, args: A) => void,
  onError?: (e: unknown) => void,
  frames: FrameScheduler = animationFrames,
) {
  let seq = 0;
  let delivered = 0;
  let queued: A | null = null;
  let frame = 0;
  let inflight: AbortController | null = null;
  const flush = () => {
    frame = 0;
    if (queued === null) return;
    const args = queued;
    queued = null;
    const my = ++seq;
    inflight?.abort();
    const ctl = new AbortController();
    inflight = ctl;
    run(args, ctl.signal).then(
      (r) => {
        if (my < delivered || my !== seq) return;
        delivered = my;
        deliver(r, args);
      },
      (e: unknown) => {
        if (e instanceof BridgeError && e.code === 'aborted') return;
        if (my === seq) onError?.(e);
      },
    );
  };
  return {
    request(args: A) {
      queued = args;
      if (!frame) frame = frames.request(flush);
    },
    cancel() {
      if (frame) frames.cancel(frame);
      frame = 0;
      queued = null;
      inflight?.abort();
    },
  };
}
