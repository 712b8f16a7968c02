import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { SeqConfig } from './config';
import { constParam, get, type Params, uniformParam } from './params';
import { decoderLoss, lookup, mm } from './ops';
import { causalAttention } from './attention';
import type { TokenBatch } from './data';
import type { SeqNet } from './net';

/**
 * Causal Transformer encoder, pre-LayerNorm blocks: x += Attn(LN(x)); x += FFN(LN(x)); h = LN(x).
 * Multi-head attention is built from ops (tfjs has no public layer): one matMul for Q, K, V of all positions, then
 * softmax(Q Kᵀ/√d + M) V per sequence and head with M = −∞ above the diagonal (attention.ts: 2-D matMuls per head,
 * masked softmax in JS, skipping right padding; ~15× faster on WASM than batched 4-D matMuls, which WebGPU uses). Inputs are the item
 * embedding plus a learned position embedding (positions 0..maxLen−1). Layout is batch-major ([B·T, H] rows b·T + t); right padding
 * never reaches real positions because attention is causal.
 */
export function createTransformer(cfg: SeqConfig, params: Params, rng: Rng): SeqNet {
  const H = cfg.hidden;
  const nh = cfg.heads;
  uniformParam(params, 'pos', [cfg.maxLen, H], 0.1, rng);
  for (let l = 0; l < cfg.layers; l++) {
    constParam(params, `tf${l}.ln1g`, [H], 1);
    constParam(params, `tf${l}.ln1b`, [H], 0);
    uniformParam(params, `tf${l}.wqkv`, [H, 3 * H], 1 / Math.sqrt(H), rng);
    constParam(params, `tf${l}.bqkv`, [3 * H], 0);
    uniformParam(params, `tf${l}.wo`, [H, H], 1 / Math.sqrt(H), rng);
    constParam(params, `tf${l}.bo`, [H], 0);
    constParam(params, `tf${l}.ln2g`, [H], 1);
    constParam(params, `tf${l}.ln2b`, [H], 0);
    uniformParam(params, `tf${l}.w1`, [H, cfg.ffn], 1 / Math.sqrt(H), rng);
    constParam(params, `tf${l}.b1`, [cfg.ffn], 0);
    uniformParam(params, `tf${l}.w2`, [cfg.ffn, H], 1 / Math.sqrt(cfg.ffn), rng);
    constParam(params, `tf${l}.b2`, [H], 0);
  }
  constParam(params, 'lnfg', [H], 1);
  constParam(params, 'lnfb', [H], 0);

  const p = (n: string) => get(params, n);
  const layerNorm = (x: tf.Tensor, g: string, b: string) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), p(g)), p(b));
  };

  /**
   * Input rows [B·T, H] (batch-major) → top states [B·T, H] after the final LayerNorm. `lengths[b]`: real positions of
   * sequence b; attention skips the right padding after them (ops of attention.ts; rows there are padding anyway).
   */
  function encode(x0: tf.Tensor2D, B: number, T: number, lengths: Int32Array): tf.Tensor2D {
    const pos = tf.slice(p('pos'), [0, 0], [T, H]);
    let x = tf.reshape(tf.add(tf.reshape(x0, [B, T, H]), pos), [B * T, H]) as tf.Tensor2D;
    for (let l = 0; l < cfg.layers; l++) {
      const qkv = tf.add(mm(layerNorm(x, `tf${l}.ln1g`, `tf${l}.ln1b`), p(`tf${l}.wqkv`) as tf.Tensor2D), p(`tf${l}.bqkv`)) as tf.Tensor2D;
      const ctx = causalAttention(qkv, B, T, nh, lengths);
      x = tf.add(x, tf.add(mm(ctx, p(`tf${l}.wo`) as tf.Tensor2D), p(`tf${l}.bo`))) as tf.Tensor2D;
      const f = tf.relu(tf.add(mm(layerNorm(x, `tf${l}.ln2g`, `tf${l}.ln2b`), p(`tf${l}.w1`) as tf.Tensor2D), p(`tf${l}.b1`)));
      x = tf.add(x, tf.add(mm(f, p(`tf${l}.w2`) as tf.Tensor2D), p(`tf${l}.b2`))) as tf.Tensor2D;
    }
    return layerNorm(x, 'lnfg', 'lnfb') as tf.Tensor2D;
  }

  /** Real positions per sequence of a training batch: its non-padding targets (inputs are the start token + items). */
  const targetLengths = (batch: TokenBatch) =>
    Int32Array.from({ length: batch.size }, (_, b) => {
      let n = 0;
      for (let t = 0; t < batch.steps; t++) if (batch.target[b * batch.steps + t] !== 0) n = t + 1;
      return n;
    });

  return {
    trainBatch(batch: TokenBatch, step) {
      const { size: B, steps: T } = batch;
      const loss = step(() => {
        const emb = p('emb') as tf.Tensor2D;
        const out = encode(lookup(emb, batch.input), B, T, targetLengths(batch));
        return decoderLoss(out, emb, p('bias') as tf.Tensor1D, batch.target);
      });
      return loss.then((l) => l * batch.count);
    },

    async evalBatch(batch: TokenBatch) {
      const loss = tf.tidy(() => {
        const emb = p('emb') as tf.Tensor2D;
        const out = encode(tf.gather(emb, tf.tensor1d(batch.input, 'int32')) as tf.Tensor2D, batch.size, batch.steps, targetLengths(batch));
        return decoderLoss(out, emb, p('bias') as tf.Tensor1D, batch.target);
      });
      const v = (await loss.data())[0];
      loss.dispose();
      return v * batch.count;
    },

    hidden(input: Int32Array, B: number, T: number, last: Int32Array) {
      return tf.tidy(() => {
        const emb = p('emb') as tf.Tensor2D;
        const out = encode(tf.gather(emb, tf.tensor1d(input, 'int32')) as tf.Tensor2D, B, T, Int32Array.from(last, (t) => t + 1));
        const at = Int32Array.from(last, (t, b) => b * T + t);
        return tf.gather(out, tf.tensor1d(at, 'int32')) as tf.Tensor2D;
      });
    },
  };
}
