import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import {
  type CtrDims,
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
import { bagOfEmbeddings } from './ops';
import { linearGrid, linearParams, linearTerm } from './lr';
import { type GridNet, gridMlp, singleTaskGrid } from './grid';
import type { DeepFmOptions } from './options';

/** Fields of DeepFM: the four one-hot fields and the clicked history as a multi-hot field (mean of its items). */
export const DEEPFM_FIELDS = 5;

/**
 * DeepFM (Guo et al. 2017): logit = b + Σ_f w_f + FM(v) + MLP([v_1 … v_F]) with
 * FM(v) = Σ_{f<g} ⟨v_f, v_g⟩ = ½ Σ_d [(Σ_f v_fd)² − Σ_f v_fd²] over the field embeddings v_f (D each).
 * The history field's first-order weight and embedding are the means over its items (DeepFM's multi-valued field).
 */
export function createDeepFmNet(dims: CtrDims, o: DeepFmOptions, label: Label, rng: Rng): GridNet {
  const D = o.embeddingDim;
  const params: Params = new Map();
  linearParams(params, 'fm.w', dims);
  fieldEmbeddingParams(params, dims, D, rng);
  mlpParams(params, 'deep', DEEPFM_FIELDS * D, o.hidden, 1, rng);

  const logit = (b: CtrBatch) => {
    const f = fieldIds(b);
    const h = historyEntries(b);
    // First order: the one-hot fields' weights and bias, and the mean weight of the history's items.
    const first = tf.add(
      linearTerm(params, 'fm.w', f),
      bagOfEmbeddings(get(params, 'fm.w.item') as tf.Tensor2D, h.ids, h.seg, h.w, b.size),
    );
    const v = [
      rowsOf(get(params, 'emb.user'), f.user),
      rowsOf(get(params, 'emb.item'), f.item),
      rowsOf(get(params, 'emb.category'), f.category),
      rowsOf(get(params, 'emb.context'), f.context),
      bagOfEmbeddings(get(params, 'emb.item') as tf.Tensor2D, h.ids, h.seg, h.w, b.size),
    ];
    const deep = mlp(params, 'deep', o.hidden, tf.concat(v, 1));
    return flat(tf.addN([first, tf.reshape(fmPairwise(v), [-1, 1]), deep]));
  };
  // The grid (grid.ts): FM(v) splits into the pairs among the user's fields (user, context, history), the pairs among
  // the item's (item, category) and the cross term ⟨Σ user fields, Σ item fields⟩, one [U, I] product.
  const grid = singleTaskGrid(label, (users, items) => {
    const U = users.size,
      I = items.item.length;
    const f = fieldIds(users);
    const h = historyEntries(users);
    const bag = (table: string) => bagOfEmbeddings(get(params, table) as tf.Tensor2D, h.ids, h.seg, h.w, U);
    const first = tf.add(tf.reshape(linearGrid(params, 'fm.w', users, items), [U, I]), bag('fm.w.item'));
    const eUser = rowsOf(get(params, 'emb.user'), f.user),
      eContext = rowsOf(get(params, 'emb.context'), f.context),
      eHistory = bag('emb.item');
    const eItem = rowsOf(get(params, 'emb.item'), items.item),
      eCategory = rowsOf(get(params, 'emb.category'), items.category);
    const userFields = [eUser, eContext, eHistory],
      itemFields = [eItem, eCategory];
    const cross = tf.matMul(tf.addN(userFields), tf.addN(itemFields), false, true);
    const fm = tf.add(
      tf.add(tf.reshape(fmPairwise(userFields), [U, 1]), tf.reshape(fmPairwise(itemFields), [1, I])),
      cross,
    );
    const deep = gridMlp(
      params,
      'deep',
      o.hidden,
      [
        { side: 'user', x: eUser },
        { side: 'item', x: eItem },
        { side: 'item', x: eCategory },
        { side: 'user', x: eContext },
        { side: 'user', x: eHistory },
      ],
      U,
      I,
    );
    return flat(tf.addN([first, fm, tf.reshape(deep, [U, I])]));
  });
  return { ...singleTaskNet(params, o.maxLen, label, logit), grid };
}

/** ½ Σ_d [(Σ_f v_fd)² − Σ_f v_fd²] per row: the FM pairwise term in O(F·D). Returns [B]. */
export function fmPairwise(v: tf.Tensor2D[]): tf.Tensor1D {
  const s = tf.addN(v);
  const sq = tf.addN(v.map((x) => tf.square(x)));
  return tf.mul(0.5, tf.sum(tf.sub(tf.square(s), sq), 1)) as tf.Tensor1D;
}
