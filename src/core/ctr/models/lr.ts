import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import { constParam } from '../../models/sequence/params';
import { type CtrDims, fieldIds, flat, get, type Label, type Params, rowsOf, singleTaskNet } from './layers';
import { type GridItems, type GridNet, outerAdd, singleTaskGrid } from './grid';
import type { CtrBatch } from '../types';

export type { Label } from './layers';

/** One weight per value of each one-hot field (`${prefix}.user` …, row 0 of category and context = absent), a bias. */
export function linearParams(params: Params, prefix: string, dims: CtrDims): void {
  constParam(params, `${prefix}.user`, [dims.nUsers, 1], 0);
  constParam(params, `${prefix}.item`, [dims.nItems + 1, 1], 0);
  constParam(params, `${prefix}.category`, [dims.nCategories + 1, 1], 0);
  constParam(params, `${prefix}.context`, [dims.nContexts + 1, 1], 0);
  constParam(params, `${prefix}.bias`, [1], 0);
}

/** b + w_user[u] + w_item[i] + w_cat[c] + w_ctx[x] per row [B, 1]. */
export function linearTerm(params: Params, prefix: string, f: ReturnType<typeof fieldIds>): tf.Tensor2D {
  const sum = tf.addN([
    rowsOf(get(params, `${prefix}.user`), f.user),
    rowsOf(get(params, `${prefix}.item`), f.item),
    rowsOf(get(params, `${prefix}.category`), f.category),
    rowsOf(get(params, `${prefix}.context`), f.context),
  ]);
  return tf.add(sum, get(params, `${prefix}.bias`)) as tf.Tensor2D;
}

/**
 * Logistic regression on one-hot fields: logit = b + w_user[u] + w_item[i] + w_cat[c] + w_ctx[x], one weight per
 * value. Weights start at 0 (a convex problem).
 */
export function createLrNet(dims: CtrDims, label: Label, _rng: Rng): GridNet {
  const params: Params = new Map();
  linearParams(params, 'lr', dims);
  // LR reads no history; the feature index still needs a length.
  const net = singleTaskNet(params, 1, label, (b) => flat(linearTerm(params, 'lr', fieldIds(b))));
  return { ...net, grid: singleTaskGrid(label, (users, items) => flat(linearGrid(params, 'lr', users, items))) };
}

/** linearTerm over the cells of a users × items grid (grid.ts): user, context and bias per user, item and category per item. */
export function linearGrid(params: Params, prefix: string, users: CtrBatch, items: GridItems): tf.Tensor2D {
  const f = fieldIds(users);
  const user = tf.add(
    tf.add(rowsOf(get(params, `${prefix}.user`), f.user), rowsOf(get(params, `${prefix}.context`), f.context)),
    get(params, `${prefix}.bias`),
  ) as tf.Tensor2D;
  const item = tf.add(
    rowsOf(get(params, `${prefix}.item`), items.item),
    rowsOf(get(params, `${prefix}.category`), items.category),
  ) as tf.Tensor2D;
  return outerAdd(user, item);
}
