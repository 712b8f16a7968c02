import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { SeqConfig } from './config';
import { get, type Params, uniformParam } from './params';
import { decoderLoss, lookup, mm } from './ops';
import type { TokenBatch } from './data';
import { dropoutMask, type SeqNet } from './net';

/**
 * One GRU step (torch.nn.GRU gate order r, z, n, formulas below) from the projected input xg = W_i x + b_i [B, 3H]
 * and the state h [B, H]; returns h'. Shared with the click-and-conversion track's MT-RNN (core/ctr/models/mtrnn.ts).
 */
export function gruCell(xg: tf.Tensor2D, h: tf.Tensor2D, wh: tf.Tensor2D, bh: tf.Tensor): tf.Tensor2D {
  const [xr, xz, xn] = tf.split(xg, 3, 1);
  const [hr, hz, hn] = tf.split(tf.add(mm(h, wh), bh), 3, 1);
  const r = tf.sigmoid(tf.add(xr, hr));
  const z = tf.sigmoid(tf.add(xz, hz));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  return tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
}

/**
 * GRU encoder (torch.nn.GRU gate order r, z, n):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 * Steps are separate [B, H] tensors; the decoder sees them stacked time-major ([T·B, H], rows t·B + b) as one
 * matMul over all steps of a truncation window (ops.decoderLoss).
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

  /**
   * Runs all layers over inputs xs (one [B, H] per step) from states h0 (one [B, H] per layer); returns the top
   * layer's states per step and the final states. The input projection is one small matMul per step rather than
   * one big matMul sliced per step: on the tfjs 4.22 WASM backend, slicing rows of a large tensor copies the whole
   * tensor (measured ≈ 11 ms per slice of a 16384 × 384 tensor against ≈ 0.35 ms for a 64 × 128 × 384 matMul).
   */
  function encode(xs: tf.Tensor2D[], h0: tf.Tensor2D[], projected0 = false): { out: tf.Tensor2D[]; hT: tf.Tensor2D[] } {
    let inp = xs;
    const hT: tf.Tensor2D[] = [];
    for (let l = 0; l < cfg.layers; l++) {
      const wi = get(params, `gru${l}.wi`) as tf.Tensor2D;
      const bi = get(params, `gru${l}.bi`);
      const wh = get(params, `gru${l}.wh`) as tf.Tensor2D;
      const bh = get(params, `gru${l}.bh`);
      let h = h0[l];
      const outs: tf.Tensor2D[] = [];
      for (const x of inp) {
        h = gruCell(l === 0 && projected0 ? x : (tf.add(mm(x, wi), bi) as tf.Tensor2D), h, wh, bh);
        outs.push(h);
      }
      hT.push(h);
      inp = outs;
    }
    return { out: inp, hT };
  }

  /** Step inputs [B, H] for steps t0..t0+len of inputs [B, T] (row-major by user), gathered step by step. */
  const stepInputs = (src: Int32Array, B: number, T: number, t0: number, len: number, train: boolean) => {
    const emb = get(params, 'emb') as tf.Tensor2D;
    return Array.from({ length: len }, (_, t) => {
      const ids = Int32Array.from({ length: B }, (_, b) => src[b * T + t0 + t]);
      return train ? lookup(emb, ids) : (tf.gather(emb, tf.tensor1d(ids, 'int32')) as tf.Tensor2D);
    });
  };

  const timeMajor = (src: Int32Array, B: number, T: number, t0: number, len: number) => {
    const ids = new Int32Array(len * B);
    for (let t = 0; t < len; t++) for (let b = 0; b < B; b++) ids[t * B + b] = src[b * T + t0 + t];
    return ids;
  };

  return {
    async trainBatch(batch: TokenBatch, step, noise) {
      const { size: B, steps: T } = batch;
      const p = noise ? cfg.dropout : 0;
      const drop = (x: tf.Tensor2D): tf.Tensor2D =>
        p > 0 && noise ? (tf.mul(x, tf.tensor2d(dropoutMask(x.shape[0], H, p, noise), x.shape)) as tf.Tensor2D) : x;
      let h: tf.Tensor2D[] = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]));
      const losses: Promise<number>[] = [];
      // Truncated BPTT: the state crosses chunk borders as a constant, so gradients stop there (rime's hiddens.detach()).
      for (let t0 = 0; t0 < T; t0 += cfg.bptt) {
        const len = Math.min(cfg.bptt, T - t0);
        const tgt = timeMajor(batch.target, B, T, t0, len);
        let count = 0;
        for (const v of tgt) if (v !== 0) count++;
        if (count === 0) break;
        let next: tf.Tensor2D[] = [];
        const prev = h;
        const r = step(() => {
          const emb = get(params, 'emb') as tf.Tensor2D;
          const { out, hT } = encode(stepInputs(batch.input, B, T, t0, len, true).map(drop), prev);
          next = hT.map((v) => tf.keep(v));
          return decoderLoss(drop(tf.concat(out, 0)), emb, get(params, 'bias') as tf.Tensor1D, tgt);
        }, count);
        tf.dispose(prev);
        h = next;
        losses.push(r.loss.then((l) => l * count));
        if (r.applied) await r.applied;
      }
      tf.dispose(h);
      // Summed in step order, as the values arrive.
      return Promise.all(losses).then((ls) => ls.reduce((a, l) => a + l, 0));
    },

    async evalBatch(batch: TokenBatch) {
      const { size: B, steps: T } = batch;
      const loss = tf.tidy(() => {
        const tgt = timeMajor(batch.target, B, T, 0, T);
        const h0 = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]) as tf.Tensor2D);
        const { out } = encode(stepInputs(batch.input, B, T, 0, T, false), h0);
        const emb = get(params, 'emb') as tf.Tensor2D;
        return decoderLoss(tf.concat(out, 0), emb, get(params, 'bias') as tf.Tensor1D, tgt);
      });
      const v = (await loss.data())[0];
      loss.dispose();
      return v * batch.count;
    },

    states(batch: TokenBatch) {
      const { size: B, steps: T } = batch;
      // Rows of the time-major [T·B, H] stack at the non-padding targets, user by user.
      const rows: number[] = [];
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (batch.target[b * T + t] !== 0) rows.push(t * B + b);
      return tf.tidy(() => {
        const h0 = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]) as tf.Tensor2D);
        const { out } = encode(stepInputs(batch.input, B, T, 0, T, false), h0);
        return tf.gather(tf.concat(out, 0), tf.tensor1d(Int32Array.from(rows), 'int32')) as tf.Tensor2D;
      });
    },

    hidden(input: Int32Array, B: number, T: number, last: Int32Array) {
      return tf.tidy(() => {
        // Inference: layer 0's input projection depends on the token only, so it is one [V, 3H] table gathered per
        // step instead of a [B, H]·[H, 3H] matMul per step (a quarter of the recurrent matMul work of 2 layers).
        const table = tf.add(
          tf.matMul(get(params, 'emb') as tf.Tensor2D, get(params, 'gru0.wi') as tf.Tensor2D),
          get(params, 'gru0.bi'),
        ) as tf.Tensor2D;
        const projectedInputs = (t0: number, len: number) =>
          Array.from(
            { length: len },
            (_, t) =>
              tf.gather(
                table,
                tf.tensor1d(
                  Int32Array.from({ length: B }, (_, b) => input[b * T + t0 + t]),
                  'int32',
                ),
              ) as tf.Tensor2D,
          );
        // Only the states at each row's last position are needed: gather them step by step (a one-row mask add).
        let h: tf.Tensor2D[] = Array.from({ length: cfg.layers }, () => tf.zeros([B, H]) as tf.Tensor2D);
        let res = tf.zeros([B, H]) as tf.Tensor2D;
        for (let t0 = 0; t0 < T; t0 += cfg.bptt) {
          const len = Math.min(cfg.bptt, T - t0);
          const next = tf.tidy(() => {
            const { out, hT } = encode(projectedInputs(t0, len), h, true);
            let r = res;
            out.forEach((o, k) => {
              const pick = Float32Array.from(last, (t) => (t === t0 + k ? 1 : 0));
              if (pick.some((v) => v === 1)) r = tf.add(r, tf.mul(o, tf.tensor2d(pick, [B, 1]))) as tf.Tensor2D;
            });
            return { hT, r };
          });
          tf.dispose([...h, ...(next.r === res ? [] : [res])]);
          h = next.hT;
          res = next.r;
        }
        tf.dispose(h);
        return res;
      });
    },
  };
}
