import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { SeqConfig } from './config';
import { get, type Params, uniformParam } from './params';
import { decoderLoss, lookup, mm } from './ops';
import type { TokenBatch } from './data';
import type { SeqNet } from './net';

/**
 * GRU encoder (torch.nn.GRU gate order r, z, n):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 * Layout is time-major ([T·B, H] rows t·B + b) so each step's rows are one contiguous slice; the input projections
 * of all steps are one matMul per layer.
 */
export function createGru(cfg: SeqConfig, params: Params, rng: Rng): SeqNet {
  const H = cfg.hidden;
  const s = 1 / Math.sqrt(H);
  for (let l = 0; l < cfg.layers; l++) {
    uniformParam(params, `gru${l}.wi`, [H, 3 * H], s, rng);
    uniformParam(params, `gru${l}.wh`, [H, 3 * H], s, rng);
    uniformParam(params, `gru${l}.bi`, [3 * H], s, rng);
    uniformParam(params, `gru${l}.bh`, [3 * H], s, rng);
  }

  /** Runs all layers over x [T·B, H] from states h0 (one [B, H] per layer); returns top outputs and final states. */
  function encode(x: tf.Tensor2D, B: number, T: number, h0: tf.Tensor2D[]): { out: tf.Tensor2D; hT: tf.Tensor2D[] } {
    let inp = x;
    const hT: tf.Tensor2D[] = [];
    for (let l = 0; l < cfg.layers; l++) {
      const wh = get(params, `gru${l}.wh`) as tf.Tensor2D;
      const bh = get(params, `gru${l}.bh`);
      const xp = tf.add(mm(inp, get(params, `gru${l}.wi`) as tf.Tensor2D), get(params, `gru${l}.bi`)) as tf.Tensor2D;
      let h = h0[l];
      const outs: tf.Tensor2D[] = [];
      for (let t = 0; t < T; t++) {
        const [xr, xz, xn] = tf.split(tf.slice(xp, [t * B, 0], [B, 3 * H]), 3, 1);
        const [hr, hz, hn] = tf.split(tf.add(mm(h, wh), bh), 3, 1);
        const r = tf.sigmoid(tf.add(xr, hr));
        const z = tf.sigmoid(tf.add(xz, hz));
        const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
        h = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
        outs.push(h);
      }
      hT.push(h);
      inp = tf.concat(outs, 0);
    }
    return { out: inp, hT };
  }

  const timeMajor = (src: Int32Array, B: number, T: number, t0: number, len: number) => {
    const ids = new Int32Array(len * B);
    for (let t = 0; t < len; t++) for (let b = 0; b < B; b++) ids[t * B + b] = src[b * T + t0 + t];
    return ids;
  };

  return {
    trainBatch(batch: TokenBatch, step) {
      const { size: B, steps: T } = batch;
      let h: tf.Tensor2D[] = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]));
      let lossSum = 0;
      // Truncated BPTT: the state crosses chunk borders as a constant, so gradients stop there (rime's hiddens.detach()).
      for (let t0 = 0; t0 < T; t0 += cfg.bptt) {
        const len = Math.min(cfg.bptt, T - t0);
        const ids = timeMajor(batch.input, B, T, t0, len);
        const tgt = timeMajor(batch.target, B, T, t0, len);
        let count = 0;
        for (const v of tgt) if (v !== 0) count++;
        if (count === 0) break;
        let next: tf.Tensor2D[] = [];
        const prev = h;
        const loss = step(() => {
          const emb = get(params, 'emb') as tf.Tensor2D;
          const x = lookup(emb, ids);
          const { out, hT } = encode(x, B, len, prev);
          next = hT.map((v) => tf.keep(v));
          return decoderLoss(out, emb, get(params, 'bias') as tf.Tensor1D, tgt);
        });
        tf.dispose(prev);
        h = next;
        lossSum += loss * count;
      }
      tf.dispose(h);
      return lossSum;
    },

    evalBatch(batch: TokenBatch) {
      const { size: B, steps: T } = batch;
      return tf.tidy(() => {
        const ids = timeMajor(batch.input, B, T, 0, T);
        const tgt = timeMajor(batch.target, B, T, 0, T);
        const emb = get(params, 'emb') as tf.Tensor2D;
        const h0 = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]) as tf.Tensor2D);
        const { out } = encode(tf.gather(emb, tf.tensor1d(ids, 'int32')), B, T, h0);
        return decoderLoss(out, emb, get(params, 'bias') as tf.Tensor1D, tgt).dataSync()[0] * batch.count;
      });
    },

    hidden(input: Int32Array, B: number, T: number, last: Int32Array) {
      return tf.tidy(() => {
        const ids = timeMajor(input, B, T, 0, T);
        const emb = get(params, 'emb') as tf.Tensor2D;
        const h0 = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]) as tf.Tensor2D);
        const { out } = encode(tf.gather(emb, tf.tensor1d(ids, 'int32')), B, T, h0);
        const at = Int32Array.from(last, (t, b) => t * B + b);
        return tf.gather(out, tf.tensor1d(at, 'int32')) as tf.Tensor2D;
      });
    },
  };
}
