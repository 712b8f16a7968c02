/**
 * Ground truth of the synthetic world for user states x = (user u, history before T): the quantities a RIM estimates.
 *   λ_u(T)                the Hawkes conditional intensity at T (events / s), 0 before the user's start or after churn;
 *   E[N(T, T + ΔT) | H_T] the expected number of events in the window, closed form (hawkes.expectedCount) over the part
 *                         of the window where the user is active, [max(T, start), min(T + ΔT, churn));
 *   p(y | x)              the next-item distribution: with probability `repeat` an item of the history in proportion to
 *                         its count there, else items.nextItemProbs (factored: θ_u, φ, and the last item).
 * With recency ρ = 0 and no repeats, λ(x, y) = E[N]·p(y|x) is exactly the expected count of item y in the window; with
 * either, the items after the first one in the window drift (toward θ_u, or toward the window's own items), so
 * E[N]·p(y|x) is exact for the next item only.
 */
import type { Dataset } from '../types';
import { excitationAt, expectedCount } from './hawkes';
import { nextItemProbs } from './items';
import { userHawkes, type EventBlock, type SynthWorld } from './generate';

/** Events the truth reads histories from: a Dataset (userStart 0) or a streamed EventBlock. */
export type TruthEvents = Pick<EventBlock, 'userStart' | 'offsets' | 'item' | 'time'>;

export function datasetEvents(ds: Dataset): TruthEvents {
  return { userStart: 0, offsets: ds.userOffsets, item: ds.item, time: ds.time };
}

export interface SynthTruth {
  /** Per row: λ_u(T), events per second. */
  lambda: Float64Array;
  /** Per row: expected events in [T, T + horizon). */
  expectedCount: Float64Array;
  /** Per row: the item of the last event before T, −1 if none (the recency term of p(y|x)). */
  lastItem: Int32Array;
  /** Per row: events before T (history length). */
  histLength: Int32Array;
  /** Writes p(y|x) of row r over all items into out (length nItems). */
  itemProbs(r: number, out: Float32Array | Float64Array): void;
  /** The k most likely next items of row r, most likely first. */
  topItems(r: number, k: number): Int32Array;
}

/**
 * Truth for rows (users[r], testStarts[r]) and one horizon (seconds). `events` must hold the rows' users; only events
 * strictly before each row's T are read. A single number for testStarts applies to every row.
 */
export function truthAt(
  w: SynthWorld,
  users: ArrayLike<number>,
  testStarts: ArrayLike<number> | number,
  horizon: number,
  events: TruthEvents,
): SynthTruth {
  const n = users.length;
  const lambda = new Float64Array(n);
  const count = new Float64Array(n);
  const lastItem = new Int32Array(n).fill(-1);
  const histLength = new Int32Array(n);
  const histStart = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const u = users[r];
    const T = typeof testStarts === 'number' ? testStarts : testStarts[r];
    const j = u - events.userStart;
    if (j < 0 || j + 1 >= events.offsets.length) throw new RangeError(`truthAt: user ${u} is not in the events given`);
    const lo = events.offsets[j];
    let hi = lo;
    const end = events.offsets[j + 1];
    while (hi < end && events.time[hi] < T) hi++;
    histLength[r] = hi - lo;
    histStart[r] = lo;
    if (hi > lo) lastItem[r] = events.item[hi - 1];
    const p = userHawkes(w, u);
    const s = w.users.start[u];
    const c = w.users.end[u];
    if (T >= s && T < c) {
      const e = excitationAt(p, events.time, lo, hi, T);
      lambda[r] = p.mu + e.short + e.long;
    }
    const a = Math.max(T, s);
    const b = Math.min(T + horizon, c);
    if (b > a) count[r] = expectedCount(p, excitationAt(p, events.time, lo, hi, a), b - a);
  }
  const K = w.items.nTopics;
  const rep = w.config.repeat;
  const probs = (r: number, out: Float32Array | Float64Array) => {
    nextItemProbs(w.items, w.users.topics.subarray(users[r] * K, (users[r] + 1) * K), lastItem[r], out);
    const n = histLength[r];
    if (!(rep > 0) || n === 0) return;
    for (let i = 0; i < out.length; i++) out[i] *= 1 - rep;
    const lo = histStart[r];
    for (let e = lo; e < lo + n; e++) out[events.item[e]] += rep / n;
  };
  return {
    lambda,
    expectedCount: count,
    lastItem,
    histLength,
    itemProbs: probs,
    topItems(r, k) {
      const p = new Float64Array(w.items.nItems);
      probs(r, p);
      return topK(p, Math.min(k, p.length));
    },
  };
}

/** Indices of the k largest values, largest first (ties: lower index first); an insertion list, O(n) for small k. */
function topK(p: Float64Array, k: number): Int32Array {
  const idx = new Int32Array(k);
  const val = new Float64Array(k).fill(-Infinity);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (k === 0 || v <= val[k - 1]) continue;
    let j = k - 1;
    while (j > 0 && val[j - 1] < v) {
      val[j] = val[j - 1];
      idx[j] = idx[j - 1];
      j--;
    }
    val[j] = v;
    idx[j] = i;
  }
  return idx;
}
