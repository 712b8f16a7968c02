import type * as tf from '@tensorflow/tfjs-core';
import { gruLayer, type PackedSequences } from '../../models/sequence/gruLayer';

export { packSequences, type PackedSequences } from '../../models/sequence/gruLayer';

/**
 * The final state h [rows, H] of a GRU (torch gate order r, z, n; the formulas of core/models/sequence/gru.ts) run
 * from h = 0 over each row's packed sequence (a row of length 0 keeps h = 0): the sequence models' fused layer
 * (gruLayer.ts) with its final states as the output. x [entries, D] are the packed step inputs. It needs synchronous
 * reads (WASM, CPU, WebGL); on WebGPU the caller runs per-step ops instead (sequence/ops.ts: canReadSync).
 */
export function gruPacked(
  x: tf.Tensor2D,
  wi: tf.Tensor2D,
  bi: tf.Tensor,
  wh: tf.Tensor2D,
  bh: tf.Tensor,
  p: PackedSequences,
): tf.Tensor2D {
  return gruLayer(x, wi, bi, wh, bh, p, { output: 'final' });
}
