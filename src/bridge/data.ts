/** Page side of the data worker. The worker code is reached only through `import type` (never bundled into the page). */
import * as Comlink from 'comlink';
import type { DataApi } from '../../workers/data.api';
import { createWorkerClient, type WorkerClient } from './client';

export type { DataSummary, DataCharts, Columns, Sniff, ReadAs } from '../../workers/data.api';

let client: WorkerClient<DataApi> | null = null;

let restartListener: ((reason: string) => void) | null = null;

/** Who rebuilds the worker's data after a crash (the dataset actions). */
export function onDataWorkerRestart(f: (reason: string) => void): void {
  restartListener = f;
}

/** The one data worker of the page, started on first use. */
export function dataClient(): WorkerClient<DataApi> {
  client ??= createWorkerClient<DataApi>(
    'data',
    () => new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module' }),
    (reason) => restartListener?.(reason),
  );
  return client;
}

/** Progress callbacks cross the boundary as Comlink proxies. */
export const proxyCallback = <F extends (...a: never[]) => void>(f: F) => Comlink.proxy(f);
