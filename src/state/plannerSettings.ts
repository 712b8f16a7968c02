/**
 * The planner's settings arithmetic and the rime results reader: pure functions (no worker, no store), shared by the
 * planner store and its tests.
 */
import type { PlannerMode } from '../core/planner/types';

export type Relevance = 'recall' | 'prec';
export type Diversity = 'item_ppl' | 'item_cov';

/** A curve read from a rime results JSON (`mtch_`), drawn dashed over ours. */
export interface OverlayCurve {
  name: string;
  points: Partial<Record<Relevance | Diversity, number>>[];
}

/** α range of the slider: 0.2% to 10% of items, in steps of 0.2%. */
export const ALPHA_MIN = 0.002;
export const ALPHA_MAX = 0.1;
export const ALPHA_STEP = 0.002;
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
  return Array.from({ length: BETA_STEPS + 1 }, (_, i) => roundFraction((alpha * i) / BETA_STEPS)).filter(
    (b) => !curve.has(b),
  );
}

/** β snapped to the slider's grid at α. */
export function snapBeta(beta: number, alpha: number): number {
  const step = alpha / BETA_STEPS;
  return roundFraction(Math.min(alpha, Math.max(0, Math.round(beta / step) * step)));
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const METRIC_KEYS = ['recall', 'prec', 'item_ppl', 'item_cov'] as const;

/**
 * Reads the `mtch_` points of a rime results JSON: `mtch_` maps a model name to its points (a list, or an object of
 * points keyed by setting); a point keeps the fields recall, prec, item_ppl, item_cov that are finite numbers.
 */
export function parseRimeMatch(text: string): { ok: true; curves: OverlayCurve[] } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${message(e)})` };
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(json) || !isObj(json.mtch_))
    return { ok: false, reason: 'no "mtch_" object (rime results with matching points)' };
  const curves: OverlayCurve[] = [];
  for (const [name, raw] of Object.entries(json.mtch_)) {
    const list = Array.isArray(raw) ? raw : isObj(raw) ? Object.values(raw) : [];
    const points: OverlayCurve['points'] = [];
    for (const p of list) {
      if (!isObj(p)) continue;
      const q: OverlayCurve['points'][number] = {};
      for (const k of METRIC_KEYS) if (typeof p[k] === 'number' && Number.isFinite(p[k])) q[k] = p[k];
      if (Object.keys(q).length > 0) points.push(q);
    }
    if (points.length > 0) curves.push({ name, points });
  }
  if (curves.length === 0)
    return { ok: false, reason: '"mtch_" has no points with recall, prec, item_ppl or item_cov' };
  return { ok: true, curves };
}

const MODES: readonly PlannerMode[] = ['greedy', 'offline', 'online'];

/** The planner's slider settings as the URL hash keeps them: `mode,α,β` (fractions). */
export const encodePlannerHash = (a: { mode: PlannerMode; alpha: number; beta: number }): string =>
  `${a.mode},${a.alpha},${a.beta}`;

/**
 * Reads `mode,α,β` from the hash; null when absent or not a valid setting (the defaults are used then). α is put on
 * the slider's grid within its range, β on the grid of [0, α].
 */
export function parsePlannerHash(s: string | null): { mode: PlannerMode; alpha: number; beta: number } | null {
  if (!s) return null;
  const [mode, a, b] = s.split(',');
  const alpha = Number(a);
  const beta = Number(b);
  if (!MODES.includes(mode as PlannerMode) || !Number.isFinite(alpha) || !Number.isFinite(beta)) return null;
  if (alpha < ALPHA_MIN || alpha > ALPHA_MAX || beta < 0 || beta > alpha) return null;
  const snapped = roundFraction(Math.round(alpha / ALPHA_STEP) * ALPHA_STEP);
  return { mode: mode as PlannerMode, alpha: snapped, beta: snapBeta(beta, snapped) };
}
