import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { TokenBatch } from './data';

/** What one gradient step gave back (see TrainStep). */
export interface StepResult {
  /** The step's mean token loss, read back asynchronously (a synchronous read breaks WebGPU: ops.ts, canReadSync). */
  loss: Promise<number>;
  /**
   * Present when the update is applied later, not before `step` returns: a data-parallel replica (parallel.ts) waits
   * for the other shards' gradients. The next step must not start before it resolves.
   */
  applied?: Promise<void>;
}

/**
 * Differentiates `loss` (the mean token loss of `count` non-padding targets) and updates the weights: at once, or
 * by `applied`. `count` lets a data-parallel run weight each shard's mean by its share of the batch's targets.
 */
export type TrainStep = (loss: () => tf.Scalar, count: number) => StepResult;

/** What the training loop needs from an encoder (GRU or Transformer); the tied decoder lives in params 'emb'/'bias'. */
export interface SeqNet {
  /**
   * Trains on one batch: calls `step` once per gradient step with a closure returning the mean token loss of that
   * step. Resolves to the summed token loss. `noise` draws the dropout masks (config.dropout > 0).
   */
  trainBatch(batch: TokenBatch, step: TrainStep, noise?: Rng): Promise<number>;
  /** Summed token loss of a batch without updating. */
  evalBatch(batch: TokenBatch): Promise<number>;
  /** Top states [count, H] at every non-padding target position of a batch, user by user in step order. */
  states(batch: TokenBatch): tf.Tensor2D;
  /** Hidden states h_x [B, H] at positions `last` of inputs [B, T] (row-major by user). */
  hidden(input: Int32Array, B: number, T: number, last: Int32Array): tf.Tensor2D;
}

/** Inverted dropout mask [rows, cols]: 0 with probability p, else 1 / (1 − p), drawn from the seeded stream. */
export function dropoutMask(rows: number, cols: number, p: number, noise: Rng): Float32Array {
  const m = new Float32Array(rows * cols);
  const keep = 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = noise.next() < p ? 0 : keep;
  return m;
}
