// The sequence benches' world and training batches, with no Node imports so that a page bench (webgpu) bundles the
// same code: the ML-1M-shaped synthetic world, rime's 80% training users in a seeded order, and fits of exactly one
// batch of users each.
import { buildSynthDataset, makeWorld, presetConfig } from '../src/core/data/synthetic/index';
import type { SequenceModel } from '../src/core/models/sequence/index';
import { createRng, shuffleInPlace } from '../src/core/util/rng';
import type { Dataset } from '../src/core/data/types';

/** Users per batch (rime's). */
export const B = 64;

/** The ML-1M-shaped synthetic world (preset ml1m, seed 1). */
export function world(): Dataset {
  const w = makeWorld(presetConfig('ml1m', 1));
  if (!w.ok) throw new Error(w.reason);
  return buildSynthDataset(w.data);
}

/** rime's 80% training users in a seeded order; batches are consecutive runs of `B` of them on both sides. */
export function trainOrder(ds: Dataset): number[] {
  const users = [...Array(ds.nUsers).keys()].filter((u) => ds.userOffsets[u + 1] > ds.userOffsets[u]);
  shuffleInPlace(users, createRng(3));
  return users.slice(0, Math.ceil(users.length * 0.8));
}

/**
 * Fits `m` on batch `i` of `order` (`size` users) alone, the dataset's trainEnd keeping only those users' events
 * (the model needs minBatches 1, so the fit is one batch, as PyTorch's); seconds and events (last `maxLen` each).
 */
export async function fitBatch(
  m: SequenceModel,
  ds: Dataset,
  order: number[],
  i: number,
  size = B,
  maxLen = 256,
): Promise<{ seconds: number; events: number }> {
  const users = order.slice(i * size, (i + 1) * size);
  const trainEnd = ds.userOffsets.slice(0, ds.nUsers);
  let events = 0;
  for (const u of users) {
    trainEnd[u] = ds.userOffsets[u + 1];
    events += Math.min(maxLen, ds.userOffsets[u + 1] - ds.userOffsets[u]);
  }
  const t0 = performance.now();
  const r = await m.fit({ dataset: ds, trainEnd }, { rng: createRng(i) });
  if (!r.ok) throw new Error(r.reason);
  if (r.data.batchSize !== users.length)
    throw new Error(`fit used batches of ${r.data.batchSize}, not ${users.length}`);
  return { seconds: (performance.now() - t0) / 1000, events };
}
