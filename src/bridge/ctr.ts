/**
 * Page side of the click-and-conversion worker. The worker code is reached only through `import type`; the impression
 * log stays in the worker (files are read there), the page receives summaries and results.
 */
import * as Comlink from 'comlink';
import type { CtrApi } from '../../workers/ctr.api';
import type { PlannerInput } from '../core/planner/types';
import { workerSingleton } from './client';

export type { CtrData, CtrLoad, RunProgress } from '../../workers/ctr.api';

const ctr = workerSingleton<CtrApi>(
  'click-and-conversion',
  () => new Worker(new URL('../../workers/ctr.worker.ts', import.meta.url), { type: 'module' }),
);
/** The one click-and-conversion worker of the page, started on first use. */
export const ctrClient = ctr.client;
/** Who reacts when the worker crashed and was restarted (state/ctr.ts: the log it held is gone). */
export const onCtrWorkerRestart = ctr.onRestart;

/** Progress and row callbacks cross the boundary as Comlink proxies. */
export const ctrProxy = <F extends (...a: never[]) => unknown>(f: F) => Comlink.proxy(f);

/** The last ctr run's conversion scores as the planner's input (moved by transfer); null without one. */
export function fetchCtrPlannerInput(): Promise<PlannerInput | null> {
  return ctrClient().call((api) => api.plannerInput());
}
