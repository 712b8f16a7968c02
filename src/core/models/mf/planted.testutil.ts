import type { Dataset, EvalSet } from '../../data/types';
import { createRng } from '../../util/rng';
import type { TrainData } from '../types';
import type { Scorer } from '../types';

/**
 * A tiny planted low-rank world for the MF tests: user u meets items drawn without replacement with probability
 * ∝ exp(sharp · a_u · b_i), a_u, b_i ∈ R^rank standard normal. Each user's last event is held out (trainEnd excludes it),
 * so a model that recovers the latent structure ranks it above the user's other unseen items.
 */
export interface PlantedWorld {
  train: TrainData;
  /** Held-out item per user. */
  heldOut: Int32Array;
}

export function plantedWorld(nUsers = 80, nItems = 60, perUser = 12, rank = 2, sharp = 2.5, seed = 3): PlantedWorld {
  const rng = createRng(seed);
  const a = Array.from({ length: nUsers * rank }, () => rng.normal());
  const b = Array.from({ length: nItems * rank }, () => rng.normal());
  const user: number[] = [];
  const item: number[] = [];
  const heldOut = new Int32Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    const w = new Float64Array(nItems);
    for (let i = 0; i < nItems; i++) {
      let z = 0;
      for (let d = 0; d < rank; d++) z += a[u * rank + d] * b[i * rank + d];
      w[i] = Math.exp(sharp * z);
    }
    for (let k = 0; k < perUser; k++) {
      let W = 0;
      for (let i = 0; i < nItems; i++) W += w[i];
      let x = rng.next() * W;
      let i = 0;
      while (i < nItems - 1 && (x -= w[i]) > 0) i++;
      w[i] = 0;
      user.push(u);
      item.push(i);
      if (k === perUser - 1) heldOut[u] = i;
    }
  }
  const n = user.length;
  const userOffsets = new Int32Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) userOffsets[u + 1] = userOffsets[u] + perUser;
  const itemCounts = new Int32Array(nItems);
  for (const i of item) itemCounts[i]++;
  const dataset: Dataset = {
    userIds: Array.from({ length: nUsers }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: nItems }, (_, i) => `i${i}`),
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from({ length: n }, (_, k) => k % perUser),
    userOffsets,
    itemCounts,
    nUsers,
    nItems,
  };
  const trainEnd = new Int32Array(nUsers);
  for (let u = 0; u < nUsers; u++) trainEnd[u] = userOffsets[u + 1] - 1;
  return { train: { dataset, trainEnd }, heldOut };
}

/**
 * Mean AUC of the held-out item against each user's other unseen items (items absent from the user's training events):
 * P(score(held-out) > score(other)), ties counting ½. Random scores give 0.5.
 */
export async function heldOutAuc(w: PlantedWorld, scorer: Scorer): Promise<number> {
  const { dataset, trainEnd } = w.train;
  const { nUsers, nItems } = dataset;
  const users = Int32Array.from({ length: nUsers }, (_, u) => u);
  const src = await scorer.scores(evalRows(users, nItems));
  const out = new Float32Array(nUsers * nItems);
  src.fillRows(0, nUsers, out);
  let sum = 0;
  for (let u = 0; u < nUsers; u++) {
    const seen = new Set(dataset.item.subarray(dataset.userOffsets[u], trainEnd[u]));
    const h = w.heldOut[u];
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < nItems; i++) {
      if (i === h || seen.has(i)) continue;
      const d = out[u * nItems + h] - out[u * nItems + i];
      wins += d > 0 ? 1 : d === 0 ? 0.5 : 0;
      pairs++;
    }
    sum += wins / pairs;
  }
  return sum / nUsers;
}

/** An EvalSet over the given users with empty targets (MF scorers read only `users`). */
export function evalRows(users: Int32Array, nItems: number): EvalSet {
  const n = users.length;
  return {
    users,
    testStart: new Float64Array(n),
    histEnd: new Int32Array(n),
    horizon: 1,
    target: {
      nRows: n,
      nCols: nItems,
      indptr: new Int32Array(n + 1),
      indices: new Int32Array(0),
      data: new Float32Array(0),
    },
    excludeTrain: true,
  };
}
