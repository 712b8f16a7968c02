import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import type { CtrNet } from '../train';
import {
  type CtrDims,
  dense,
  denseParams,
  fieldEmbeddingParams,
  fieldIds,
  flat,
  get,
  historyEntries,
  mlp,
  mlpParams,
  type Label,
  type Params,
  rowsOf,
  singleTaskNet,
} from './layers';
import { segmentSum } from './ops';
import type { DinOptions } from './options';

/**
 * DIN (Zhou et al. 2018): the user's interest in target item t is v_u = Σ_j a(e_j, e_t) · e_j over the clicked items
 * j, with DIN's activation unit a = MLP([e_j, e_t, e_j − e_t, e_j ⊙ e_t]) (one hidden layer, then a scalar; not
 * softmax-normalised, as DIN keeps the intensity of interest). logit = MLP([e_user, v_u, e_t, e_cat, e_ctx]).
 * DIN's activation is PReLU / Dice; ReLU here (the attention unit's shape is what the comparison is about).
 */
export function createDinNet(dims: CtrDims, o: DinOptions, label: Label, rng: Rng): CtrNet {
  const D = o.embeddingDim;
  const params: Params = new Map();
  fieldEmbeddingParams(params, dims, D, rng);
  denseParams(params, 'att.0', 4 * D, o.attentionHidden, rng);
  denseParams(params, 'att.1', o.attentionHidden, 1, rng);
  mlpParams(params, 'deep', 5 * D, o.hidden, 1, rng);

  const logit = (b: CtrBatch) => {
    const f = fieldIds(b);
    const target = rowsOf(get(params, 'emb.item'), f.item);
    const { interest } = attend(params, get(params, 'emb.item') as tf.Tensor2D, target, b);
    const x = tf.concat(
      [
        rowsOf(get(params, 'emb.user'), f.user),
        interest,
        target,
        rowsOf(get(params, 'emb.category'), f.category),
        rowsOf(get(params, 'emb.context'), f.context),
      ],
      1,
    );
    return flat(mlp(params, 'deep', o.hidden, x));
  };
  return singleTaskNet(params, o.maxLen, label, logit);
}

/**
 * DIN's attention over a batch's real history entries (packed, padding never enters): weights a_j [E] and the
 * weighted sums v_u [B, D]. Exported for the hand-computed test of the weights.
 */
export function attend(
  params: Params,
  itemTable: tf.Tensor2D,
  target: tf.Tensor2D,
  b: CtrBatch,
): { weights: tf.Tensor1D; interest: tf.Tensor2D } {
  const h = historyEntries(b);
  if (h.ids.length === 0) return { weights: tf.zeros([0]), interest: tf.zeros([b.size, itemTable.shape[1]]) };
  const ej = rowsOf(itemTable, h.ids);
  const et = rowsOf(target, h.seg);
  const unit = tf.concat([ej, et, tf.sub(ej, et), tf.mul(ej, et)], 1) as tf.Tensor2D;
  const a = dense(params, 'att.1', tf.relu(dense(params, 'att.0', unit)));
  return { weights: flat(a), interest: segmentSum(tf.mul(ej, a) as tf.Tensor2D, h.seg, b.size) };
}
