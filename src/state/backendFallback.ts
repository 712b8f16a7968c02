/**
 * The fallback when a run loses its worker or its tfjs backend (a crashed worker, a lost WebGPU device): the page says
 * so and runs it again, a run with tfjs models on the next rung of the ladder the user allows, a run without them
 * once more in a fresh worker.
 */
import type { ExperimentResult } from '../core/pipeline/run';
import { err, type Result } from '../core/util/result';
import { BACKEND_LADDER } from '../platform/ladder';
import { patch, useStore, type AppState } from './store';

type BackendPref = AppState['training']['backendPref'];

/** One attempt of a run on `rungs` (undefined: no tfjs model, no backend to pick); `software`: take software GPUs. */
export type Attempt = (rungs: string[] | undefined, software: boolean) => Promise<Result<ExperimentResult, string>>;

/** Why a run gave up falling back (its reason is the message to show). */
export const GAVE_UP = 'gave-up';

/** The rungs a run may use, best first: the whole ladder, or the user's choice with the CPU as last resort. */
const rungsFor = (pref: BackendPref): string[] => (pref === 'auto' ? [...BACKEND_LADDER] : [pref, 'cpu']);
/** "auto" passes over GPUs emulated in software (far slower than WASM); a backend chosen by name takes them. */
const softwareFor = (pref: BackendPref): boolean => pref !== 'auto';

/**
 * Runs `attempt` until it ends other than by a crash ('crashed') or a lost backend ('backend-lost'), saying in the
 * store where it falls back to; a crash during the ladder's self-tests blames the rung on top. Resolves with the
 * last attempt's result, code GAVE_UP when no rung is left or a run without tfjs crashed twice, or null when the
 * run is no longer `mine()` (cancelled or replaced).
 */
export async function runWithFallback(
  tfjs: boolean,
  pref: BackendPref,
  attempt: Attempt,
  mine: () => boolean,
): Promise<Result<ExperimentResult, string> | null> {
  let rungs = rungsFor(pref);
  for (let n = 0; ; n++) {
    const r = await attempt(tfjs ? rungs : undefined, softwareFor(pref));
    if (!mine()) return null;
    if (r.ok || (r.code !== 'crashed' && r.code !== 'backend-lost')) return r;
    if (!tfjs) {
      if (n > 0) return err(GAVE_UP, `${r.reason} again; press Train to run once more.`);
      patch('training', { fallback: `${r.reason}; running again in a fresh worker.` });
      continue;
    }
    const failedOn = useStore.getState().training.backend ?? rungs[0];
    rungs = rungs.slice(rungs.indexOf(failedOn) + 1);
    if (rungs.length === 0)
      return err(GAVE_UP, `${r.reason} on ${failedOn}, and there is no backend left to fall back to.`);
    patch('training', {
      backend: null,
      fallback: `${r.reason} while training on ${failedOn}; running again on ${rungs[0]}.`,
    });
  }
}
