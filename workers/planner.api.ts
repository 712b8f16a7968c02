/**
 * The planner worker's API: a plain object over a planner session (core/planner/session.ts), importable in Node
 * tests; planner.worker.ts only exposes it with Comlink.
 *
 * The scores of every model arrive once, by transfer, in `setInput` and stay here (validation scores that the run
 * left in its saved record are read from there when the online mode first needs them, or arrive in `giveValid` when
 * that save failed); slider moves send (mode, α, β)
 * and get small results back. Each request carries a sequence number: a newer request of the same kind makes an
 * older one answer stale, checked before each solve, after a yield to the message queue so that newer requests are
 * seen at all.
 */
import { ok, type Result } from '../src/core/util/result';
import type { ModelScores, PlannerInput } from '../src/core/planner/types';
import {
  createPlannerSession,
  type CurvesRequest,
  type CurvesResult,
  type InputSummary,
  type PlannerCode,
  type SolveRequest,
  type SolveResult,
} from '../src/core/planner/session';
import type { PlannerSolvers } from '../src/core/planner/solvers';
import { createPassSolvers, type PlannerPassMode, type PlannerPassNote } from './plannerPass';
import { loadValidScores } from './workspace';
import { release } from '../src/core/util/release';
import { inputArrays } from '../src/core/planner/inputBuffers';

export type { CurvesRequest, InputSummary, ModelSolve, PlannerCode, SolveRequest } from '../src/core/planner/session';
export type { BoostedItem, ExposureHistogram } from '../src/core/planner/report';
export type { PlannerSolvers, ScoreMatrix } from '../src/core/planner/solvers';
export type { PlannerPassMode, PlannerPassNote } from './plannerPass';

/** Sequence number of a request; a request with a larger one makes this one stop early. */
interface Numbered {
  seq: number;
}

/** `pass`: the path the offline Dual's last constrained solve took (WebGPU pass or CPU), null before one. */
export type SolveReply = SolveResult & Numbered & { pass?: PlannerPassNote | null };
export type CurvesReply = CurvesResult & Numbered;

/** Lets the worker see messages that arrived meanwhile (a newer request) before the next solve. */
const yieldToQueue = () => new Promise<void>((r) => setTimeout(r, 0));

const numbered = <R>(seq: number, r: Result<R, PlannerCode>): Result<R & Numbered, PlannerCode> =>
  r.ok ? ok({ seq, ...r.data }) : r;

/**
 * Validation scores left in the saved run (ModelScores.validSaved) are read from there when the online mode asks:
 * until then the planner holds the test scores only.
 */
const fromSavedRun = async (m: ModelScores): Promise<Float32Array | null> =>
  m.validSaved === undefined ? null : await loadValidScores(m.validSaved, m.model);

/** Where the offline Dual's passes run (plannerPass.ts): the mode asked and the path taken. */
interface PassPath {
  setMode(mode: PlannerPassMode): void;
  note(): PlannerPassNote | null;
}

/**
 * The API over a set of solvers (tests inject their own; the worker uses core/planner's, with the offline Dual on
 * the WebGPU pass where `pass` allows), the reader of validation scores left saved.
 */
export function createPlannerApi(solvers: PlannerSolvers, loadValid = fromSavedRun, pass: PassPath | null = null) {
  const session = createPlannerSession(solvers, { pause: yieldToQueue, loadValid });
  /** The largest sequence number seen per kind of request: an older request of the same kind stops early (a solve
   * never stops a sweep: the curves must fill while β is dragged). */
  const newest = { solve: 0, curves: 0 };
  /** The input adopted last. */
  let held: PlannerInput | null = null;

  return {
    /**
     * Adopts scores and targets (send the arrays by transfer: they stay here). The arrays of the input it replaces
     * that the new one does not hold are freed at once (they came by transfer too: nobody else reads them).
     */
    setInput(next: PlannerInput, from = 'trained models'): Result<InputSummary, PlannerCode> {
      // A User Timing mark in the worker's trace: when the page's input arrived.
      performance.mark('planner:input-set');
      const r = session.setInput(next, from);
      if (r.ok && held) {
        const live = new Set(inputArrays(next));
        for (const a of inputArrays(held)) if (!live.has(a)) release(a);
      }
      if (r.ok) held = next;
      return r;
    },

    summary: (): InputSummary | null => session.summary(),

    /**
     * Stops every request numbered up to `seq` at its next point (they answer stale): the page halts the sweep and
     * the background fill while a file is read, so that they do not share the cores with the read.
     */
    halt(seq: number): void {
      newest.solve = Math.max(newest.solve, seq + 1);
      newest.curves = Math.max(newest.curves, seq + 1);
    },

    /** Solves every model at (mode, α, β); stops early (stale) when a newer request arrives. */
    async solve(req: SolveRequest & Numbered): Promise<Result<SolveReply, PlannerCode>> {
      newest.solve = Math.max(newest.solve, req.seq);
      const r = numbered(req.seq, await session.solve(req, () => req.seq < newest.solve));
      return r.ok ? ok({ ...r.data, pass: pass?.note() ?? null }) : r;
    },

    /** Where the offline Dual's passes may run ('auto': a hardware WebGPU adapter; 'webgpu': any; 'cpu'). */
    setPassMode(mode: PlannerPassMode): void {
      pass?.setMode(mode);
    },

    /** The β sweep at this α for every model asked (points memoised like solves, so a curve fills once per α). */
    async curves(req: CurvesRequest & Numbered): Promise<Result<CurvesReply, PlannerCode>> {
      newest.curves = Math.max(newest.curves, req.seq);
      return numbered(req.seq, await session.curves(req, () => req.seq < newest.curves));
    },

    /** Models whose validation scores the input left in a saved run, with its savedAt (session.ts validLeftSaved). */
    validLeftSaved: (): { model: string; savedAt: number }[] => session.validLeftSaved(),

    /**
     * Validation scores that the saved run `savedAt` was to hold and does not (its save failed), sent by transfer from
     * the run worker: held with the input (the online mode reads them from here). Returns the models that took them;
     * the others' arrays are freed.
     */
    giveValid(savedAt: number, scores: [string, Float32Array][]): string[] {
      const taken: string[] = [];
      for (const [model, data] of scores) {
        if (session.giveValid(savedAt, model, data)) taken.push(model);
        else release(data);
      }
      return taken;
    },

    /** v(y) of the model's last shown solution as CSV (item id, v). */
    exportV: (model: string): Result<string, PlannerCode> => session.exportV(model),
  };
}

const passPath = createPassSolvers();
export const plannerApi = createPlannerApi(passPath.solvers, fromSavedRun, passPath);
export type PlannerApi = typeof plannerApi;
