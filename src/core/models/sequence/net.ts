import type * as tf from '@tensorflow/tfjs-core';
import type { TokenBatch } from './data';

/** What the training loop needs from an encoder (GRU or Transformer); the tied decoder lives in params 'emb'/'bias'. */
export interface SeqNet {
  /**
   * Trains on one batch: calls `step` once per gradient step with a closure returning the mean token loss of that
   * step (step differentiates and updates, returning the loss value). Returns the summed token loss.
   */
  trainBatch(batch: TokenBatch, step: (loss: () => tf.Scalar) => number): number;
  /** Summed token loss of a batch without updating. */
  evalBatch(batch: TokenBatch): number;
  /** Hidden states h_x [B, H] at positions `last` of inputs [B, T] (row-major by user). */
  hidden(input: Int32Array, B: number, T: number, last: Int32Array): tf.Tensor2D;
}
