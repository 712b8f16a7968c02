/**
 * The planner session's memory of solutions (session.ts): solutions memoised by (model, mode, α, β, β') in LRU order,
 * the last dual state per model and mode to warm-start from, and which offline solutions keep their auction
 * assignment so that a slider step can resume from the one below it.
 */
import type { DualState, MatchMetrics, MatchSettings, PlannerMode } from './types';

/** One memoised solve: small records (metrics, v, exposure), and while it is among the newest, its assignment. */
export interface Solved {
  model: string;
  mode: PlannerMode;
  settings: MatchSettings;
  metrics: MatchMetrics;
  state: DualState;
  itemExposure: Int32Array;
  iterations: number;
  seconds: number;
}

/** Memoised solutions kept (small records: metrics, v, exposure). */
const MEMO_LIMIT = 512;
/**
 * Memoised offline solutions that keep their assignment for resuming (all models together): rows × K ints each,
 * about a megabyte at the ML-1M shape; older ones keep their metrics only.
 */
const RESUME_LIMIT = 48;
/**
 * Of them, per model: a β sweep's points (six) and the newest two. A slider step resumes from the nearest point
 * below at its α, a sweep or fill point from the one it just solved; the sweeps run model by model, and a model whose
 * slider positions are all memoised needs none.
 */
const RESUME_PER_MODEL = 8;

/** Fractions rounded to 1e-9 so that a slider value and a sweep grid point name the same memo entry. */
const round = (x: number) => Math.round(x * 1e9) / 1e9;

/** The settings a request names: rounded, β clipped to [0, α]; β' (item maximal exposure) only when given. */
export const settingsOf = (alpha: number, beta: number, betaMax?: number): MatchSettings => {
  const s: MatchSettings = { alpha: round(alpha), beta: round(Math.min(Math.max(0, beta), alpha)) };
  if (betaMax !== undefined) s.betaMax = round(betaMax);
  return s;
};

/** Map keys; the entries carry the same fields, so nothing is read back out of a key. */
const memoKey = (model: string, mode: PlannerMode, s: MatchSettings) =>
  JSON.stringify([model, mode, s.alpha, s.beta, s.betaMax ?? null]);

export class SolutionMemo {
  private readonly memo = new Map<string, Solved>();
  /** Memo keys whose solution still holds a resumable auction assignment, oldest first. */
  private readonly resumeKeys: string[] = [];
  /** The last dual state per model and mode (greedy has none). */
  private readonly warm = new Map<string, Map<PlannerMode, DualState>>();

  has(model: string, mode: PlannerMode, s: MatchSettings): boolean {
    return this.memo.has(memoKey(model, mode, s));
  }

  /** The memoised solution, refreshed in the LRU order; undefined when there is none. */
  get(model: string, mode: PlannerMode, s: MatchSettings): Solved | undefined {
    const key = memoKey(model, mode, s);
    const hit = this.memo.get(key);
    if (hit) {
      this.memo.delete(key);
      this.memo.set(key, hit);
    }
    return hit;
  }

  /**
   * The state a new solve starts from: for the offline mode the resumable solution below (see `resumable`), else
   * the last state of this model and mode; null for a cold start.
   */
  startFrom(model: string, mode: PlannerMode, s: MatchSettings): DualState | null {
    return (mode === 'offline' ? this.resumable(model, s) : null) ?? this.warm.get(model)?.get(mode) ?? null;
  }

  /** Keeps a new solution: memoised, the next warm start of its model and mode, and resumable while it is recent. */
  put(solved: Solved): void {
    const { model, mode, settings } = solved;
    if (mode !== 'greedy') {
      const byMode = this.warm.get(model) ?? new Map<PlannerMode, DualState>();
      byMode.set(mode, solved.state);
      this.warm.set(model, byMode);
    }
    const key = memoKey(model, mode, settings);
    this.memo.set(key, solved);
    if (this.memo.size > MEMO_LIMIT) this.memo.delete(this.memo.keys().next().value!);
    if (solved.state.auction) {
      this.resumeKeys.push(key);
      const mine = this.resumeKeys.filter((k) => this.memo.get(k)?.model === model);
      for (const k of mine.slice(0, Math.max(0, mine.length - RESUME_PER_MODEL))) this.dropResume(k);
      while (this.resumeKeys.length > RESUME_LIMIT) this.dropResume(this.resumeKeys[0]);
    }
  }

  /** The solution under `key` keeps its metrics only (its assignment goes). */
  private dropResume(key: string): void {
    this.resumeKeys.splice(this.resumeKeys.indexOf(key), 1);
    const old = this.memo.get(key);
    if (old) old.state = { ...old.state, auction: undefined };
  }

  /**
   * Forgets everything of the models not in `kept` (their scores changed), and the online solutions of those not in
   * `keptOnline` (their validation scores changed; default: the same as `kept`).
   */
  keepModels(kept: ReadonlySet<string>, keptOnline: ReadonlySet<string> = kept): void {
    const stays = (key: string) => {
      const hit = this.memo.get(key);
      return !!hit && kept.has(hit.model) && (hit.mode !== 'online' || keptOnline.has(hit.model));
    };
    const resumeKept = this.resumeKeys.filter(stays);
    for (const key of [...this.memo.keys()]) if (!stays(key)) this.memo.delete(key);
    for (const model of [...this.warm.keys()]) {
      if (!kept.has(model)) this.warm.delete(model);
      else if (!keptOnline.has(model)) this.warm.get(model)!.delete('online');
    }
    this.resumeKeys.length = 0;
    this.resumeKeys.push(...resumeKept);
  }

  /**
   * The offline solution to resume from: the memoised one of this model at the same α with the largest β not above
   * this one (the auction resumes upwards only; see exact.ts). A drag downwards resumes from the curve's grid point
   * below, at most a few slider steps away.
   */
  private resumable(model: string, s: MatchSettings): DualState | null {
    let best: DualState | null = null;
    let bestBeta = -1;
    for (const key of this.resumeKeys) {
      const hit = this.memo.get(key);
      if (
        !hit?.state.auction ||
        hit.model !== model ||
        hit.mode !== 'offline' ||
        hit.settings.alpha !== s.alpha ||
        hit.settings.betaMax !== s.betaMax
      )
        continue;
      const b = hit.settings.beta;
      if (b <= s.beta && b > bestBeta) {
        best = hit.state;
        bestBeta = b;
      }
    }
    return best;
  }
}
