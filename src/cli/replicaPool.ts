/**
 * Replicas of a sequence model in Node worker threads (replicaWorker.ts), for data-parallel training
 * (core/models/sequence/parallel.ts): tfjs's own WASM thread pool cannot start in Node (its threaded build makes a
 * Worker from a blob: URL, which Node rejects), so the threads split each batch instead.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
// Types only from parallel.ts, which loads tfjs: `rimw` starts without it (lazy.ts).
import type { FromReplica, ReplicaPool } from '../core/models/sequence/parallel';
import { Inbox } from '../core/util/inbox';

/**
 * Threads by default: one. Each shard still walks its longest user's every step and the weights go back to every
 * replica, so on 2 cores 2 threads measured slower than 1 (docs/benchmarks.md, seq-threads); more are opt-in.
 */
export const defaultThreads = (): number => 1;
/** This machine's cores, for the help text: more threads than cores only wait for each other. */
export const coreCount = (): number => availableParallelism();

/**
 * How to start replicaWorker in this build. From the TypeScript sources (tsx, vitest) the thread registers tsx
 * itself before importing it: a worker's execArgv cannot carry `--import tsx` in Node 20. Built
 * (scripts/build-cli.mjs), this module sits in dist-cli/ or dist-cli/chunks/ and the worker entry in dist-cli/.
 */
function workerEntry(): { source: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = JSON.stringify(new URL('./replicaWorker.ts', here).href);
    return { source: `import('tsx/esm/api').then((t) => { t.register(); return import(${entry}); });`, eval: true };
  }
  const dir = new URL('.', here);
  return {
    source: new URL('replicaWorker.js', dir.pathname.endsWith('/chunks/') ? new URL('..', dir) : dir),
    eval: false,
  };
}

/**
 * Starts `size` replica threads on `backend`. They keep the process alive until close() (which the owner must call,
 * in a finally); a thread that fails rejects the messages awaited from it.
 */
export function startReplicaPool(size: number, backend: 'wasm' | 'cpu'): ReplicaPool {
  const { source, eval: isEval } = workerEntry();
  const inboxes = Array.from({ length: size }, () => new Inbox<FromReplica>());
  const workers = inboxes.map((inbox, r) => {
    const w = new Worker(source, { eval: isEval, workerData: { backend } });
    w.on('message', (m: FromReplica) => inbox.push(m));
    w.on('error', (e) => inbox.fail(new Error(`replica thread ${r}: ${e.message}`)));
    w.on('exit', (code) => inbox.fail(new Error(`replica thread ${r} exited (code ${code})`)));
    return w;
  });
  return {
    size,
    // Structured clone: each replica gets its own copy of the weights (parallel.ts, design notes).
    send: (r, msg) => workers[r].postMessage(msg),
    next: (r) => inboxes[r].next(),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
