import type * as tf from '@tensorflow/tfjs-core';
import type { TokenBatch } from './data';

/** What the training loop needs from an encoder (GRU or Transformer); the tied decoder lives in params 'emb'/'bias'. */
export interface SeqNet {
  /**
   * Trains on one batch: calls `step` once per gradient step with a closure returning the mean token loss of that
   * step (step differentiates and updates, resolving to the loss value). Resolves to the summed token loss.
   * Losses are read asynchronously: a synchronous read breaks WebGPU (ops.ts: canReadSync).
   */
  trainBatch(batch: TokenBatch, step: (loss: () => tf.Scalar) => Promise<number>): Promise<number>;
  /** Summed token loss of a batch without updating. */
  evalBatch(batch: TokenBatch): Promise<number>;
  /** Hidden states h_x [B, H] at positions `last` of inputs [B, T] (row-major by user). */
  hidden(input: Int32Array, B: number, T: number, last: Int32Array): tf.Tensor2D;
}
