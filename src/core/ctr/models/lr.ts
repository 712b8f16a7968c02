import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import type { CtrNet } from '../train';
import { constParam } from '../../models/sequence/params';
import { type CtrDims, fieldIds, flat, get, type Params, rowsOf } from './layers';
import { bceLogits } from './ops';

/** Which label a single-task network learns: click (pCTR) or conversion given click (pCVR). */
export type Label = 'click' | 'conversion';

/**
 * Logistic regression on one-hot fields: logit = b + w_user[u] + w_item[i] + w_cat[c] + w_ctx[x], one weight per
 * value (row 0 of the category and context tables stands for "absent"). Weights start at 0 (a convex problem).
 */
export function createLrNet(dims: CtrDims, label: Label, _rng: Rng): CtrNet {
  const params: Params = new Map();
  constParam(params, 'lr.user', [dims.nUsers, 1], 0);
  constParam(params, 'lr.item', [dims.nItems + 1, 1], 0);
  constParam(params, 'lr.category', [dims.nCategories + 1, 1], 0);
  constParam(params, 'lr.context', [dims.nContexts + 1, 1], 0);
  constParam(params, 'lr.bias', [1], 0);
  const logit = (b: CtrBatch) => {
    const f = fieldIds(b);
    const sum = tf.addN([
      rowsOf(get(params, 'lr.user'), f.user),
      rowsOf(get(params, 'lr.item'), f.item),
      rowsOf(get(params, 'lr.category'), f.category),
      rowsOf(get(params, 'lr.context'), f.context),
    ]);
    return flat(tf.add(sum, get(params, 'lr.bias')));
  };
  return {
    params,
    // LR reads no history; the feature index still needs a length.
    maxLen: 1,
    loss: (b) => bceLogits(logit(b), b[label]),
    predict: (b) => (label === 'click' ? { pCtr: tf.sigmoid(logit(b)) } : { pCvr: tf.sigmoid(logit(b)) }),
  };
}
