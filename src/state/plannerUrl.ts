/**
 * The planner's slider settings in the URL hash, next to the run config: a reload or a shared link shows the same
 * operating point, and a pasted link that changes only the hash (a tour step's link, say) moves the planner there.
 */
import { encodePlannerHash, parsePlannerHash, type PlannerAsked } from './plannerSettings';
import { setPlannerState as set, usePlanner } from './plannerStore';
import { onUrlChange, readUrlParam, writeUrlParam } from './url';

/**
 * The wait after the last setting change before the URL is written, ms: history.replaceState costs a large share of
 * a slider step's main-thread work in Chromium, and during a drag only where the slider rests matters.
 */
const URL_WRITE_DELAY_MS = 250;

/**
 * Takes the settings of the URL now, applies (`apply`) those of a later hash change, and writes each new setting once
 * the settings rest (and before the page is left).
 */
export function syncPlannerUrl(apply: (asked: PlannerAsked) => void): void {
  const fromUrl = parsePlannerHash(readUrlParam('planner'));
  if (fromUrl) set({ asked: fromUrl });
  onUrlChange(() => {
    const a = parsePlannerHash(readUrlParam('planner'));
    if (a) apply(a);
  });
  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = () => {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    writeUrlParam('planner', encodePlannerHash(usePlanner.getState().asked));
  };
  usePlanner.subscribe((s, prev) => {
    if (s.asked === prev.asked) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(write, URL_WRITE_DELAY_MS);
  });
  window.addEventListener('pagehide', write);
}
