/**
 * The guided tour: which step is open (null: none), mirrored in the URL as `?tour=N` (./url.ts), and the actions that
 * move between steps. A step sets the page's state through the owners' own actions (the planner's mode, α, β and
 * detail model; the paradox panel's γ and model), so changes to those views slot in; on the synthetic world the
 * paradox step first trains the small composition the tour teaches with when the run lacks it.
 */
import { create } from 'zustand';
import { setPlannerAlpha, setPlannerBeta, setPlannerDetail, setPlannerMode } from './planner';
import { refreshParadoxData, setParadoxGamma, setParadoxModel, trainParadoxModel, useParadoxData } from './paradox';
import { useStore, type AppState } from './store';
import { readTourParam, writeTourParam } from './url';
import { TOUR_MODEL, TOUR_STEPS, clampStep, parseTourParam, tourParam, type TourStep } from './tourSteps';

export { TOUR_STEPS, TOUR_MODEL, type TourStep } from './tourSteps';

export const useTour = create<{ step: number | null }>()(() => ({ step: null }));

/** Opens step `i` (from 0): the URL, then the page state the step asks for. */
export function goToStep(i: number): void {
  const n = clampStep(i, 0);
  useTour.setState({ step: n });
  writeTourParam(tourParam(n));
  applyStep(TOUR_STEPS[n]);
}

export const startTour = (): void => goToStep(0);

export function nextStep(): void {
  const s = useTour.getState().step;
  if (s === null) return;
  if (s === TOUR_STEPS.length - 1) endTour();
  else goToStep(s + 1);
}

export function prevStep(): void {
  const s = useTour.getState().step;
  if (s !== null) goToStep(clampStep(s, -1));
}

export function endTour(): void {
  useTour.setState({ step: null });
  writeTourParam(null);
}

/** Opens the step a shared `?tour=N` link names, if any (once, at page start). */
export function startTourFromUrl(): void {
  const n = parseTourParam(readTourParam());
  if (n !== null) goToStep(n);
  else if (readTourParam() !== null) writeTourParam(null);
}

function applyStep(step: TourStep): void {
  if (step.planner) {
    setPlannerMode(step.planner.mode);
    setPlannerAlpha(step.planner.alpha);
    setPlannerBeta(step.planner.beta);
    // Asked even before the planner holds the tour model's scores (its run may still be ending): the planner keeps
    // the detail model when scores arrive with it, and shows its first model until then.
    setPlannerDetail(TOUR_MODEL);
  }
  if (step.gamma !== undefined) setParadoxGamma(step.gamma);
  if (step.id === 'paradox') void ensureTourModel();
}

/** Resolves once the data is loaded, no run is going and a run's results are shown. */
function whenRunSettles(): Promise<void> {
  const settled = (s: AppState) =>
    s.dataset.status === 'ready' && s.training.status !== 'running' && s.training.result !== null;
  return new Promise((resolve) => {
    if (settled(useStore.getState())) return resolve();
    const stop = useStore.subscribe((s) => {
      if (!settled(s)) return;
      stop();
      resolve();
    });
  });
}

let ensuring = false;

/** The paradox step's model: picked when the run has it, else trained (after the run going on, e.g. the quick run). */
async function ensureTourModel(): Promise<void> {
  if (ensuring) return;
  ensuring = true;
  try {
    await whenRunSettles();
    if (useTour.getState().step === null) return;
    await refreshParadoxData();
    if (useParadoxData.getState().models.includes(TOUR_MODEL)) {
      if (useParadoxData.getState().model !== TOUR_MODEL) setParadoxModel(TOUR_MODEL);
    } else await trainParadoxModel();
  } finally {
    ensuring = false;
  }
}
