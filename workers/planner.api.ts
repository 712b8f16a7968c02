/**
 * The planner worker's API (issue 4 worker side, issue 5 Planner): a plain object over core/planner, importable in
 * Node tests; planner.worker.ts only exposes it with Comlink.
 *
 * The scores of every model stay in the worker (they arrive once, by transfer, in `setInput`); slider moves only
 * send (mode, α, β) and get small results back: metrics, the operating point, a histogram of delivered exposure, the
 * most boosted items. Re-solves are warm-started from the last dual state of the same model and mode and memoised by
 * parameters (STYLE habit 5). Each request carries a sequence number: a newer request makes older ones return early,
 * checked between models and between solves (the worker yields to its message queue there so that it can see them).
 */
import type {
  DualState,
  MatchMetrics,
  MatchSettings,
  MatchSolution,
  ModelScores,
  PlannerInput,
  PlannerMode,
  SweepPoint,
} from '../src/core/planner/types';
import { err, ok, type Result } from '../src/core/util/result';
import type { Dataset } from '../src/core/data/types';
import { plannerInputFrom, syntheticPlannerInput } from './planner.input';
import { defaultSolvers, type PlannerSolvers, type ScoreMatrix } from './planner.solvers';

export type { PlannerSolvers, ScoreMatrix } from './planner.solvers';

export interface SolveRequest {
  mode: PlannerMode;
  /** User capacity, fraction of items. */
  alpha: number;
  /** Item minimal exposure, fraction of users (0 ≤ β ≤ α). */
  beta: number;
  /** Sequence number of the request; a request with a larger one makes this one stop early. */
  seq: number;
}

/** Delivered exposure per item: items with an exposure count in [lo[i], lo[i] + width). */
export interface ExposureHistogram {
  lo: number[];
  width: number;
  count: number[];
  /** The β target in exposures per item (β · test rows). */
  target: number;
  /** Items at or above the target (within one exposure, as issue 4 counts them). */
  atTarget: number;
}

/** An item the dual pushes up: the largest −v(y) first. */
export interface BoostedItem {
  id: string;
  /** v(y) in score units (≤ 0 for a minimal-exposure constraint). */
  v: number;
  /** Test rows that got the item. */
  exposure: number;
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

export interface SolveReply {
  seq: number;
  /** True when a newer request arrived and this one stopped early (its results are partial: drop it). */
  stale: boolean;
  mode: PlannerMode;
  alpha: number;
  beta: number;
  models: ModelSolve[];
}

export interface CurvesRequest {
  mode: PlannerMode;
  alpha: number;
  /** β values of the sweep (each clipped to [0, α]). */
  betas: number[];
  /** Only these models (all when absent): the page asks model by model so that lines appear as they are ready. */
  models?: string[];
  seq: number;
}

export interface CurvesReply {
  seq: number;
  stale: boolean;
  mode: PlannerMode;
  alpha: number;
  curves: { model: string; points: SweepPoint[]; reason?: string }[];
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

const HIST_BINS = 20;
const TOP_BOOSTED = 10;
/** Memoised solutions kept per worker (small records: metrics, v, exposure). */
const MEMO_LIMIT = 512;
/** Memoised offline solutions that keep their assignment for resuming (per worker, all models). */
const RESUME_LIMIT = 48;

interface Solved {
  /** The model and settings it was solved for (memo entries are keyed by them; see memoKey). */
  model: string;
  mode: PlannerMode;
  settings: MatchSettings;
  metrics: MatchMetrics;
  state: DualState;
  itemExposure: Int32Array;
  iterations: number;
  seconds: number;
}

/** Map keys; the entries carry the same fields, so nothing is read back out of a key. */
const memoKey = (model: string, mode: PlannerMode, s: MatchSettings) => JSON.stringify([model, mode, s.alpha, s.beta]);

/** Yields to the worker's message queue so that a newer request can be seen (between models and solves). */
const yieldToQueue = () => new Promise<void>((r) => setTimeout(r, 0));

/** Checks an input before adopting it: shapes of every model against the targets and the ids. */
export function checkInput(input: PlannerInput): string | null {
  if (input.models.length === 0) return 'no models';
  const { nRows, nCols } = input.target;
  if (input.itemIds.length !== nCols) return `itemIds has ${input.itemIds.length} ids for ${nCols} items`;
  for (const m of input.models) {
    if (m.nItems !== nCols || m.testRows !== nRows)
      return `${m.model}: scores ${m.testRows}×${m.nItems}, targets ${nRows}×${nCols}`;
    if (m.test.length !== m.testRows * m.nItems)
      return `${m.model}: ${m.test.length} test scores for ${m.testRows}×${m.nItems}`;
    if (m.valid && m.valid.length !== m.validRows * m.nItems)
      return `${m.model}: ${m.valid.length} validation scores for ${m.validRows}×${m.nItems}`;
  }
  return null;
}

const sameArray = (a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean => {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Models of `next` whose test and validation scores, and the targets, equal those of `prev` (by value). */
export function unchangedModels(prev: PlannerInput | null, next: PlannerInput): Set<string> {
  const same = new Set<string>();
  if (!prev) return same;
  const [a, b] = [prev.target, next.target];
  if (
    a.nRows !== b.nRows ||
    a.nCols !== b.nCols ||
    !sameArray(a.indptr, b.indptr) ||
    !sameArray(a.indices, b.indices) ||
    !sameArray(a.data, b.data)
  )
    return same;
  for (const m of next.models) {
    const old = prev.models.find((o) => o.model === m.model);
    if (
      old &&
      old.testRows === m.testRows &&
      old.validRows === m.validRows &&
      sameArray(old.test, m.test) &&
      sameArray(old.valid, m.valid)
    )
      same.add(m.model);
  }
  return same;
}

/** Histogram of exposure counts in HIST_BINS equal bins from 0 to the largest count (at least the target). */
export function exposureHistogram(exposure: Int32Array, target: number): ExposureHistogram {
  let max = 0;
  let atTarget = 0;
  for (const e of exposure) {
    if (e > max) max = e;
    if (e >= target - 1) atTarget++;
  }
  const top = Math.max(max + 1, Math.ceil(target) + 1);
  const width = Math.max(1, Math.ceil(top / HIST_BINS));
  const n = Math.ceil(top / width);
  const count = new Array<number>(n).fill(0);
  for (const e of exposure) count[Math.min(n - 1, Math.floor(e / width))]++;
  return { lo: count.map((_, i) => i * width), width, count, target, atTarget };
}

/** The TOP_BOOSTED items with the largest −v (only items with v < 0: the dual raised them). */
export function topBoosted(v: Float64Array, exposure: Int32Array, ids: string[], k = TOP_BOOSTED): BoostedItem[] {
  const idx: number[] = [];
  for (let j = 0; j < v.length; j++) if (v[j] < 0) idx.push(j);
  idx.sort((a, b) => v[a] - v[b] || a - b);
  return idx.slice(0, k).map((j) => ({ id: ids[j], v: v[j], exposure: exposure[j] }));
}

/** CSV of v per item: a header, then `id,v` rows; ids with a comma or quote are quoted. */
export function vCsv(ids: string[], v: Float64Array): string {
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = ['item,v'];
  for (let j = 0; j < v.length; j++) rows.push(`${q(ids[j])},${v[j]}`);
  return rows.join('\n') + '\n';
}

/** The API over a set of solvers (tests inject their own; the worker uses core/planner's). */
export function createPlannerApi(solvers: PlannerSolvers) {
  let input: PlannerInput | null = null;
  let source = '';
  /** The largest sequence number seen per kind of request: an older request of the same kind stops early (a solve
   * never stops a sweep: the curves must fill while β is dragged). */
  const newest = { solve: 0, curves: 0 };
  /** The last dual state per model and mode, to warm-start from (greedy has none). */
  const warm = new Map<string, Map<PlannerMode, DualState>>();
  const memo = new Map<string, Solved>();
  /** Memo keys whose solution still holds a resumable auction assignment, oldest first. */
  const resumeKeys: string[] = [];
  /** The last solution shown per model (what exportV writes). */
  const lastV = new Map<string, Float64Array>();

  const matrix = (data: Float32Array, nRows: number, nCols: number): ScoreMatrix => ({ data, nRows, nCols });

  function solveOne(
    inp: PlannerInput,
    m: ModelScores,
    mode: PlannerMode,
    settings: MatchSettings,
  ): Result<Solved, string> {
    const key = memoKey(m.model, mode, settings);
    const hit = memo.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      memo.delete(key);
      memo.set(key, hit);
      return ok(hit);
    }
    const test = matrix(m.test, m.testRows, m.nItems);
    const w = (mode === 'offline' ? resumable(m.model, settings) : null) ?? warm.get(m.model)?.get(mode) ?? null;
    let sol: MatchSolution;
    if (mode === 'greedy') {
      if (!solvers.greedy) return err('unavailable', 'greedy matching is not available in this build');
      sol = solvers.greedy(test, settings);
    } else if (mode === 'offline') {
      if (!solvers.offline) return err('unavailable', 'the offline Dual is not available in this build yet');
      sol = solvers.offline(test, settings, w);
    } else {
      if (!solvers.online) return err('unavailable', 'the online Dual is not available in this build yet');
      if (!m.valid || m.validRows === 0) return err('no-valid', `${m.model}: no validation rows to calibrate v on`);
      sol = solvers.online(matrix(m.valid, m.validRows, m.nItems), test, settings, w);
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
    if (mode !== 'greedy') {
      const byMode = warm.get(m.model) ?? new Map<PlannerMode, DualState>();
      byMode.set(mode, sol.state);
      warm.set(m.model, byMode);
    }
    memo.set(key, solved);
    if (memo.size > MEMO_LIMIT) memo.delete(memo.keys().next().value!);
    if (solved.state.auction) {
      resumeKeys.push(key);
      // Only the newest few keep their assignment (rows × K ints, ~1 MB at the ML-1M shape); the rest keep metrics.
      while (resumeKeys.length > RESUME_LIMIT) {
        const old = memo.get(resumeKeys.shift()!);
        if (old) old.state = { ...old.state, auction: undefined };
      }
    }
    return ok(solved);
  }

  /**
   * The offline solution to resume from: the memoised one of this model at the same α with the largest β not above
   * this one (the auction resumes upwards only; see core/planner/exact.ts). A drag downwards resumes from the curve's
   * grid point below, at most a few slider steps away.
   */
  function resumable(model: string, s: MatchSettings): DualState | null {
    let best: DualState | null = null;
    let bestBeta = -1;
    for (const key of resumeKeys) {
      const hit = memo.get(key);
      if (!hit?.state.auction || hit.model !== model || hit.mode !== 'offline' || hit.settings.alpha !== s.alpha)
        continue;
      const b = hit.settings.beta;
      if (b <= s.beta && b > bestBeta) {
        best = hit.state;
        bestBeta = b;
      }
    }
    return best;
  }

  /** Fractions rounded to 1e-9 so that a slider value and a sweep grid point name the same memo entry. */
  const round = (x: number) => Math.round(x * 1e9) / 1e9;
  const settingsOf = (alpha: number, beta: number): MatchSettings => ({
    alpha: round(alpha),
    beta: round(Math.min(Math.max(0, beta), alpha)),
  });

  const api = {
    /** Adopts scores and targets (send the arrays by transfer: they stay here). Forgets every cached solution. */
    setInput(next: PlannerInput, from = 'trained models'): Result<InputSummary, PlannerCode> {
      const bad = checkInput(next);
      if (bad) return err('bad-input', `planner input: ${bad}`);
      // Solutions of a model whose scores and targets are unchanged stay valid (the page's quick models and the
      // same models trained on the same split give equal scores): keep them, so its curves redraw at once.
      const kept = unchangedModels(input, next);
      const stays = (key: string) => kept.has(memo.get(key)?.model ?? '');
      const resumeKept = resumeKeys.filter(stays);
      for (const key of [...memo.keys()]) if (!stays(key)) memo.delete(key);
      for (const model of [...warm.keys()]) if (!kept.has(model)) warm.delete(model);
      resumeKeys.length = 0;
      resumeKeys.push(...resumeKept);
      for (const model of [...lastV.keys()]) if (!kept.has(model)) lastV.delete(model);
      input = next;
      source = from;
      return ok(api.summary()!);
    },

    /** Builds the input from the synthetic world and quick models (Pop, EMA, Hawkes) here, in the worker. */
    async useSynthetic(
      preset: 'small' | 'ml1m' = 'small',
      seed = 1,
      models?: string[],
    ): Promise<Result<InputSummary, PlannerCode>> {
      const r = await syntheticPlannerInput(preset, seed, models ? { models } : {});
      if (!r.ok) return r;
      return api.setInput(r.data, `synthetic ${preset} (seed ${seed}), quick models`);
    },

    /** The same on a Dataset sent here (by transfer): its default split and quick models' scores. */
    async useDataset(dataset: Dataset, source: string, models?: string[]): Promise<Result<InputSummary, PlannerCode>> {
      const r = await plannerInputFrom(dataset, models ? { models } : {});
      if (!r.ok) return r;
      return api.setInput(r.data, `${source}, quick models`);
    },

    summary(): InputSummary | null {
      if (!input) return null;
      return {
        source,
        models: input.models.map((m) => m.model),
        testRows: input.target.nRows,
        nItems: input.target.nCols,
        online: input.models.filter((m) => m.valid && m.validRows > 0).map((m) => m.model),
      };
    },

    /**
     * Stops every request numbered up to `seq` at its next point (they answer stale): the page halts the sweep and
     * the background fill while a file is read, so that they do not share the cores with the read.
     */
    halt(seq: number): void {
      newest.solve = Math.max(newest.solve, seq + 1);
      newest.curves = Math.max(newest.curves, seq + 1);
    },

    /** Solves every model at (mode, α, β); stops early (stale) when a newer request arrives. */
    async solve(req: SolveRequest): Promise<Result<SolveReply, PlannerCode>> {
      const inp = input;
      if (!inp) return err('no-input', 'the planner has no scores yet');
      newest.solve = Math.max(newest.solve, req.seq);
      const settings = settingsOf(req.alpha, req.beta);
      const reply: SolveReply = {
        seq: req.seq,
        stale: false,
        mode: req.mode,
        alpha: settings.alpha,
        beta: settings.beta,
        models: [],
      };
      const targetCount = settings.beta * inp.target.nRows;
      for (const m of inp.models) {
        const memoised = memo.has(memoKey(m.model, req.mode, settings));
        if (!memoised) {
          await yieldToQueue();
          if (req.seq < newest.solve || input !== inp) return ok({ ...reply, stale: true });
        }
        const r = solveOne(inp, m, req.mode, settings);
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
    },

    /** The β sweep at this α for every model (points memoised like solves, so the curve fills once per α). */
    async curves(req: CurvesRequest): Promise<Result<CurvesReply, PlannerCode>> {
      const inp = input;
      if (!inp) return err('no-input', 'the planner has no scores yet');
      newest.curves = Math.max(newest.curves, req.seq);
      const reply: CurvesReply = { seq: req.seq, stale: false, mode: req.mode, alpha: req.alpha, curves: [] };
      for (const m of inp.models) {
        if (req.models && !req.models.includes(m.model)) continue;
        const points: SweepPoint[] = [];
        let reason: string | undefined;
        for (const b of req.betas) {
          const settings = settingsOf(req.alpha, b);
          if (!memo.has(memoKey(m.model, req.mode, settings))) {
            await yieldToQueue();
            if (req.seq < newest.curves || input !== inp) return ok({ ...reply, stale: true });
          }
          const r = solveOne(inp, m, req.mode, settings);
          if (!r.ok) {
            reason = r.reason;
            break;
          }
          points.push({
            ...r.data.metrics,
            alpha: settings.alpha,
            beta: settings.beta,
            mode: req.mode,
            seconds: r.data.seconds,
          });
        }
        reply.curves.push(reason ? { model: m.model, points, reason } : { model: m.model, points });
      }
      return ok(reply);
    },

    /** v(y) of the model's last shown solution as CSV (item id, v): the serving artifact of issue 4. */
    exportV(model: string): Result<string, PlannerCode> {
      if (!input) return err('no-input', 'the planner has no scores yet');
      const v = lastV.get(model);
      if (!v) return err('no-solution', `${model}: no solution shown yet`);
      return ok(vCsv(input.itemIds, v));
    },
  };
  return api;
}

export const plannerApi = createPlannerApi(defaultSolvers);
export type PlannerApi = typeof plannerApi;
