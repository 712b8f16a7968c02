import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import type { CtrNet } from '../train';
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
import { linearParams, linearTerm } from './lr';
import type { DeepFmOptions } from './options';

/** Fields of DeepFM: the four one-hot fields and the clicked history as a multi-hot field (mean of its items). */
export const DEEPFM_FIELDS = 5;

/**
 * DeepFM (Guo et al. 2017): logit = b + Σ_f w_f + FM(v) + MLP([v_1 … v_F]) with
 * FM(v) = Σ_{f<g} ⟨v_f, v_g⟩ = ½ Σ_d [(Σ_f v_fd)² − Σ_f v_fd²] over the field embeddings v_f (D each).
 * The history field's first-order weight and embedding are the means over its items (DeepFM's multi-valued field).
 */
export function createDeepFmNet(dims: CtrDims, o: DeepFmOptions, label: Label, rng: Rng): CtrNet {
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
  return singleTaskNet(params, o.maxLen, label, logit);
}

/** ½ Σ_d [(Σ_f v_fd)² − Σ_f v_fd²] per row: the FM pairwise term in O(F·D). Returns [B]. */
export function fmPairwise(v: tf.Tensor2D[]): tf.Tensor1D {
  const s = tf.addN(v);
  const sq = tf.addN(v.map((x) => tf.square(x)));
  return tf.mul(0.5, tf.sum(tf.sub(tf.square(s), sq), 1)) as tf.Tensor1D;
}
