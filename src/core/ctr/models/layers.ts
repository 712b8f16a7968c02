import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import { constParam, get, type Params, uniformParam } from '../../models/sequence/params';
import { lookup } from '../../models/sequence/ops';
import type { CtrBatch } from '../types';
import { affine, bagOfEmbeddings, bceLogits, esmmLoss } from './ops';
import type { CtrNet } from '../train';

/** Table sizes of a log's fields; tables of category, context and item have a row 0 for "absent" / padding. */
export interface CtrDims {
  nUsers: number;
  nItems: number;
  /** 0 when the log has no categories. */
  nCategories: number;
  /** 0 when the log has no context column. */
  nContexts: number;
}

/** Embedding rows start at U(−0.05, 0.05) (Keras' and DeepCTR's default uniform scale). */
export const EMBEDDING_SCALE = 0.05;

export function embeddingParam(params: Params, name: string, rows: number, dim: number, rng: Rng): tf.Variable {
  return uniformParam(params, name, [rows, dim], EMBEDDING_SCALE, rng);
}

/**
 * The embeddings of the four one-hot fields, D wide, in this order (the draws from `rng` follow it): `emb.user`
 * [nUsers], `emb.item`, `emb.category` and `emb.context` with a row 0 for padding / absent.
 */
export function fieldEmbeddingParams(params: Params, dims: CtrDims, D: number, rng: Rng): void {
  embeddingParam(params, 'emb.user', dims.nUsers, D, rng);
  embeddingParam(params, 'emb.item', dims.nItems + 1, D, rng);
  embeddingParam(params, 'emb.category', dims.nCategories + 1, D, rng);
  embeddingParam(params, 'emb.context', dims.nContexts + 1, D, rng);
}

/** A dense layer's weights: Glorot-uniform W [inDim, outDim] and a zero bias. */
export function denseParams(params: Params, name: string, inDim: number, outDim: number, rng: Rng): void {
  uniformParam(params, `${name}.w`, [inDim, outDim], Math.sqrt(6 / (inDim + outDim)), rng);
  constParam(params, `${name}.b`, [outDim], 0);
}

export function dense(params: Params, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return affine(x, get(params, `${name}.w`) as tf.Tensor2D, get(params, `${name}.b`));
}

/** Weights of an MLP inDim → widths… → outDim (ReLU between layers, linear output). */
export function mlpParams(params: Params, name: string, inDim: number, widths: number[], outDim: number, rng: Rng) {
  let d = inDim;
  widths.forEach((w, l) => {
    denseParams(params, `${name}.${l}`, d, w, rng);
    d = w;
  });
  denseParams(params, `${name}.${widths.length}`, d, outDim, rng);
}

export function mlp(params: Params, name: string, widths: number[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  for (let l = 0; l < widths.length; l++) h = tf.relu(dense(params, `${name}.${l}`, h));
  return dense(params, `${name}.${widths.length}`, h);
}

/** Field indices of a batch as table rows: item, category and context shifted by one (row 0 = padding / absent). */
export function fieldIds(b: CtrBatch) {
  return {
    user: b.user,
    item: Int32Array.from(b.item, (v) => v + 1),
    category: Int32Array.from(b.category, (v) => v + 1),
    context: Int32Array.from(b.context, (v) => v + 1),
  };
}

/** The real (non-padding) history entries of a batch, packed: item row ids, owning row, 1 / history length. */
export function historyEntries(b: CtrBatch): { ids: Int32Array; seg: Int32Array; w: Float32Array } {
  let n = 0;
  for (let r = 0; r < b.size; r++) n += b.historyLen[r];
  const ids = new Int32Array(n),
    seg = new Int32Array(n),
    w = new Float32Array(n);
  const T = b.maxLen;
  let e = 0;
  for (let r = 0; r < b.size; r++) {
    const len = b.historyLen[r];
    for (let t = T - len; t < T; t++, e++) {
      ids[e] = b.history[r * T + t];
      seg[e] = r;
      w[e] = 1 / len;
    }
  }
  return { ids, seg, w };
}

/** Mean of each row's history item embeddings (0 for an empty history). */
export function meanHistory(table: tf.Tensor2D, b: CtrBatch): tf.Tensor2D {
  const { ids, seg, w } = historyEntries(b);
  return bagOfEmbeddings(table, ids, seg, w, b.size);
}

/** Rows of a table (or of any [N, D] tensor) with the WASM-safe scatter gradient of sequence/ops.ts. */
export const rowsOf = (table: tf.Tensor, ids: Int32Array): tf.Tensor2D => lookup(table as tf.Tensor2D, ids);

/** [B, 1] → [B]. */
export const flat = (x: tf.Tensor): tf.Tensor1D => tf.reshape(x, [-1]) as tf.Tensor1D;

/** Which label a single-task network learns: click (pCTR) or conversion given click (pCVR). */
export type Label = 'click' | 'conversion';

/** A single-task network: binary cross-entropy of its logit against one label; predicts pCTR or pCVR by that label. */
export function singleTaskNet(
  params: Params,
  maxLen: number,
  label: Label,
  logit: (b: CtrBatch) => tf.Tensor1D,
): CtrNet {
  return {
    params,
    maxLen,
    loss: (b) => bceLogits(logit(b), b[label]),
    predict: (b) => (label === 'click' ? { pCtr: tf.sigmoid(logit(b)) } : { pCvr: tf.sigmoid(logit(b)) }),
  };
}

/**
 * A click tower and a conversion tower trained together with 002's loss over all impressions (ops.esmmLoss); with
 * `tasks` 'click-only', the click term alone (the conversion tower gets no gradient and predicts nothing).
 */
export function esmmNet(
  params: Params,
  maxLen: number,
  logits: (b: CtrBatch) => { click: tf.Tensor1D; conversion: tf.Tensor1D },
  tasks: 'click-and-conversion' | 'click-only' = 'click-and-conversion',
): CtrNet {
  if (tasks === 'click-only') return singleTaskNet(params, maxLen, 'click', (b) => logits(b).click);
  return {
    params,
    maxLen,
    loss: (b) => {
      const l = logits(b);
      return esmmLoss(l.click, l.conversion, b.click, b.conversion);
    },
    predict: (b) => {
      const l = logits(b);
      return { pCtr: tf.sigmoid(l.click), pCvr: tf.sigmoid(l.conversion) };
    },
  };
}

export { get, type Params };
