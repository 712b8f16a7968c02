/**
 * What the run worker answers about its last completed run, from the scores it kept (lastRun.ts): the results, the
 * planner's input, the UserRec explorer and the paradox on data. Scores already handed to the planner are read back
 * from the saved workspace. run.api.ts spreads these into its API.
 */
import * as Comlink from 'comlink';
import type { PlannerInput } from '../src/core/planner/types';
import type { ExperimentResult } from '../src/core/pipeline/run';
import { err, type Result } from '../src/core/util/result';
import { figure2World, type Figure2WorldOptions, type WorldSimulation } from '../src/core/paradox';
import { busiestItems, exploreRun, type ExploreResult } from './runExplore';
import { paradoxModels, paradoxOfRun, type ParadoxAnswer } from './runParadox';
import { plannerInputOf, validCopies, type LastRun } from './lastRun';
import type { runWorkspace } from './runWorkspace';

export type RunCode =
  'backend-lost' | 'busy' | 'no-data' | 'bad-config' | 'no-result' | 'unknown-model' | 'aborted' | string;

/** `current()`: the last run now (null before one; another object once a newer run replaced it). */
export function lastRunViews(
  current: () => LastRun | null,
  source: () => string,
  workspace: ReturnType<typeof runWorkspace>,
) {
  return {
    /** The last completed run's results (rime's ExperimentResult), or null. */
    result(): ExperimentResult | null {
      return current()?.result ?? null;
    },

    /** Names of the models whose scores are kept (evaluated and within the memory budget). */
    keptModels(): string[] {
      const run = current();
      return run ? [...run.kept.keys()] : [];
    },

    /**
     * The planner's input for the kept models (all, or those named), moved by transfer (lastRun.ts plannerInputOf).
     * Null before a run, or when a newer run replaced this one meanwhile.
     */
    async plannerInput(models?: string[]): Promise<PlannerInput | null> {
      const run = current();
      if (!run) return null;
      const home = await workspace.scoreHome(run.savedAt);
      if (current() !== run) return null;
      const r = await plannerInputOf(run, run.dataset.itemIds, models, { ...home, current: () => current() === run });
      return r && Comlink.transfer(r.input, r.buffers);
    },

    /**
     * Copies of the validation scores of the models named, moved by transfer, when the last run is the one saved at
     * `savedAt` and this worker holds them: the planner was told they are saved, and the save failed (lastRun.ts
     * validCopies). Empty otherwise.
     */
    async validScores(savedAt: number, models: string[]): Promise<[string, Float32Array][]> {
      const run = current();
      if (!run || run.savedAt !== savedAt) return [];
      const { scores, buffers } = await validCopies(run, models);
      return current() === run ? Comlink.transfer(scores, buffers) : [];
    },

    /** Items worth exploring: the `n` items with the most test-window events (ids, events). */
    exploreItems(n = 50): { id: string; events: number }[] {
      const run = current();
      return run ? busiestItems(run.split.test.target, run.dataset.itemIds, n) : [];
    },

    /** UserRec explorer: the item's top `topN` test users under `model`, from the kept scores (runExplore.ts). */
    explore(model: string, itemId: string, topN = 10, historyLength = 5): Result<ExploreResult, RunCode> {
      const run = current();
      if (!run) return err('no-result', 'no completed run yet');
      return exploreRun(run, run.dataset, model, itemId, topN, historyLength);
    },

    /** Models of the last run whose scores hold both λ(x) and p(y|x) (the paradox on data can rank by them). */
    paradoxModels(): string[] {
      const run = current();
      return run ? paradoxModels(run) : [];
    },

    /**
     * The paradox on data: test users ranked for the items by λ(x)^γ · p(y|x) over a grid of γ, and how many of each
     * top C came (runParadox.ts).
     */
    async paradox(model: string, itemIds: string[], topC: number | null): Promise<Result<ParadoxAnswer, RunCode>> {
      const run = current();
      if (!run) return err('no-result', 'no completed run yet');
      return paradoxOfRun(run, run.dataset, model, itemIds, topC, async (name, k) => {
        if (!run.handedOver.has(name)) return k.test;
        const saved = await workspace.loadRun(source());
        return saved && saved.savedAt === run.savedAt ? (new Map(saved.kept).get(name)?.test ?? null) : null;
      });
    },

    /** Figure 2 on a seeded synthetic world, next week drawn from its own process (core/paradox/world.ts). */
    paradoxWorld(o: Figure2WorldOptions): Result<WorldSimulation & { item: number }, RunCode> {
      return figure2World(o);
    },
  };
}
