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
 * Fits `model` on batch `i` of `order` alone (`size` users): the dataset's trainEnd keeps only those users' events,
 * so with minBatches 1 the fit is one batch, as PyTorch's. Seconds by the host's clock `now` (ms; core has no
 * performance.now in its lib) and the events trained on (each user's last `maxLen` at most).
 */
export async function fitOneBatch(
  model: SequenceModel,
  ds: Dataset,
  order: number[],
  i: number,
  now: () => number,
  size = TIMED_BATCH_USERS,
  maxLen = MAX_EVENTS,
): Promise<{ seconds: number; events: number }> {
  const users = order.slice(i * size, (i + 1) * size);
  const trainEnd = ds.userOffsets.slice(0, ds.nUsers);
  let events = 0;
  for (const u of users) {
    trainEnd[u] = ds.userOffsets[u + 1];
    events += Math.min(maxLen, ds.userOffsets[u + 1] - ds.userOffsets[u]);
  }
  const t0 = now();
  const r = await model.fit({ dataset: ds, trainEnd }, { rng: createRng(i) });
  if (!r.ok) throw new Error(r.reason);
  if (r.data.batchSize !== users.length)
    throw new Error(`fit used batches of ${r.data.batchSize}, not ${users.length}`);
  return { seconds: (now() - t0) / 1000, events };
}

/** Fits `model` on batch 0 of `order` (the warm-up, untimed), then on batches 1..`batches`, one fit per batch. */
export async function timeTrainingBatches(
  model: SequenceModel,
  ds: Dataset,
  order: number[],
  batches: number,
  now: () => number,
): Promise<BatchTimes> {
  const out: BatchTimes = { seconds: [], events: [] };
  for (let i = 0; i <= batches; i++) {
    const t = await fitOneBatch(model, ds, order, i, now);
    if (i > 0) {
      out.seconds.push(t.seconds);
      out.events.push(t.events);
    }
  }
  return out;
}
