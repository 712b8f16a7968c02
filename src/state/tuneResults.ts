/**
 * What the page shows of a search (./tune.ts): whether a config can be tuned, the settings each tuned sequence model
 * chose (from the results' meta.tune), and a setting as text. Pure, for the Train panel and its tests.
 */
import type { ExperimentResult } from '../core/pipeline/run';
import type { TuneSettings } from '../core/tune/tune';
import { parseModelName } from '../core/models/names';

/** Whether the config has a model that trains with tfjs settings a search can choose (a next-item model or its RIM). */
export const canTune = (models: readonly string[]): boolean => models.some((m) => parseModelName(m)?.sequence);

/** One tuned sequence model of a result: the settings chosen, how many trials ran, why the search stopped. */
export interface TunedModel {
  model: string;
  best: TuneSettings | null;
  trials: number;
  /** The chosen trial (from 1) and its validation-window NLL per event, nats. */
  bestTrial: number | null;
  bestNll: number | null;
  stopped: string;
  seconds: number;
}

/** The tuned next-item models of a result (their compositions share the search, so each appears once). */
export function tunedModels(result: ExperimentResult | null): TunedModel[] {
  if (!result) return [];
  const out: TunedModel[] = [];
  const seen = new Set<string>();
  for (const [name, meta] of Object.entries(result.meta)) {
    const seq = parseModelName(name)?.sequence;
    const t = meta.tune;
    if (!seq || !t || seen.has(seq)) continue;
    seen.add(seq);
    let chosen: (typeof t.trials)[number] | null = null;
    for (const trial of t.trials) if (!chosen || trial.validNll < chosen.validNll) chosen = trial;
    out.push({
      model: seq,
      best: t.best,
      trials: t.trials.length,
      bestTrial: chosen ? chosen.index + 1 : null,
      bestNll: chosen ? chosen.validNll : null,
      stopped: t.stopped,
      seconds: t.seconds,
    });
  }
  return out;
}

/** A setting as the page writes it: lr and weight decay in 3 significant digits, dropout in 2 decimals. */
export function formatSettings(s: TuneSettings): string {
  const g = (x: number) => (x === 0 ? '0' : Number(x.toPrecision(3)).toString());
  return `lr ${g(s.lr)}, hidden ${s.hidden}, dropout ${s.dropout.toFixed(2)}, weight decay ${g(s.weightDecay)}`;
}
