import type { Dataset } from '../../data/types';
import type { Rng } from '../../util/rng';
import { shuffleInPlace } from '../../util/rng';

/** The parts of a Dataset that histories are read from. */
export type HistorySource = Pick<Dataset, 'item' | 'userOffsets'>;

/**
 * Token sequences as rime builds them: token 0 is both the start-of-history and the padding token, item i is token
 * i + 1. A user's input is [0, y_1, …, y_{n-1}] and its targets [y_1, …, y_n] (last maxLen events), so the hidden
 * state at step t has consumed the first t events and predicts event t + 1.
 */
export interface TokenBatch {
  /** Users in the batch. */
  size: number;
  /** Steps (the longest sequence of the batch, padded). */
  steps: number;
  /** size × steps inputs, row-major by user ([B, T]). */
  input: Int32Array;
  /** size × steps target tokens; 0 marks padding (no loss). */
  target: Int32Array;
  /** Non-padding targets. */
  count: number;
}

/** A user's event slice [start, end) of the dataset, already cut to the last maxLen events. */
export interface SeqSlice {
  start: number;
  end: number;
  /** The user's first event (the whole history before `start` is [from, start)), when known. */
  from?: number;
}

/** Slices of users with at least one training event: the last maxLen events of [userOffsets[u], trainEnd[u]). */
export function trainingSlices(ds: Dataset, trainEnd: Int32Array, maxLen: number): SeqSlice[] {
  const out: SeqSlice[] = [];
  for (let u = 0; u < ds.nUsers; u++) {
    const s = ds.userOffsets[u];
    const e = trainEnd[u];
    if (e > s) out.push({ start: Math.max(s, e - maxLen), end: e, from: s });
  }
  return out;
}

/** rime's random user split: the first ⌈(1 − f)·m⌉ of a seeded permutation train, the rest validate. */
export function splitUsers(
  slices: SeqSlice[],
  validFraction: number,
  rng: Rng,
): { train: SeqSlice[]; valid: SeqSlice[] } {
  const order = shuffleInPlace(Int32Array.from(slices.keys()), rng);
  const nTrain =
    validFraction > 0 && slices.length > 1
      ? Math.max(1, Math.ceil(slices.length * (1 - validFraction)))
      : slices.length;
  const pick = (a: Int32Array) => Array.from(a, (i) => slices[i]);
  return { train: pick(order.subarray(0, nTrain)), valid: pick(order.subarray(nTrain)) };
}

/** Training batch ([B, T] layout, right-padded): inputs shifted right behind the start token. */
export function tokenBatch(item: Int32Array, slices: SeqSlice[]): TokenBatch {
  let steps = 1;
  for (const s of slices) steps = Math.max(steps, s.end - s.start);
  const size = slices.length;
  const input = new Int32Array(size * steps);
  const target = new Int32Array(size * steps);
  let count = 0;
  slices.forEach((s, b) => {
    const n = s.end - s.start;
    for (let t = 0; t < n; t++) {
      target[b * steps + t] = item[s.start + t] + 1;
      if (t + 1 < steps) input[b * steps + t + 1] = item[s.start + t] + 1;
    }
    count += n;
  });
  return { size, steps, input, target, count };
}

/**
 * Inference batch: input [0, y_1, …, y_n] (n ≤ maxLen − 1 so the total fits maxLen) and the position n of the
 * state that has consumed the whole history (rime's `lengths - 1`).
 */
export function historyBatch(
  item: Int32Array,
  slices: SeqSlice[],
): { size: number; steps: number; input: Int32Array; last: Int32Array } {
  let steps = 1;
  for (const s of slices) steps = Math.max(steps, s.end - s.start + 1);
  const size = slices.length;
  const input = new Int32Array(size * steps);
  const last = new Int32Array(size);
  slices.forEach((s, b) => {
    for (let t = s.start; t < s.end; t++) input[b * steps + 1 + t - s.start] = item[t] + 1;
    last[b] = s.end - s.start;
  });
  return { size, steps, input, last };
}

/** Batches of a shuffled (or kept) order; the last batch may be smaller. */
export function batchesOf<T>(xs: T[], batchSize: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += batchSize) out.push(xs.slice(i, i + batchSize));
  return out;
}
