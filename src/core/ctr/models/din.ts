import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
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
import { type GridNet, gridMlp, type GridPart, singleTaskGrid } from './grid';

/**
 * DIN (Zhou et al. 2018): the user's interest in target item t is v_u = Σ_j a(e_j, e_t) · e_j over the clicked items
 * j, with DIN's activation unit a = MLP([e_j, e_t, e_j − e_t, e_j ⊙ e_t]) (one hidden layer, then a scalar; not
 * softmax-normalised, as DIN keeps the intensity of interest). logit = MLP([e_user, v_u, e_t, e_cat, e_ctx]).
 * DIN's activation is PReLU / Dice; ReLU here (the attention unit's shape is what the comparison is about).
 */
export function createDinNet(dims: CtrDims, o: DinOptions, label: Label, rng: Rng): GridNet {
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
  // The grid (grid.ts): the attention reads the target, so the interest v_u(t) is per cell (attendGrid); the user and
  // context embeddings per user, the target and its category per item.
  const grid = singleTaskGrid(label, (users, items) => {
    const U = users.size,
      I = items.item.length;
    const f = fieldIds(users);
    const table = get(params, 'emb.item') as tf.Tensor2D;
    const target = rowsOf(table, items.item);
    const parts: GridPart[] = [
      { side: 'user', x: rowsOf(get(params, 'emb.user'), f.user) },
      { side: 'cell', x: attendGrid(params, table, target, users) },
      { side: 'item', x: target },
      { side: 'item', x: rowsOf(get(params, 'emb.category'), items.category) },
      { side: 'user', x: rowsOf(get(params, 'emb.context'), f.context) },
    ];
    return flat(gridMlp(params, 'deep', o.hidden, parts, U, I));
  });
  return { ...singleTaskNet(params, o.maxLen, label, logit), grid };
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

/**
 * attend's interest v_u(t) for every (user of `users`, target of `targets` [I, D]) as [U·I, D], user-major. The
 * activation unit's first layer over [e_j, e_t, e_j − e_t, e_j ⊙ e_t] is e_j(W₁ + W₃) + b + e_t(W₂ − W₃) + (e_j ⊙ e_t)W₄:
 * for all pairs one product [e_t, 1, e_t] · [diag(e_j)W₄; e_j(W₁ + W₃) + b; W₂ − W₃] ([I, 2D + 1] × [2D + 1, E·A] over
 * the E history entries), so neither a [pairs, 4D] input nor a broadcast over pairs is built (tfjs's CPU backend
 * computes an index per element of a broadcast).
 */
export function attendGrid(params: Params, itemTable: tf.Tensor2D, targets: tf.Tensor2D, users: CtrBatch): tf.Tensor2D {
  const U = users.size;
  const [I, D] = targets.shape;
  const h = historyEntries(users);
  const E = h.ids.length;
  if (E === 0) return tf.zeros([U * I, D]);
  const ej = rowsOf(itemTable, h.ids);
  const w = get(params, 'att.0.w') as tf.Tensor2D;
  const A = w.shape[1];
  const W = (k: number) => tf.slice(w, [k * D, 0], [D, A]) as tf.Tensor2D;
  const perEntry = tf.mul(tf.reshape(ej, [E, D, 1]), tf.reshape(W(3), [1, D, A]));
  const rhs = tf.concat(
    [
      tf.reshape(tf.transpose(perEntry, [1, 0, 2]), [D, E * A]),
      tf.reshape(tf.add(tf.matMul(ej, tf.add(W(0), W(2))), get(params, 'att.0.b')), [1, E * A]),
      tf.tile(tf.sub(W(1), W(2)), [1, E]),
    ],
    0,
  ) as tf.Tensor2D;
  const lhs = tf.concat([targets, tf.ones([I, 1]), targets], 1) as tf.Tensor2D;
  const hidden = tf.relu(tf.matMul(lhs, rhs));
  const a = tf.reshape(dense(params, 'att.1', tf.reshape(hidden, [I * E, A]) as tf.Tensor2D), [I, E]);
  // Σ_j a(j, t)·e_j over each user's entries: per entry the outer product a(j, ·) ⊗ e_j [I, D], summed by owner.
  const weighted = tf.matMul(tf.reshape(tf.transpose(a), [E, I, 1]), tf.reshape(ej, [E, 1, D]));
  return tf.reshape(segmentSum(tf.reshape(weighted, [E, I * D]) as tf.Tensor2D, h.seg, U), [U * I, D]);
}
