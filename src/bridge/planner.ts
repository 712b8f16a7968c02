/**
 * Page side of the planner worker. The worker code is reached only through `import type`. Scores move in once by
 * transfer (`setPlannerInput`); slider requests are latest-wins (one per animation frame, stale replies dropped, see
 * client.ts) and carry a sequence number so that the worker can stop an older solve early. After a crash the worker
 * is restarted and the owner (the planner store) sends its input again.
 */
import * as Comlink from 'comlink';
import type {
  PlannerApi,
  SolveReply,
  CurvesReply,
  CurvesRequest,
  InputSummary,
  PlannerPassMode,
  SolveRequest,
} from '../../workers/planner.api';
import type { PlannerInput } from '../core/planner/types';
import { inputBuffers } from '../core/planner/inputBuffers';
import type { Result } from '../core/util/result';
import { latestWins, workerSingleton, type FrameScheduler } from './client';

export type {
  SolveReply,
  CurvesReply,
  InputSummary,
  ModelSolve,
  BoostedItem,
  ExposureHistogram,
  PlannerPassMode,
  PlannerPassNote,
} from '../../workers/planner.api';

const planner = workerSingleton<PlannerApi>(
  'planner',
  () => new Worker(new URL('../../workers/planner.worker.ts', import.meta.url), { type: 'module' }),
);
/** The one planner worker of the page, started on first use. */
export const plannerClient = planner.client;
/** Who re-sends the input after a crash (the planner store). */
export const onPlannerWorkerRestart = planner.onRestart;

/** Sends scores and targets to the worker by transfer, with where its offline Dual's passes may run. */
export function setPlannerInput(
  input: PlannerInput,
  source: string,
  pass: PlannerPassMode = 'auto',
): Promise<Result<InputSummary, string>> {
  return plannerClient().call<Result<InputSummary, string>>(async (api) => {
    await api.setPassMode(pass);
    return api.setInput(Comlink.transfer(input, inputBuffers(input)), source);
  });
}

/** Models whose validation scores the planner's input left in a saved run, with its savedAt. */
export function plannerValidLeftSaved(): Promise<{ model: string; savedAt: number }[]> {
  return plannerClient().call((api) => api.validLeftSaved());
}

/** Validation scores the saved run `savedAt` does not hold after all (its save failed), moved to the planner by
 * transfer; resolves with the models that took them. */
export function giveValidScores(savedAt: number, scores: [string, Float32Array][]): Promise<string[]> {
  const buffers = scores.map(([, v]) => v.buffer as ArrayBuffer);
  return plannerClient().call((api) => api.giveValid(savedAt, Comlink.transfer(scores, buffers)));
}

export function exportPlannerV(model: string): Promise<Result<string, string>> {
  return plannerClient().call<Result<string, string>>((api) => api.exportV(model));
}

/** Sequence numbers shared by solves and curves: the worker stops anything older than its newest request. */
let seq = 0;

/** Latest-wins requests of one kind; a reply that failed goes to onError, one the worker marked stale is dropped. */
function requests<A, R extends { stale: boolean }>(
  ask: (api: Comlink.Remote<PlannerApi>, args: A & { seq: number }) => Promise<Result<R, string>>,
  deliver: (r: R) => void,
  onError: (e: unknown) => void,
  frames?: FrameScheduler,
) {
  return latestWins<A, Result<R, string>>(
    (args, signal) => plannerClient().call<Result<R, string>>((api) => ask(api, { ...args, seq: ++seq }), signal),
    (r) => {
      if (!r.ok) onError(new Error(r.reason));
      else if (!r.data.stale) deliver(r.data);
    },
    onError,
    frames,
  );
}

/** Latest-wins solve requests: `deliver` gets only the newest completed reply. `frames` is for tests. */
export const solveRequests = (
  deliver: (r: SolveReply) => void,
  onError: (e: unknown) => void,
  frames?: FrameScheduler,
) =>
  requests<SolveRequest, SolveReply>(
    (api, a) => api.solve(a) as Promise<Result<SolveReply, string>>,
    deliver,
    onError,
    frames,
  );

/** Makes the worker stop every request made so far at its next point (they answer stale). */
export function haltPlannerWork(): Promise<void> {
  const upTo = seq;
  return plannerClient().call((api) => api.halt(upTo));
}

/** One β sweep request (numbered like the solves: a newer sweep makes the worker stop this one early). */
export function sweepCurves(args: CurvesRequest, signal?: AbortSignal): Promise<Result<CurvesReply, string>> {
  return plannerClient().call<Result<CurvesReply, string>>((api) => api.curves({ ...args, seq: ++seq }), signal);
}
