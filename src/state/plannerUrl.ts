/**
 * The planner's slider settings in the URL hash, next to the run config: a reload or a shared link shows the same
 * operating point, and a pasted link that changes only the hash (a tour step's link, say) moves the planner there.
 */
import { encodePlannerHash, parsePlannerHash, type PlannerAsked } from './plannerSettings';
import { setPlannerState as set, usePlanner } from './plannerStore';
import { onUrlChange, readUrlParam, writeUrlParam } from './url';

/** Takes the settings of the URL now, applies (`apply`) those of a later hash change, and writes every new setting. */
export function syncPlannerUrl(apply: (asked: PlannerAsked) => void): void {
  const fromUrl = parsePlannerHash(readUrlParam('planner'));
  if (fromUrl) set({ asked: fromUrl });
  onUrlChange(() => {
    const a = parsePlannerHash(readUrlParam('planner'));
    if (a) apply(a);
  });
  usePlanner.subscribe((s, prev) => {
    if (s.asked === prev.asked) return;
    writeUrlParam('planner', encodePlannerHash(s.asked));
  });
}
