import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { SeqConfig } from './config';
import { constParam, get, type Params, uniformParam } from './params';
import { decoderLoss, lookup, mm } from './ops';
import { causalAttentionPacked } from './attention';
import type { TokenBatch } from './data';
import { dropoutMask, type SeqNet } from './net';

/** Where each sequence's real positions sit once the right padding is taken out (see encode). */
interface Packing {
  lengths: Int32Array;
  /** First row of each sequence. */
  starts: Int32Array;
  /** Position (0-based step) of each packed row: the row of the position embedding it adds. */
  position: Int32Array;
  /** The packed rows of a [B, T] row-major array. */
  gather(a: Int32Array): Int32Array;
}

/** Packs sequences of the given lengths (at most T each; at least one row in all, so no op sees an empty tensor). */
function packing(lengths: Int32Array, T: number): Packing {
  const lens = Int32Array.from(lengths, (n) => Math.max(0, Math.min(T, n)));
  if (lens.length > 0 && lens.every((n) => n === 0)) lens[0] = 1;
  const starts = new Int32Array(lens.length);
  let N = 0;
  for (let b = 0; b < lens.length; b++) {
    starts[b] = N;
    N += lens[b];
  }
  const position = new Int32Array(N);
  for (let b = 0; b < lens.length; b++) for (let t = 0; t < lens[b]; t++) position[starts[b] + t] = t;
  const gather = (a: Int32Array) => {
    const out = new Int32Array(N);
    for (let b = 0; b < lens.length; b++) out.set(a.subarray(b * T, b * T + lens[b]), starts[b]);
    return out;
  };
  return { lengths: lens, starts, position, gather };
}

/**
 * Causal Transformer encoder, pre-LayerNorm blocks: x += Attn(LN(x)); x += FFN(LN(x)); h = LN(x).
 * Multi-head attention is built from ops (tfjs has no public layer): one matMul for Q, K, V of all positions, then
 * softmax(Q Kᵀ/√d + M) V per sequence and head with M = −∞ above the diagonal (attention.ts: 2-D matMuls per head,
 * masked softmax in JS, skipping right padding; ~15× faster on WASM than batched 4-D matMuls, which WebGPU uses). Inputs are the item
 * embedding plus a learned position embedding (positions 0..maxLen−1). Batches are packed: the right padding of each
 * sequence is taken out before the first op and sequences sit one after another ([N, H] rows, see Packing).
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
   * Packed input rows [N, H] (no padding: sequence b is rows starts[b] … starts[b] + lengths[b] − 1, position t at
   * row starts[b] + t) → top states [N, H] after the final LayerNorm. Only attention needs the sequences; every other
   * op is row-wise, so padding rows would only cost time.
   */
  function encode(x0: tf.Tensor2D, pk: Packing): tf.Tensor2D {
    let x = tf.add(x0, lookup(p('pos') as tf.Tensor2D, pk.position)) as tf.Tensor2D;
    for (let l = 0; l < cfg.layers; l++) {
      const qkv = tf.add(
        mm(layerNorm(x, `tf${l}.ln1g`, `tf${l}.ln1b`), p(`tf${l}.wqkv`) as tf.Tensor2D),
        p(`tf${l}.bqkv`),
      ) as tf.Tensor2D;
      const ctx = causalAttentionPacked(qkv, pk.starts, pk.lengths, nh);
      x = tf.add(x, tf.add(mm(ctx, p(`tf${l}.wo`) as tf.Tensor2D), p(`tf${l}.bo`))) as tf.Tensor2D;
      const f = tf.relu(
        tf.add(mm(layerNorm(x, `tf${l}.ln2g`, `tf${l}.ln2b`), p(`tf${l}.w1`) as tf.Tensor2D), p(`tf${l}.b1`)),
      );
      x = tf.add(x, tf.add(mm(f, p(`tf${l}.w2`) as tf.Tensor2D), p(`tf${l}.b2`))) as tf.Tensor2D;
    }
    return layerNorm(x, 'lnfg', 'lnfb') as tf.Tensor2D;
  }

  /** A training or validation batch packed: real positions are those up to the last non-padding target. */
  const packTargets = (batch: TokenBatch) => {
    const lengths = Int32Array.from({ length: batch.size }, (_, b) => {
      let n = 0;
      for (let t = 0; t < batch.steps; t++) if (batch.target[b * batch.steps + t] !== 0) n = t + 1;
      return n;
    });
    const pk = packing(lengths, batch.steps);
    return { pk, input: pk.gather(batch.input), target: pk.gather(batch.target) };
  };

  return {
    async trainBatch(batch: TokenBatch, step, noise) {
      const { pk, input, target } = packTargets(batch);
      const rate = noise ? cfg.dropout : 0;
      const drop = (x: tf.Tensor2D): tf.Tensor2D =>
        rate > 0 && noise
          ? (tf.mul(x, tf.tensor2d(dropoutMask(x.shape[0], H, rate, noise), x.shape)) as tf.Tensor2D)
          : x;
      const r = step(() => {
        const emb = p('emb') as tf.Tensor2D;
        return decoderLoss(drop(encode(drop(lookup(emb, input)), pk)), emb, p('bias') as tf.Tensor1D, target);
      }, batch.count);
      if (r.applied) await r.applied;
      return (await r.loss) * batch.count;
    },

    async evalBatch(batch: TokenBatch) {
      const { pk, input, target } = packTargets(batch);
      const loss = tf.tidy(() => {
        const emb = p('emb') as tf.Tensor2D;
        const out = encode(tf.gather(emb, tf.tensor1d(input, 'int32')) as tf.Tensor2D, pk);
        return decoderLoss(out, emb, p('bias') as tf.Tensor1D, target);
      });
      const v = (await loss.data())[0];
      loss.dispose();
      return v * batch.count;
    },

    states(batch: TokenBatch) {
      const { pk, input } = packTargets(batch);
      // Packed rows are exactly the non-padding positions, user by user (targets of a slice are contiguous from 0).
      return tf.tidy(() => encode(tf.gather(p('emb'), tf.tensor1d(input, 'int32')) as tf.Tensor2D, pk));
    },

    hidden(input: Int32Array, B: number, T: number, last: Int32Array) {
      const pk = packing(
        Int32Array.from(last, (t) => t + 1),
        T,
      );
      return tf.tidy(() => {
        const emb = p('emb') as tf.Tensor2D;
        const out = encode(tf.gather(emb, tf.tensor1d(pk.gather(input), 'int32')) as tf.Tensor2D, pk);
        const at = Int32Array.from(last, (t, b) => pk.starts[b] + t);
        return tf.gather(out, tf.tensor1d(at, 'int32')) as tf.Tensor2D;
      });
    },
  };
}
