/**
 * The data worker's side of the second reader (browser only): one nested worker, started ahead of a load (warm),
 * terminated on a cancelled load or a crash, when every pending read is rejected (the data worker then reads the
 * rest itself), never left hanging.
 */
import * as Comlink from 'comlink';
import type { IngestPart, PartSettings } from '../src/core/data/ingest';
import type { IngestPartApi, PartReader } from './ingestPart.api';

export function workerPartReader(): PartReader {
  let worker: Worker | null = null;
  let api: Comlink.Remote<IngestPartApi> | null = null;
  const pending = new Set<(e: Error) => void>();
  const stop = (why = 'stopped') => {
    worker?.terminate();
    worker = null;
    api = null;
    for (const reject of pending) reject(new Error(`the second reader ${why}`));
    pending.clear();
  };
  const ensure = (): Comlink.Remote<IngestPartApi> => {
    if (!api) {
      const w = new Worker(new URL('./ingestPart.worker.ts', import.meta.url), { type: 'module' });
      w.addEventListener('error', (e) => {
        e.preventDefault();
        if (w === worker) stop(`failed (${e.message || 'uncaught error'})`);
      });
      worker = w;
      api = Comlink.wrap<IngestPartApi>(w);
    }
    return api;
  };
  return {
    warm: () => void ensure(),
    stop: () => stop(),
    read: (blob: Blob, settings: PartSettings) =>
      new Promise<IngestPart>((resolve, reject) => {
        const fail = (e: Error) => reject(e);
        pending.add(fail);
        ensure()
          .read(blob, settings)
          .then(
            (p) => pending.delete(fail) && resolve(p),
            (e: unknown) => pending.delete(fail) && reject(e instanceof Error ? e : new Error(String(e))),
          );
      }),
  };
}
