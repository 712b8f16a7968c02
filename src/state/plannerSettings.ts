/**
 * The planner's settings arithmetic: pure functions (no worker, no store), shared by the planner store and its tests.
 */
import type { PlannerMode } from '../core/planner/types';

export type Relevance = 'recall' | 'prec';
export type Diversity = 'item_ppl' | 'item_cov';
/** Appendix F's user-side axes: UserRec precision or recall against user perplexity or coverage. */
export type UserRelevance = 'prec' | 'user_recall';
export type UserDiversity = 'user_ppl' | 'user_cov';

/**
 * What the curves plot shows: `beta`, every model's β sweep in one mode (Figure 4, one panel); `compare`, one
 * model's β sweeps in the three modes on one plot (Figure 4's panels overlaid), with the delivered exposure beside
 * it (Figure S7); `alpha`, every model's α sweep at item maximal exposure β' (appendix F, Figures S4-S7).
 */
export type PlannerView = 'beta' | 'compare' | 'alpha';
export const PLANNER_VIEWS: readonly PlannerView[] = ['beta', 'compare', 'alpha'];

/** What the user asked for: the slider settings, the view and, for `compare`, the model compared (null: the first). */
export interface PlannerAsked {
  mode: PlannerMode;
  alpha: number;
  beta: number;
  view: PlannerView;
  model: string | null;
}

/** The page opens on the Dual, the paper's planner, solved offline. */
export const DEFAULT_ASKED: PlannerAsked = { mode: 'offline', alpha: 0.01, beta: 0.005, view: 'beta', model: null };

/** α range of the slider: 0.2% to 10% of items, in steps of 0.2%. */
export const ALPHA_MIN = 0.002;
export const ALPHA_MAX = 0.1;
export const ALPHA_STEP = 0.002;
/** α range of the slider in the α view (appendix F: 1% ≤ α ≤ 100%), in steps of 1%. */
export const SWEEP_ALPHA_MIN = 0.01;
export const SWEEP_ALPHA_MAX = 1;
export const SWEEP_ALPHA_STEP = 0.01;
/** The α sweep's grid: the reference's multipliers m ≥ 1 (1, 3, 10, 30, 100) times 1% of items. */
export const SWEEP_ALPHAS = [0.01, 0.03, 0.1, 0.3, 1];

/** The α slider's range and step in a view. */
export const alphaRange = (view: PlannerView) =>
  view === 'alpha'
    ? { min: SWEEP_ALPHA_MIN, max: SWEEP_ALPHA_MAX, step: SWEEP_ALPHA_STEP }
    : { min: ALPHA_MIN, max: ALPHA_MAX, step: ALPHA_STEP };

/** α clipped to the view's slider range and snapped to its grid. */
export function snapAlpha(alpha: number, view: PlannerView): number {
  const { min, max, step } = alphaRange(view);
  return roundFraction(Math.min(max, Math.max(min, Math.round(alpha / step) * step)));
}
/** β slider positions: 0 to α in BETA_STEPS steps; the curves are swept at every CURVE_EVERY-th position. */
export const BETA_STEPS = 20;
export const CURVE_EVERY = 4;

/** Fractions rounded to 1e-9 so that slider values and sweep grids name the same settings. */
export const roundFraction = (x: number): number => Math.round(x * 1e9) / 1e9;

/** The β grid of the sweep at α: 0, α/5, …, α (BETA_STEPS / CURVE_EVERY + 1 points, all on the slider grid). */
export function curveBetas(alpha: number): number[] {
  const n = BETA_STEPS / CURVE_EVERY;
  return Array.from({ length: n + 1 }, (_, i) => roundFraction((alpha * i) / n));
}

/** Every β slider position at α that is not a sweep point: solved after the sweep so that slider steps are lookups. */
export function fillBetas(alpha: number): number[] {
  const curve = new Set(curveBetas(alpha));
  return sliderBetas(alpha).filter((b) => !curve.has(b));
}

/** Every β slider position at α, ascending (BETA_STEPS + 1 of them, the sweep's points among them). */
export const sliderBetas = (alpha: number): number[] =>
  Array.from({ length: BETA_STEPS + 1 }, (_, i) => roundFraction((alpha * i) / BETA_STEPS));

/**
 * The background fill's next slider position at α: the one nearest to the slider's β that is not in `done` (solved
 * or asked already), the one above first on a tie; null when every position is done. Asked again after each point,
 * the fill grows outward from where the user is and follows the slider when it moves.
 */
export function nextFillBeta(alpha: number, beta: number, done: ReadonlySet<number>): number | null {
  let best: number | null = null;
  let dBest = Infinity;
  // Ascending, so a later position at the same distance (within 1e-12: the positions are rounded fractions) is the
  // one above.
  for (const b of sliderBetas(alpha)) {
    const d = Math.abs(b - beta);
    if (done.has(b) || d > dBest + 1e-12) continue;
    best = b;
    dBest = d;
  }
  return best;
}

/** β snapped to the slider's grid at α. */
export function snapBeta(beta: number, alpha: number): number {
  const step = alpha / BETA_STEPS;
  return roundFraction(Math.min(alpha, Math.max(0, Math.round(beta / step) * step)));
}

const MODES: readonly PlannerMode[] = ['greedy', 'offline', 'online'];

/** The planner's settings as the URL hash keeps them: `mode,α,β,view[,model]` (fractions). */
export const encodePlannerHash = (a: PlannerAsked): string =>
  [a.mode, a.alpha, a.beta, a.view, ...(a.model !== null ? [a.model] : [])].join(',');

/**
 * Reads `mode,α,β[,view[,model]]` from the hash (a link without a view is the β view); null when absent or not a
 * valid setting (the defaults are used then). α is put on the view's slider grid within its range, β on the grid of
 * [0, α]; the model is kept as text (everything after the fourth comma) and checked against the models later.
 */
export function parsePlannerHash(s: string | null): PlannerAsked | null {
  if (!s) return null;
  const [mode, a, b, v = 'beta', ...rest] = s.split(',');
  const alpha = Number(a);
  const beta = Number(b);
  const view = v as PlannerView;
  if (!MODES.includes(mode as PlannerMode) || !PLANNER_VIEWS.includes(view)) return null;
  if (!Number.isFinite(alpha) || !Number.isFinite(beta)) return null;
  const range = alphaRange(view);
  // β belongs to the β sweep's slider (0 to α there); the α view keeps it, unused, for the way back.
  const betaMax = view === 'alpha' ? ALPHA_MAX : alpha;
  if (alpha < range.min || alpha > range.max || beta < 0 || beta > betaMax) return null;
  const snapped = snapAlpha(alpha, view);
  return {
    mode: mode as PlannerMode,
    alpha: snapped,
    beta: view === 'alpha' ? beta : snapBeta(beta, snapped),
    view,
    model: rest.length > 0 && rest.join(',') !== '' ? rest.join(',') : null,
  };
}
