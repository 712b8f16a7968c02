/**
 * The paradox-on-data panel's state and its pure rules (no worker here, so Node tests reach them): γ snapped to the
 * sweep's grid, the point shown at γ, and which model and items a new run keeps from the user's choice.
 */
import { PARADOX_GAMMA_STEPS, type GammaPoint } from '../core/paradox';
import type { ParadoxAnswer } from '../../workers/run.api';

export interface ParadoxDataState {
  /** Kept models of the last run with both λ(x) and p(y|x). */
  models: string[];
  /** The busiest test-window items of the last run, most events first. */
  items: { id: string; events: number }[];
  /** What the user asked: model, item group, top C (null: as many users as came), γ. */
  model: string | null;
  chosen: string[];
  topC: number | null;
  gamma: number;
  /** The sweep shown, for the model and items it was computed with. */
  answer: ParadoxAnswer | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
}

/** The composition the page trains for the paradox when the run has none (tiny, so it fits in seconds). */
export const PARADOX_MODEL = 'RNN-Hawkes';

/** γ clamped to [0, 1] and snapped to the sweep's grid (steps of 1 / PARADOX_GAMMA_STEPS). */
export const snapGamma = (gamma: number): number =>
  Math.round(Math.min(1, Math.max(0, Number.isFinite(gamma) ? gamma : 0)) * PARADOX_GAMMA_STEPS) / PARADOX_GAMMA_STEPS;

/** The sweep's point at the asked γ (null without a sweep). */
export function shownPoint(s: Pick<ParadoxDataState, 'answer' | 'gamma'>): GammaPoint | null {
  if (!s.answer) return null;
  const i = Math.round(s.gamma * PARADOX_GAMMA_STEPS);
  return s.answer.points[Math.min(i, s.answer.points.length - 1)] ?? null;
}

/**
 * After a run: the user's model and items where the run still has them, else its first composition and busiest item.
 */
export function keptChoices(
  s: Pick<ParadoxDataState, 'model' | 'chosen'>,
  models: string[],
  items: { id: string }[],
): { model: string | null; chosen: string[] } {
  const model = s.model && models.includes(s.model) ? s.model : (models[0] ?? null);
  const still = s.chosen.filter((id) => items.some((i) => i.id === id));
  return { model, chosen: still.length > 0 ? still : items.slice(0, 1).map((i) => i.id) };
}
