/**
 * The paradox on data, answered from a finished run's kept scores (core/paradox/data.ts does the math): the test users
 * ranked for an item or a group of items by λ(x)^γ · p(G|x) for each γ of a grid, and how many of each top C came.
 * Only the sweep's few numbers go back to the page; the scores stay here.
 */
import type { Dataset } from '../src/core/data/types';
import type { KeptScores } from '../src/core/pipeline/keep';
import { PARADOX_GAMMA_STEPS, gammaGrid, gammaSweep, paradoxRows, type ParadoxSweep } from '../src/core/paradox';
import { err, ok, type Result } from '../src/core/util/result';
import type { LastRun } from './lastRun';

export { PARADOX_GAMMA_STEPS };

export interface ParadoxAnswer extends ParadoxSweep {
  model: string;
  items: string[];
}

/** Kept models that carry both parts, λ(x) and p(y|x): the RIM compositions (`RNN-Hawkes`, …). */
export const paradoxModels = (run: LastRun): string[] =>
  [...run.kept].filter(([, k]) => k.lambda !== null && k.hasP).map(([name]) => name);

/**
 * The sweep for `model` on the items `itemIds` at top C (default: as many users as came, so hits / C is both
 * precision and recall). `testScores` gives the model's dense test scores (the run's own, or read back from the saved
 * workspace when they were handed to the planner).
 */
export async function paradoxOfRun(
  run: LastRun,
  d: Dataset,
  model: string,
  itemIds: readonly string[],
  topC: number | null,
  testScores: (name: string, k: KeptScores) => Promise<Float32Array | null>,
): Promise<Result<ParadoxAnswer, 'unknown-model' | 'bad-input'>> {
  const k = run.kept.get(model);
  if (!k || !k.lambda || !k.hasP)
    return err('unknown-model', `${model}: no kept λ(x) and p(y|x) (train a RIM composition such as RNN-Hawkes)`);
  const target = run.split.test.target;
  const items: number[] = [];
  for (const id of itemIds) {
    const i = d.itemIds.indexOf(id);
    if (i < 0 || i >= target.nCols) return err('bad-input', `item ${id} is not a candidate of this split`);
    items.push(i);
  }
  if (items.length === 0) return err('bad-input', 'pick at least one item');
  if (topC !== null && !(Number.isInteger(topC) && topC >= 1))
    return err('bad-input', `top C = ${topC}: must be a positive integer`);
  const scores = await testScores(model, k);
  if (!scores || scores.length !== target.nRows * target.nCols)
    return err('unknown-model', `${model}: its test scores are no longer here (train again)`);
  const rows = paradoxRows(scores, target.nCols, k.lambda, items, target);
  const positives = rows.came.reduce((a, c) => a + c, 0);
  const sweep = gammaSweep(rows, gammaGrid(PARADOX_GAMMA_STEPS), topC ?? Math.max(1, positives));
  return ok({ ...sweep, model, items: [...itemIds] });
}
