/**
 * A planner session: the scores of every model (adopted once), and solves and β sweeps over them at the (mode, α, β)
 * the page asks for, answered with small results (metrics, a histogram of delivered exposure, the most boosted
 * items). Re-solves are warm-started and memoised (solutionMemo.ts). The host decides when a request is stale
 * (`shouldStop`, checked before each solve that is not memoised) and may pause there (`pause`: a worker yields to
 * its message queue so that it can see newer requests).
 */
import { err, ok, type Result } from '../util/result';
import { exposureHistogram, topBoosted, vCsv, type BoostedItem, type ExposureHistogram } from './report';
import { checkInput, unchangedModels } from './inputCheck';
import { settingsOf, SolutionMemo, type Solved } from './solutionMemo';
import type { PlannerSolvers, ScoreMatrix } from './solvers';
import type {
  MatchMetrics,
  MatchSettings,
  MatchSolution,
  ModelScores,
  PlannerInput,
  PlannerMode,
  SweepPoint,
} from './types';

export interface SolveRequest {
  mode: PlannerMode;
  /** User capacity, fraction of items. */
  alpha: number;
  /** Item minimal exposure, fraction of users (0 ≤ β ≤ α). */
  beta: number;
  /** Item maximal exposure β', fraction of users (appendix F's α sweep); absent: no upper bound. */
  betaMax?: number;
}

export interface ModelSolve {
  model: string;
  /** Null when the mode is not available for this model (reason says why). */
  metrics: MatchMetrics | null;
  reason?: string;
  histogram: ExposureHistogram | null;
  boosted: BoostedItem[];
  iterations: number;
  /** Solver seconds (0 for a memoised answer). */
  seconds: number;
  memoised: boolean;
}

export interface SolveResult {
  /** True when the request stopped early (its results are partial: drop it). */
  stale: boolean;
  mode: PlannerMode;
  alpha: number;
  beta: number;
  /** β' of the request, when it had one. */
  betaMax?: number;
  models: ModelSolve[];
}

/**
 * A sweep: the β sweep at α (Figure 4: item minimal exposure, `betas`), or with `alphas` the α sweep with item
 * maximal exposure β' = `betaMax` and no minimal exposure (appendix F, Figures S4-S7; `alpha` and `betas` unused).
 */
export interface CurvesRequest {
  mode: PlannerMode;
  alpha: number;
  /** β values of the sweep (each clipped to [0, α]). */
  betas: number[];
  /** User capacities of an α sweep (fractions of items); when given, the sweep runs over these instead of `betas`. */
  alphas?: number[];
  /** β' of the α sweep (fraction of users). */
  betaMax?: number;
  /** Only these models (all when absent): the page asks model by model so that lines appear as they are ready. */
  models?: string[];
}

export interface CurvesResult {
  stale: boolean;
  mode: PlannerMode;
  /** Which sweep: over β at `alpha`, or over α at β' = `betaMax`. */
  sweep: 'beta' | 'alpha';
  alpha: number;
  betaMax?: number;
  curves: { model: string; points: SweepPoint[]; reason?: string }[];
}

/** The settings of a sweep request, in its order. */
function sweepSettings(req: CurvesRequest): MatchSettings[] {
  if (req.alphas) return req.alphas.map((a) => settingsOf(a, 0, req.betaMax ?? 1));
  return req.betas.map((b) => settingsOf(req.alpha, b));
}

/** What the page learns when an input is adopted. */
export interface InputSummary {
  source: string;
  models: string[];
  testRows: number;
  nItems: number;
  /** Models that can run the online mode (they have validation rows). */
  online: string[];
}

export type PlannerCode = 'no-input' | 'bad-input' | 'unknown-model' | 'no-solution' | string;

export interface SessionOptions {
  /** Awaited before each solve that is not memoised, before `shouldStop` is asked (default: nothing to wait for). */
  pause?: () => Promise<void>;
  /**
   * Reads a model's validation scores back from the saved run named by its `validSaved` (the online mode asks for
   * them; null when they are no longer there). Without it such a model has no online mode.
   */
  loadValid?: (m: ModelScores) => Promise<Float32Array | null>;
}

/** Validation matrices read back (loadValid) that stay in memory, the most recently used: as many as workspaces. */
const VALID_RESIDENT = 2;

/** Is checked before each solve that is not memoised; true makes the request answer stale at once. */
export type ShouldStop = () => boolean;

const matrix = (data: Float32Array, nRows: number, nCols: number): ScoreMatrix => ({ data, nRows, nCols });

export function createPlannerSession(solvers: PlannerSolvers, opts: SessionOptions = {}) {
  const pause = opts.pause ?? (() => Promise.resolve());
  let input: PlannerInput | null = null;
  let source = '';
  const memo = new SolutionMemo();
  /** The last solution shown per model (what exportV writes). */
  const lastV = new Map<string, Float64Array>();

  /** Validation scores read back, by model, least recently used first (with the saved run they came from). */
  const resident = new Map<string, { savedAt: number; data: Float32Array }>();

  /** Model m's validation scores: given with the input, held from an earlier read, or read back now. */
  async function validOf(m: ModelScores): Promise<Result<Float32Array, string>> {
    if (m.valid && m.validRows > 0) return ok(m.valid);
    const noRows = err('no-valid', `${m.model}: no validation rows to calibrate v on`);
    if (m.validSaved === undefined || m.validRows === 0) return noRows;
    const hit = resident.get(m.model);
    if (hit && hit.savedAt === m.validSaved) {
      resident.delete(m.model);
      resident.set(m.model, hit);
      return ok(hit.data);
    }
    if (!opts.loadValid) return err('unavailable', `${m.model}: its validation scores cannot be read back here`);
    let data: Float32Array | null;
    try {
      data = await opts.loadValid(m);
    } catch (e) {
      return err('no-valid', `${m.model}: its validation scores could not be read back (${String(e)})`);
    }
    if (!data || data.length !== m.validRows * m.nItems)
      return err('no-valid', `${m.model}: its validation scores are no longer saved (train again for the online mode)`);
    resident.delete(m.model);
    while (resident.size >= VALID_RESIDENT) resident.delete(resident.keys().next().value!);
    resident.set(m.model, { savedAt: m.validSaved, data });
    return ok(data);
  }

  /** The validation scores an online solve of m needs (null for the other modes, or when the solve is memoised). */
  async function validFor(m: ModelScores, mode: PlannerMode, memoised: boolean) {
    return mode !== 'online' || memoised ? null : await validOf(m);
  }

  /** A memoised answer or a new solve of model `m` (the solvers' refusals are values). */
  async function solveOne(
    inp: PlannerInput,
    m: ModelScores,
    mode: PlannerMode,
    settings: MatchSettings,
    valid: Result<Float32Array, string> | null = null,
  ): Promise<Result<Solved, string>> {
    const hit = memo.get(m.model, mode, settings);
    if (hit) return ok(hit);
    const test = matrix(m.test, m.testRows, m.nItems);
    const warm = memo.startFrom(m.model, mode, settings);
    let sol: MatchSolution;
    if (mode === 'greedy') {
      if (!solvers.greedy) return err('unavailable', 'greedy matching is not available in this build');
      sol = solvers.greedy(test, settings);
    } else if (mode === 'offline') {
      if (!solvers.offline) return err('unavailable', 'the offline Dual is not available in this build yet');
      sol = await solvers.offline(test, settings, warm);
    } else {
      if (!solvers.online) return err('unavailable', 'the online Dual is not available in this build yet');
      if (!valid) return err('no-valid', `${m.model}: no validation rows to calibrate v on`);
      if (!valid.ok) return valid;
      sol = solvers.online(matrix(valid.data, m.validRows, m.nItems), test, settings, warm);
    }
    const solved: Solved = {
      model: m.model,
      mode,
      settings,
      metrics: solvers.evaluate(sol, inp.target),
      state: sol.state,
      itemExposure: sol.itemExposure,
      iterations: sol.iterations,
      seconds: sol.seconds,
    };
    memo.put(solved);
    return ok(solved);
  }

  /**
   * Solves in flight, and the sweep points waiting for them to end: a solve is the slider position the user is
   * looking at, a sweep (or the background fill of the other positions) can wait, so a sweep starts no new point
   * while a solve is asked (the solve then waits at most for the one point already running, not for one per model).
   */
  let solving = 0;
  let solvesDone: (() => void)[] = [];
  const solvesEnded = () => new Promise<void>((r) => solvesDone.push(r));
  const solveEnds = () => {
    if (--solving > 0) return;
    const waiting = solvesDone;
    solvesDone = [];
    for (const r of waiting) r();
  };

  /** Before a solve that is not memoised: pauses, then says whether the request must stop (or the input changed). */
  async function interrupted(inp: PlannerInput, shouldStop: ShouldStop, yieldToSolves = false): Promise<boolean> {
    await pause();
    while (yieldToSolves && solving > 0) await solvesEnded();
    return shouldStop() || input !== inp;
  }

  /** Every model at (mode, α, β) (session.solve counts it in flight). */
  async function solveModels(req: SolveRequest, shouldStop: ShouldStop): Promise<Result<SolveResult, PlannerCode>> {
    const inp = input;
    if (!inp) return err('no-input', 'the planner has no scores yet');
    const settings = settingsOf(req.alpha, req.beta, req.betaMax);
    const reply: SolveResult = {
      stale: false,
      mode: req.mode,
      alpha: settings.alpha,
      beta: settings.beta,
      ...(settings.betaMax !== undefined ? { betaMax: settings.betaMax } : {}),
      models: [],
    };
    // The histogram's target line: β·rows, or β'·rows (a cap) in the α sweep.
    const targetCount = (settings.beta > 0 ? settings.beta : (settings.betaMax ?? 0)) * inp.target.nRows;
    for (const m of inp.models) {
      const memoised = memo.has(m.model, req.mode, settings);
      if (!memoised && (await interrupted(inp, shouldStop))) return ok({ ...reply, stale: true });
      const valid = await validFor(m, req.mode, memoised);
      if (input !== inp) return ok({ ...reply, stale: true });
      const r = await solveOne(inp, m, req.mode, settings, valid);
      if (!r.ok) {
        reply.models.push({
          model: m.model,
          metrics: null,
          reason: r.reason,
          histogram: null,
          boosted: [],
          iterations: 0,
          seconds: 0,
          memoised: false,
        });
        continue;
      }
      const s = r.data;
      lastV.set(m.model, s.state.v);
      reply.models.push({
        model: m.model,
        metrics: s.metrics,
        histogram: exposureHistogram(s.itemExposure, targetCount),
        boosted: topBoosted(s.state.v, s.itemExposure, inp.itemIds),
        iterations: s.iterations,
        seconds: memoised ? 0 : s.seconds,
        memoised,
      });
    }
    return ok(reply);
  }

  const session = {
    /** Adopts scores and targets (they are held, not copied). Solutions of models whose scores changed are forgotten. */
    setInput(next: PlannerInput, from: string): Result<InputSummary, PlannerCode> {
      const bad = checkInput(next);
      if (bad) return err('bad-input', `planner input: ${bad}`);
      // Solutions of a model whose scores and targets are unchanged stay valid (a run that gives the planner its
      // models one by one sends the earlier ones again): keep them, so its curves redraw at once.
      const kept = unchangedModels(input, next);
      memo.keepModels(kept, kept.online);
      for (const [model, r] of [...resident])
        if (r.savedAt !== next.models.find((m) => m.model === model)?.validSaved) resident.delete(model);
      // Buffers (workspaces) of matrices no longer held can go.
      const live = new Set(next.models.flatMap((m) => (m.valid ? [m.test, m.valid] : [m.test])));
      for (const r of resident.values()) live.add(r.data);
      solvers.retain?.(live);
      for (const model of [...lastV.keys()]) if (!kept.has(model)) lastV.delete(model);
      input = next;
      source = from;
      return ok(session.summary()!);
    },

    summary(): InputSummary | null {
      if (!input) return null;
      return {
        source,
        models: input.models.map((m) => m.model),
        testRows: input.target.nRows,
        nItems: input.target.nCols,
        online: input.models
          .filter((m) => (m.valid || m.validSaved !== undefined) && m.validRows > 0)
          .map((m) => m.model),
      };
    },

    /** Solves every model at (mode, α, β); stops early (stale) when `shouldStop` says so. Sweeps wait for it. */
    async solve(req: SolveRequest, shouldStop: ShouldStop): Promise<Result<SolveResult, PlannerCode>> {
      solving++;
      try {
        return await solveModels(req, shouldStop);
      } finally {
        solveEnds();
      }
    },

    /** The β (or α) sweep for every model asked (points memoised like solves, so a curve fills once per α). */
    async curves(req: CurvesRequest, shouldStop: ShouldStop): Promise<Result<CurvesResult, PlannerCode>> {
      const inp = input;
      if (!inp) return err('no-input', 'the planner has no scores yet');
      const grid = sweepSettings(req);
      const reply: CurvesResult = {
        stale: false,
        mode: req.mode,
        sweep: req.alphas ? 'alpha' : 'beta',
        alpha: req.alpha,
        ...(req.alphas ? { betaMax: req.betaMax ?? 1 } : {}),
        curves: [],
      };
      for (const m of inp.models) {
        if (req.models && !req.models.includes(m.model)) continue;
        const points: SweepPoint[] = [];
        let reason: string | undefined;
        for (const settings of grid) {
          const memoised = memo.has(m.model, req.mode, settings);
          if (!memoised && (await interrupted(inp, shouldStop, true))) return ok({ ...reply, stale: true });
          const valid = await validFor(m, req.mode, memoised);
          if (input !== inp) return ok({ ...reply, stale: true });
          const r = await solveOne(inp, m, req.mode, settings, valid);
          if (!r.ok) {
            reason = r.reason;
            break;
          }
          points.push({
            ...r.data.metrics,
            alpha: settings.alpha,
            beta: settings.beta,
            ...(settings.betaMax !== undefined ? { betaMax: settings.betaMax } : {}),
            mode: req.mode,
            seconds: r.data.seconds,
          });
        }
        reply.curves.push(reason ? { model: m.model, points, reason } : { model: m.model, points });
      }
      return ok(reply);
    },

    /** Models whose validation scores the input left in a saved run (`validSaved`), with that run's savedAt. */
    validLeftSaved(): { model: string; savedAt: number }[] {
      return (input?.models ?? []).flatMap((m) =>
        !m.valid && m.validSaved !== undefined && m.validRows > 0 ? [{ model: m.model, savedAt: m.validSaved }] : [],
      );
    },

    /**
     * Model `model`'s validation scores given after all, where the input left them in the saved run `savedAt` (that
     * save failed, so they cannot be read back): held with the input from now on. False, and not held, when the input
     * names no such scores or `data` is not validRows × nItems.
     */
    giveValid(savedAt: number, model: string, data: Float32Array): boolean {
      const i = input ? input.models.findIndex((m) => m.model === model) : -1;
      const m = input?.models[i];
      if (!m || m.valid || m.validSaved !== savedAt || data.length !== m.validRows * m.nItems) return false;
      const { validSaved: _, ...given } = m;
      input!.models[i] = { ...given, valid: data };
      resident.delete(model);
      return true;
    },

    /** v(y) of the model's last shown solution as CSV (item id, v): what a server would subtract from λ. */
    exportV(model: string): Result<string, PlannerCode> {
      if (!input) return err('no-input', 'the planner has no scores yet');
      const v = lastV.get(model);
      if (!v) return err('no-solution', `${model}: no solution shown yet`);
      return ok(vCsv(input.itemIds, v));
    },
  };
  return session;
}

export type PlannerSession = ReturnType<typeof createPlannerSession>;
