/** The UserRec explorer's questions, answered by the run worker from the last run's kept scores (no re-run). */
import type { Result } from '../core/util/result';
import { dataClient } from '../bridge/data';
import { runClient, type ExploreResult } from '../bridge/run';

/** Items worth exploring in the last run: the most frequent in the test window. */
export function exploreItems(): Promise<{ id: string; events: number }[]> {
  return runClient().call((api) => api.exploreItems(50));
}

/** An item's top users under a model, with λ(x), p(y|x), recent history and whether they came. */
export function explore(model: string, item: string): Promise<Result<ExploreResult, string>> {
  return runClient().call<Result<ExploreResult, string>>((api) => api.explore(model, item, 10, 5));
}

/** Titles of items by id from the item metadata file, when one was loaded ('' otherwise); never fails. */
export async function itemTitles(ids: string[]): Promise<Map<string, string>> {
  try {
    const t = await dataClient().call((api) => api.itemTitles(ids));
    return new Map(ids.map((id, i) => [id, t[i]]));
  } catch {
    return new Map();
  }
}
