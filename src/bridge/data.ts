/** Page side of the data worker. The worker code is reached only through `import type` (never bundled into the page). */
import * as Comlink from 'comlink';
import type { DataApi } from '../../workers/data.api';
import { workerSingleton } from './client';

export type { DataSummary, DataCharts, Columns, Sniff, ReadAs } from '../../workers/data.api';

const data = workerSingleton<DataApi>(
  'data',
  () => new Worker(new URL('../../workers/data.worker.ts', import.meta.url), { type: 'module' }),
);
/** The one data worker of the page, started on first use. */
export const dataClient = data.client;
/** Who rebuilds the worker's data after a crash (the dataset actions). */
export const onDataWorkerRestart = data.onRestart;

/** Progress callbacks cross the boundary as Comlink proxies. */
export const proxyCallback = <F extends (...a: never[]) => void>(f: F) => Comlink.proxy(f);
