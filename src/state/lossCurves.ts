/**
 * The loss curves of the current run, per fitted part (e.g. `RNN`): high-frequency data, so they live here outside
 * the store and reach the chart through `subscribeLoss` (STYLE habit 12: React never re-renders per batch). They are
 * saved beside the run's results and drawn again after a reload.
 */
import type { SavedLossCurves } from '../../workers/workspace';
import type { RunProgress } from '../../workers/runProgress';

/** Training loss per reported batch and validation loss per epoch, x in epochs. */
export interface LossCurve {
  x: number[];
  loss: number[];
  validX: number[];
  valid: number[];
}

const curves = new Map<string, LossCurve>();
const listeners = new Set<() => void>();
const changed = () => {
  for (const f of listeners) f();
};

/** The curves of the current run (read-only view). */
export const lossCurves = (): ReadonlyMap<string, LossCurve> => curves;

/** Calls `f` after each batch of new losses; returns the unsubscribe function. */
export function subscribeLoss(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** Forgets the curves (a new run starts, or the workspace is cleared). */
export function clearLossCurves(): void {
  curves.clear();
  changed();
}

/** Adds a progress message's losses to its part's curve. */
export function addLosses(p: RunProgress): void {
  if (p.epochs === 0 || p.losses.length === 0) return;
  let c = curves.get(p.model);
  if (!c) curves.set(p.model, (c = { x: [], loss: [], validX: [], valid: [] }));
  // The batch losses since the last message are spread evenly up to the current position (epochs, fractional).
  const at = p.epoch - 1 + p.batch / Math.max(1, p.batches);
  const from = c.x.length > 0 ? c.x[c.x.length - 1] : Math.max(0, at - p.losses.length / Math.max(1, p.batches));
  p.losses.forEach((l, i) => {
    c.x.push(from + ((at - from) * (i + 1)) / p.losses.length);
    c.loss.push(l);
  });
  if (p.validLoss !== undefined) {
    c.validX.push(p.epoch);
    c.valid.push(p.validLoss);
  }
  changed();
}

/** A copy of the curves as drawn now, to save beside the run trained on data `source`. */
export const lossCurvesToSave = (source: string | null): SavedLossCurves => ({
  source: source ?? '',
  curves: [...curves].map(([part, c]) => [part, { ...c }]),
});

/** Draws saved curves (those of a restored run) unless curves are drawn already. */
export function drawSavedLossCurves(saved: SavedLossCurves['curves']): void {
  if (curves.size > 0) return;
  for (const [part, c] of saved) curves.set(part, c);
  changed();
}
