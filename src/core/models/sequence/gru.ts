import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { SeqConfig } from './config';
import { get, type Params, uniformParam } from './params';
import { canReadSync, decoderLoss, lookup, mm } from './ops';
import type { TokenBatch } from './data';
import { dropoutMask, type SeqNet } from './net';
import { gruForward, gruLayer, type PackedSequences, packSteps, permuteRows } from './gruLayer';

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
 * The states of one window of steps t0 … t0 + len − 1 of a batch: `out` [rows, H] and, for each row of `out`, its
 * time-major place t·B + b in the window (the layout of the per-step path, which the dropout masks are drawn in).
 */
interface Window {
  out: tf.Tensor2D;
  tm: Int32Array;
  /** Per layer, the state leaving the window [B, H] (batch order). */
  hT: tf.Tensor2D[];
}

/** Non-padding steps of each user: targets are a prefix of non-zero tokens (data.ts, tokenBatch). */
function rowLengths(target: Int32Array, B: number, T: number): Int32Array {
  const len = new Int32Array(B);
  for (let b = 0; b < B; b++) while (len[b] < T && target[b * T + len[b]] !== 0) len[b]++;
  return len;
}

/** Rows `tm` of a time-major [len·B, H] dropout mask (null: no dropout), as the multiplier of a [rows, H] tensor. */
function maskRows(mask: Float32Array | null, tm: Int32Array, H: number): tf.Tensor2D | null {
  if (!mask) return null;
  const o = new Float32Array(tm.length * H);
  for (let i = 0; i < tm.length; i++) o.set(mask.subarray(tm[i] * H, (tm[i] + 1) * H), i * H);
  return tf.tensor2d(o, [tm.length, H]);
}

const masked = (x: tf.Tensor2D, m: tf.Tensor2D | null): tf.Tensor2D => (m ? (tf.mul(x, m) as tf.Tensor2D) : x);

/**
 * GRU encoder (torch.nn.GRU gate order r, z, n):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 * Where tensors can be read synchronously (ops.ts: canReadSync) each layer is one fused op over the batch packed
 * step-major without its right padding (gruLayer.ts); the decoder sees the packed states. Elsewhere (WebGPU) each
 * step is a few tfjs ops (gruCell), and the decoder sees the steps stacked time-major ([T·B, H], rows t·B + b).
 * Both run every user from state 0 over its own steps; they differ only in the states at padding positions, which
 * reach no loss.
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
  const layer = (l: number) => ({
    wi: get(params, `gru${l}.wi`) as tf.Tensor2D,
    bi: get(params, `gru${l}.bi`),
    wh: get(params, `gru${l}.wh`) as tf.Tensor2D,
    bh: get(params, `gru${l}.bh`),
  });

  /**
   * Per-step path: runs all layers over inputs xs (one [B, H] per step) from states h0 (one [B, H] per layer);
   * returns the top layer's states per step and the final states. The input projection is one small matMul per step
   * rather than one big matMul sliced per step: on the tfjs 4.22 WASM backend, slicing rows of a large tensor copies
   * the whole tensor (measured ≈ 11 ms per slice of a 16384 × 384 tensor against ≈ 0.35 ms for a 64 × 128 × 384
   * matMul).
   */
  function encodeSteps(xs: tf.Tensor2D[], h0: tf.Tensor2D[], projected0 = false) {
    let inp = xs;
    const hT: tf.Tensor2D[] = [];
    for (let l = 0; l < cfg.layers; l++) {
      const { wi, bi, wh, bh } = layer(l);
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

  /** Values of `src` [B, T] at each packed entry of window t0 (entry order of `p`). */
  const packedValues = (src: Int32Array, p: PackedSequences, T: number, t0: number) => {
    const o = new Int32Array(p.entries);
    for (let s = 0; s < p.batchSizes.length; s++)
      for (let k = 0; k < p.batchSizes[s]; k++) o[p.stepStart[s] + k] = src[p.order[k] * T + t0 + s];
    return o;
  };

  /**
   * The window t0 … t0 + len − 1 of a batch through all layers. h0: per layer, the state entering the window [B, H]
   * (a constant: truncated BPTT cuts the gradient there; null: 0). Dropout masks are drawn time-major over the whole
   * window, as the per-step path always did.
   */
  function encodeWindow(
    batch: TokenBatch,
    t0: number,
    len: number,
    train: boolean,
    drop: () => Float32Array | null,
    h0: tf.Tensor2D[] | null,
  ): Window {
    const { size: B, steps: T } = batch;
    const emb = get(params, 'emb') as tf.Tensor2D;
    if (!canReadSync()) {
      const dropIn = drop();
      const xs = stepInputs(batch.input, B, T, t0, len, train).map((x, t) =>
        dropIn ? (tf.mul(x, tf.tensor2d(dropIn.subarray(t * B * H, (t + 1) * B * H), [B, H])) as tf.Tensor2D) : x,
      );
      const start = h0 ?? Array.from({ length: cfg.layers }, () => tf.zeros([B, H]) as tf.Tensor2D);
      const { out, hT } = encodeSteps(xs, start);
      return { out: tf.concat(out, 0), tm: Int32Array.from({ length: len * B }, (_, i) => i), hT };
    }
    const p = packSteps(rowLengths(batch.target, B, T), t0, len);
    const tm = new Int32Array(p.entries);
    for (let t = 0; t < len; t++) for (let k = 0; k < p.batchSizes[t]; k++) tm[p.stepStart[t] + k] = t * B + p.order[k];
    const ids = packedValues(batch.input, p, T, t0);
    let x = masked(
      train ? lookup(emb, ids) : (tf.gather(emb, tf.tensor1d(ids, 'int32')) as tf.Tensor2D),
      maskRows(drop(), tm, H),
    );
    // The final states arrive as numbers (made into tensors here: the op's forward runs inside a tidy of tfjs).
    const finals: Float32Array[] = [];
    for (let l = 0; l < cfg.layers; l++) {
      const { wi, bi, wh, bh } = layer(l);
      const start = h0 ? (h0[l].dataSync() as Float32Array) : undefined;
      x = gruLayer(x, wi, bi, wh, bh, p, { output: 'all', h0: start, onFinal: (h) => (finals[l] = h) });
    }
    return { out: x, tm, hT: finals.map((h) => tf.tensor2d(h, [B, H])) };
  }

  /** Targets of a window's rows (0: padding), in the order of `tm`. */
  const windowTargets = (batch: TokenBatch, t0: number, tm: Int32Array) =>
    Int32Array.from(tm, (i) => batch.target[(i % batch.size) * batch.steps + t0 + Math.floor(i / batch.size)]);

  return {
    async trainBatch(batch: TokenBatch, step, noise) {
      const { size: B, steps: T } = batch;
      const p = noise ? cfg.dropout : 0;
      let h: tf.Tensor2D[] | null = null;
      const losses: Promise<number>[] = [];
      // Truncated BPTT: the state crosses window borders as a constant, so gradients stop there (rime's
      // hiddens.detach()).
      for (let t0 = 0; t0 < T; t0 += cfg.bptt) {
        const len = Math.min(cfg.bptt, T - t0);
        let count = 0;
        for (let b = 0; b < B; b++) for (let t = t0; t < t0 + len; t++) if (batch.target[b * T + t] !== 0) count++;
        if (count === 0) break;
        let next: tf.Tensor2D[] = [];
        const prev = h;
        const drop = () => (p > 0 && noise ? dropoutMask(len * B, H, p, noise) : null);
        const r = step(() => {
          const emb = get(params, 'emb') as tf.Tensor2D;
          const { out, tm, hT } = encodeWindow(batch, t0, len, true, drop, prev);
          next = hT.map((v) => tf.keep(v));
          const tgt = windowTargets(batch, t0, tm);
          return decoderLoss(masked(out, maskRows(drop(), tm, H)), emb, get(params, 'bias') as tf.Tensor1D, tgt);
        }, count);
        if (prev) tf.dispose(prev);
        h = next;
        losses.push(r.loss.then((l) => l * count));
        if (r.applied) await r.applied;
      }
      if (h) tf.dispose(h);
      // Summed in step order, as the values arrive.
      return Promise.all(losses).then((ls) => ls.reduce((a, l) => a + l, 0));
    },

    async evalBatch(batch: TokenBatch) {
      const loss = tf.tidy(() => {
        const { out, tm } = encodeWindow(batch, 0, batch.steps, false, () => null, null);
        const emb = get(params, 'emb') as tf.Tensor2D;
        return decoderLoss(out, emb, get(params, 'bias') as tf.Tensor1D, windowTargets(batch, 0, tm));
      });
      const v = (await loss.data())[0];
      loss.dispose();
      return v * batch.count;
    },

    states(batch: TokenBatch) {
      const { size: B, steps: T } = batch;
      return tf.tidy(() => {
        const { out, tm } = encodeWindow(batch, 0, T, false, () => null, null);
        // Rows of `out` at the non-padding targets, user by user.
        const rowOf = new Int32Array(B * T).fill(-1);
        tm.forEach((i, row) => (rowOf[i] = row));
        const rows: number[] = [];
        for (let b = 0; b < B; b++)
          for (let t = 0; t < T; t++) if (batch.target[b * T + t] !== 0) rows.push(rowOf[t * B + b]);
        return tf.gather(out, tf.tensor1d(Int32Array.from(rows), 'int32')) as tf.Tensor2D;
      });
    },

    hidden(input: Int32Array, B: number, T: number, last: Int32Array) {
      // Inference: layer 0's input projection depends on the token only, so it is one [V, 3H] table gathered per
      // step instead of a [B, H]·[H, 3H] matMul per step (a quarter of the recurrent matMul work of 2 layers).
      const projection = () =>
        tf.add(
          tf.matMul(get(params, 'emb') as tf.Tensor2D, get(params, 'gru0.wi') as tf.Tensor2D),
          get(params, 'gru0.bi'),
        ) as tf.Tensor2D;
      if (canReadSync()) return hiddenPacked(input, B, T, last, projection);
      return tf.tidy(() => {
        const table = projection();
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
            const { out, hT } = encodeSteps(projectedInputs(t0, len), h, true);
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

  /**
   * hidden() with the fused forward pass (gruLayer.ts, gruForward): each row runs its steps 0 … last, so its final
   * state is the state at `last`. Windows of cfg.bptt steps bound the memory of one pass.
   */
  function hiddenPacked(
    input: Int32Array,
    B: number,
    T: number,
    last: Int32Array,
    projection: () => tf.Tensor2D,
  ): tf.Tensor2D {
    const G = 3 * H;
    const lengths = Int32Array.from(last, (t) => t + 1);
    const tableT = tf.tidy(projection);
    const table = tableT.dataSync() as Float32Array;
    tableT.dispose();
    const bh = Array.from({ length: cfg.layers }, (_, l) => layer(l).bh.dataSync() as Float32Array);
    const h = Array.from({ length: cfg.layers }, () => new Float32Array(B * H)); // sorted rows
    let order: Int32Array = new Int32Array(0);
    for (let t0 = 0; t0 < T; t0 += cfg.bptt) {
      const p = packSteps(lengths, t0, Math.min(cfg.bptt, T - t0));
      order = p.order;
      if (p.entries === 0) break;
      let xw: Float32Array = new Float32Array(p.entries * G);
      const ids = packedValues(input, p, T, t0);
      for (let e = 0; e < ids.length; e++) xw.set(table.subarray(ids[e] * G, (ids[e] + 1) * G), e * G);
      for (let l = 0; l < cfg.layers; l++) {
        const states = gruForward(xw, h[l], layer(l).wh, bh[l], p);
        if (l + 1 < cfg.layers) {
          const { wi, bi } = layer(l + 1);
          const t = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(states, [p.entries, H]), wi), bi));
          xw = t.dataSync() as Float32Array;
          t.dispose();
        }
      }
    }
    return tf.tensor2d(permuteRows(h[cfg.layers - 1], order, H, true), [B, H]);
  }
}
