/**
 * A PlannerInput from a Dataset and cheap, tfjs-free models (Pop, EMA, Hawkes by default): its default split, the
 * models fitted on it, their test and validation scores made dense. For Node tests and benches that need a realistic
 * planner input without a run; the app's planner takes its input from the run worker's kept scores.
 */
import type { Dataset, EvalSet, SplitConfig } from '../data/types';
import type { ModelScores, PlannerInput } from '../planner/types';
import { makeSplit } from '../data/split';
import { generateSynthetic, presetConfig, type SynthPreset } from '../data/synthetic';
import { DEFAULT_RUN_CONFIG } from './config';
import { defaultRegistry } from './defaultRegistry';
import { materialize, type ScoreSource } from '../models/scores';
import { err, ok, type Result } from '../util/result';

/** Models that need no tfjs and fit in well under a second on the small synthetic world. */
export const QUICK_MODELS = ['Pop', 'EMA', 'Hawkes'] as const;

export interface InputOptions {
  split?: SplitConfig;
  models?: readonly string[];
  seed?: number;
}

/** Dense scores of one eval set, or null when the matrix is over the dense budget (the planner needs it dense). */
async function denseOf(scores: (rows: EvalSet) => Promise<ScoreSource>, rows: EvalSet): Promise<Float32Array | null> {
  if (rows.users.length === 0) return null;
  return materialize(await scores(rows));
}

/** Splits `dataset`, fits `models` and materialises their test (and validation) scores. */
export async function plannerInputFrom(
  dataset: Dataset,
  opts: InputOptions = {},
): Promise<Result<PlannerInput, string>> {
  const split = opts.split ?? DEFAULT_RUN_CONFIG.split;
  const sp = makeSplit(dataset, split);
  if (!sp.ok) return sp;
  const s = sp.data;
  const config = { ...DEFAULT_RUN_CONFIG, split, models: [...(opts.models ?? QUICK_MODELS)], seed: opts.seed ?? 1 };
  const session = defaultRegistry({ sequence: false }).session({ dataset, split: s, config });
  const models: ModelScores[] = [];
  const nItems = s.test.target.nCols;
  for (const name of config.models) {
    const built = await session.build(name);
    if (!built.ok) continue;
    const test = await denseOf((r) => built.data.model.scores(r), s.test);
    if (!test) continue;
    const valid = await denseOf((r) => built.data.model.scores(r), s.valid);
    models.push({
      model: name,
      test,
      testRows: s.test.users.length,
      valid,
      validRows: valid ? s.valid.users.length : 0,
      nItems,
    });
  }
  await session.dispose();
  if (models.length === 0) return err('no-models', 'planner: none of the models gave dense scores');
  return ok({ models, target: s.test.target, itemIds: dataset.itemIds.slice(0, nItems) });
}

/** The synthetic world of `preset` and its quick models' scores. */
export async function syntheticPlannerInput(
  preset: SynthPreset,
  seed: number,
  opts: InputOptions = {},
): Promise<Result<PlannerInput, string>> {
  const g = generateSynthetic(presetConfig(preset, seed));
  if (!g.ok) return g;
  return plannerInputFrom(g.data.dataset, { seed, ...opts });
}
