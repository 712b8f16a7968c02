/** What the repeat/explore/popularity mixture is fitted on: the network's p_seq of the validation users' targets. */
import * as tf from '@tensorflow/tfjs-core';
import { type HistorySource, type SeqSlice, type tokenBatch } from './data';
import type { HeldOutTokens } from './mixture';
import type { SeqNet } from './net';
import { get, type Params } from './params';

/**
 * p_seq of each held-out target and of its history's distinct items (softmax over items, as factors give it), users
 * in order, steps ascending. The softmax rows are read back in chunks of 256 tokens.
 */
export async function heldOutTokens(
  net: SeqNet,
  params: Params,
  nItems: number,
  ds: HistorySource,
  batches: ReturnType<typeof tokenBatch>[],
  slices: SeqSlice[],
): Promise<HeldOutTokens> {
  const users = slices.map((s) => ({ from: s.from ?? s.start, start: s.start, end: s.end }));
  const total = users.reduce((a, u) => a + u.end - u.start, 0);
  const pSeq = new Float32Array(total);
  const pSeqHist = new Float32Array(total);
  const emb = get(params, 'emb');
  const bias = get(params, 'bias');
  const V = nItems;
  const seen = new Int32Array(V).fill(-1);
  const hist: number[] = [];
  let k = 0;
  let u = 0;
  for (const b of batches) {
    const h = net.states(b);
    try {
      const first = u;
      const bu = users.slice(u, u + b.size);
      u += b.size;
      // Tokens of this batch in order: per user its events from start (the history walked from `from`).
      const rows = h.shape[0];
      let ui = 0;
      let e = bu.length ? bu[0].start : 0;
      const startUser = (i: number) => {
        hist.length = 0;
        for (let j = bu[i].from; j < bu[i].start; j++) add(ds.item[j]);
        e = bu[i].start;
      };
      const add = (y: number) => {
        if (seen[y] !== first + ui) {
          seen[y] = first + ui;
          hist.push(y);
        }
      };
      if (bu.length) startUser(0);
      for (let r0 = 0; r0 < rows; r0 += 256) {
        const n = Math.min(256, rows - r0);
        const p = tf.tidy(() => {
          const hc = tf.slice(h, [r0, 0], [n, -1]);
          const E = tf.slice(emb, [1, 0], [-1, -1]) as tf.Tensor2D;
          return tf.softmax(tf.add(tf.matMul(hc, E, false, true), tf.slice(bias, [1], [-1])));
        });
        const probs = (await p.data()) as Float32Array;
        p.dispose();
        for (let i = 0; i < n; i++, k++) {
          while (e >= bu[ui].end) startUser(++ui);
          const y = ds.item[e];
          pSeq[k] = probs[i * V + y];
          let s = 0;
          for (const x of hist) s += probs[i * V + x];
          pSeqHist[k] = s;
          add(y);
          e++;
        }
      }
    } finally {
      h.dispose();
    }
  }
  return { users, pSeq, pSeqHist };
}
