/**
 * The solver's answers the page already holds, as metrics per (mode, α, β, model): the sweeps' points, the background
 * fill's and the solves'. A β step is drawn from them at once, before the worker's reply (which also brings the
 * histogram and the boosted items); a model not solved yet at the asked β is drawn from its nearest solved β at the
 * same mode and α, marked provisional until its own answer lands. Pure (no store, no worker): the requests keep one.
 */
import type { MatchMetrics, PlannerMode } from '../core/planner/types';

/** One model's marker in a preview. */
export interface PreviewModel {
  model: string;
  metrics: MatchMetrics;
  /** The β these metrics were solved at: the asked β, or a neighbour's when `provisional`. */
  solvedAt: number;
  /** True when the metrics are a neighbour's stand-in, not the solver's answer at the asked β. */
  provisional: boolean;
}

/** The operating point drawn from what the page holds, while the worker's answer for it is on its way. */
export interface PlannerPreview {
  mode: PlannerMode;
  alpha: number;
  beta: number;
  /** Models with an answer at (mode, α) at some β, in the order asked; models never solved there are left out. */
  models: PreviewModel[];
  /** Whether any model's marker is a neighbour's stand-in, or missing (not the answer at β of every model). */
  provisional: boolean;
}

const sweepKey = (mode: PlannerMode, alpha: number) => `${mode}|${alpha}`;

export class KnownPoints {
  /** (mode, α) → β → model → metrics. */
  private readonly bySweep = new Map<string, Map<number, Map<string, MatchMetrics>>>();

  /** Keeps the solver's answer for `model` at (mode, α, β) (α and β as the worker rounds them). */
  add(mode: PlannerMode, alpha: number, beta: number, model: string, metrics: MatchMetrics): void {
    const key = sweepKey(mode, alpha);
    let byBeta = this.bySweep.get(key);
    if (!byBeta) this.bySweep.set(key, (byBeta = new Map()));
    let byModel = byBeta.get(beta);
    if (!byModel) byBeta.set(beta, (byModel = new Map()));
    byModel.set(model, metrics);
  }

  /** The β values at (mode, α) where every one of `models` has an answer. */
  solvedBetas(mode: PlannerMode, alpha: number, models: readonly string[]): Set<number> {
    const out = new Set<number>();
    for (const [beta, byModel] of this.bySweep.get(sweepKey(mode, alpha)) ?? [])
      if (models.every((m) => byModel.has(m))) out.add(beta);
    return out;
  }

  /**
   * The point at (mode, α, β) for `models`: each model's answer there, or else its answer at the nearest β it has
   * at this mode and α (the lower one on a tie), marked provisional. Null when no model has any answer there.
   */
  preview(mode: PlannerMode, alpha: number, beta: number, models: readonly string[]): PlannerPreview | null {
    const byBeta = this.bySweep.get(sweepKey(mode, alpha));
    if (!byBeta) return null;
    const out: PreviewModel[] = [];
    for (const model of models) {
      let at: number | null = null;
      for (const [b, byModel] of byBeta) {
        if (!byModel.has(model)) continue;
        const d = Math.abs(b - beta);
        const dAt = at === null ? Infinity : Math.abs(at - beta);
        if (d < dAt || (d === dAt && b < at!)) at = b;
      }
      if (at === null) continue;
      out.push({ model, metrics: byBeta.get(at)!.get(model)!, solvedAt: at, provisional: at !== beta });
    }
    if (out.length === 0) return null;
    const provisional = out.length < models.length || out.some((m) => m.provisional);
    return { mode, alpha, beta, models: out, provisional };
  }

  /** Forgets everything (new scores). */
  clear(): void {
    this.bySweep.clear();
  }
}
