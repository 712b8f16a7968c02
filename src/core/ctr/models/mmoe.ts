import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import {
  type CtrDims,
  dense,
  denseParams,
  embeddingParam,
  fieldIds,
  flat,
  get,
  meanHistory,
  mlp,
  mlpParams,
  esmmNet,
  type Params,
  rowsOf,
} from './layers';
import type { MmoeOptions } from './options';
import { esmmGrid, gridDense, type GridNet, type GridPart } from './grid';

/**
 * MMoE (Ma et al. 2018) with two tasks: E shared experts f_e(x) = ReLU(x W_e + b_e), per task k a gate
 * g_k = softmax(x W_gk + b_gk) over the experts and a tower on Σ_e g_ke f_e(x). x = [e_user, mean(e_history), e_item,
 * e_cat, e_ctx]. Tower "click" gives pCTR, tower "conversion" gives pCVR = p(conversion | click), trained with
 * 002's loss over all impressions (ESMM) like MT-RNN, so that the two multi-task models differ only in the user tower.
 */
export function createMmoeNet(dims: CtrDims, o: MmoeOptions, rng: Rng): GridNet {
  const D = o.embeddingDim;
  const E = o.experts;
  const params: Params = new Map();
  embeddingParam(params, 'emb.user', dims.nUsers, D, rng);
  embeddingParam(params, 'emb.item', dims.nItems + 1, D, rng);
  embeddingParam(params, 'emb.category', dims.nCategories + 1, D, rng);
  embeddingParam(params, 'emb.context', dims.nContexts + 1, D, rng);
  // All experts as one [5D, E·h] layer: expert e is columns e·h … (e+1)·h − 1.
  denseParams(params, 'experts', 5 * D, E * o.expertDim, rng);
  for (const task of ['click', 'conversion']) {
    denseParams(params, `gate.${task}`, 5 * D, E, rng);
    mlpParams(params, `tower.${task}`, o.expertDim, o.towerHidden, 1, rng);
  }

  const logits = (b: CtrBatch) => {
    const f = fieldIds(b);
    const x = tf.concat(
      [
        rowsOf(get(params, 'emb.user'), f.user),
        meanHistory(get(params, 'emb.item') as tf.Tensor2D, b),
        rowsOf(get(params, 'emb.item'), f.item),
        rowsOf(get(params, 'emb.category'), f.category),
        rowsOf(get(params, 'emb.context'), f.context),
      ],
      1,
    ) as tf.Tensor2D;
    const experts = tf.relu(dense(params, 'experts', x));
    const [click, conversion] = ['click', 'conversion'].map((task) => {
      const mixed = mixExperts(experts, tf.softmax(dense(params, `gate.${task}`, x)), E);
      return flat(mlp(params, `tower.${task}`, o.towerHidden, mixed));
    });
    return { click, conversion };
  };
  // The grid (grid.ts): the experts' and gates' first layers per user and per item; the mixture and towers per cell.
  const grid = esmmGrid((users, items) => {
    const U = users.size,
      I = items.item.length;
    const f = fieldIds(users);
    const parts: GridPart[] = [
      { side: 'user', x: rowsOf(get(params, 'emb.user'), f.user) },
      { side: 'user', x: meanHistory(get(params, 'emb.item') as tf.Tensor2D, users) },
      { side: 'item', x: rowsOf(get(params, 'emb.item'), items.item) },
      { side: 'item', x: rowsOf(get(params, 'emb.category'), items.category) },
      { side: 'user', x: rowsOf(get(params, 'emb.context'), f.context) },
    ];
    const experts = tf.relu(gridDense(params, 'experts', parts, U, I));
    const [click, conversion] = ['click', 'conversion'].map((task) => {
      const mixed = mixExperts(experts, tf.softmax(gridDense(params, `gate.${task}`, parts, U, I)), E);
      return flat(mlp(params, `tower.${task}`, o.towerHidden, mixed));
    });
    return { click, conversion };
  });
  return { ...esmmNet(params, o.maxLen, logits), grid };
}

/** Σ_e g[b, e] · experts[b, e·h … (e+1)·h) for experts [B, E·h] and gates g [B, E]: returns [B, h]. */
export function mixExperts(experts: tf.Tensor2D, g: tf.Tensor2D, E: number): tf.Tensor2D {
  const B = experts.shape[0];
  const h = experts.shape[1] / E;
  return tf.sum(tf.mul(tf.reshape(experts, [B, E, h]), tf.reshape(g, [B, E, 1])), 1) as tf.Tensor2D;
}
