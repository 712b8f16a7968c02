/**
 * One training batch at a time of a sequence model on the ML-1M-shaped synthetic world, timed: the batches the
 * benches give PyTorch too (bench/torch_baseline.py reads the same order), so every tfjs host (Node, the page's run
 * worker) trains the same 64-user batches and is compared with the same yardstick.
 */
import { buildSynthDataset, makeWorld, presetConfig } from '../../data/synthetic/index';
import type { Dataset } from '../../data/types';
import { createRng, shuffleInPlace } from '../../util/rng';
import { SequenceModel } from './model';

/** Users per timed batch, as PyTorch's. */
export const TIMED_BATCH_USERS = 64;

/** Events of a user a batch trains on (the model's default window: the last 256). */
const MAX_EVENTS = 256;

/** The ML-1M-shaped synthetic world (preset ml1m, seed 1). */
export function timingWorld(): Dataset {
  const w = makeWorld(presetConfig('ml1m', 1));
  if (!w.ok) throw new Error(w.reason);
  return buildSynthDataset(w.data);
}

/** rime's 80% training users in a seeded order; batches are consecutive runs of 64 of them on both sides. */
export function timingOrder(ds: Dataset): number[] {
  const users = [...Array(ds.nUsers).keys()].filter((u) => ds.userOffsets[u + 1] > ds.userOffsets[u]);
  shuffleInPlace(users, createRng(3));
  return users.slice(0, Math.ceil(users.length * 0.8));
}

export interface BatchTimes {
  /** Seconds of each timed batch's fit, in order (the warm-up batch not included). */
  seconds: number[];
  /** Events each timed batch trained on (each user's last 256 at most). */
  events: number[];
}

/** A fresh model of the default architecture for timeTrainingBatches (the caller disposes it). */
export function timingModel(kind: 'gru' | 'transformer', nItems: number): SequenceModel {
  // minBatches 1: each fit is one batch of 64 users, as PyTorch's (the default would cut it into 8 batches of 8).
  const m = SequenceModel.create({ kind, epochs: 1, validFraction: 0, patience: 0, minBatches: 1 }, nItems, 1);
  if (!m.ok) throw new Error(m.reason);
  return m.data;
}

/**
 * Fits `model` (one epoch each) on batch 0 of `order` (the warm-up, untimed), then on batches 1..`batches`, one fit
 * per batch: the dataset's trainEnd keeps only that batch's users' events. `now`: the host's clock in ms (core has
 * no performance.now in its lib).
 */
export async function timeTrainingBatches(
  model: SequenceModel,
  ds: Dataset,
  order: number[],
  batches: number,
  now: () => number,
): Promise<BatchTimes> {
  const out: BatchTimes = { seconds: [], events: [] };
  for (let i = 0; i <= batches; i++) {
    const users = order.slice(i * TIMED_BATCH_USERS, (i + 1) * TIMED_BATCH_USERS);
    const trainEnd = ds.userOffsets.slice(0, ds.nUsers);
    let n = 0;
    for (const u of users) {
      trainEnd[u] = ds.userOffsets[u + 1];
      n += Math.min(MAX_EVENTS, ds.userOffsets[u + 1] - ds.userOffsets[u]);
    }
    const t0 = now();
    const r = await model.fit({ dataset: ds, trainEnd }, { rng: createRng(i) });
    if (!r.ok) throw new Error(r.reason);
    if (r.data.batchSize !== users.length)
      throw new Error(`fit used batches of ${r.data.batchSize}, not ${users.length}`);
    if (i > 0) {
      out.seconds.push((now() - t0) / 1000);
      out.events.push(n);
    }
  }
  return out;
}
