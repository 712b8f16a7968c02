/**
 * The Train panel's Tune action: a seeded search over the sequence models' lr, hidden size, dropout and weight decay
 * on the validation window (core/tune), run by the run worker as part of a run whose config has "tune" set. The run
 * config (and so the URL, and `rimw run` given the same config) is what it sets; the chosen settings come back in the
 * results' metadata (meta[MODEL].tune).
 */
import type { TuneConfig } from '../core/pipeline/config';
import { currentRunConfig, setRunConfig } from './ui';
import { startRun } from './run';

/** What a fresh Tune action proposes: a few trials within a few minutes. */
export const DEFAULT_TUNE: TuneConfig = { trials: 8, minutes: 10 };

/** Sets the run config's "tune" (trials, minutes) and runs it: each sequence model is searched, then trained. */
export function startTune(tune: TuneConfig): Promise<void> {
  const config = { ...currentRunConfig(), tune };
  setRunConfig(config);
  return startRun(config);
}

/** Takes "tune" out of the run config: later runs train with the settings as given. */
export function stopTuning(): void {
  const { tune: _drop, ...rest } = currentRunConfig();
  setRunConfig(rest);
}
