import * as tf from '@tensorflow/tfjs-core';
import { canReadSync } from '../../models/sequence/ops';
import type { CtrBatch } from '../types';
import type { CtrNet, CtrNetOutput } from '../train';
import { dense, get, type Label, type Params } from './layers';

/**
 * Scoring a grid of users × items at one time (the planner's matrix) at a cost per user rather than per cell: the
 * parts of a network that read only the user and the context (a GRU over the clicked history, a mean of it, the user
 * and context embeddings) run once per user, the parts that read only the item once per item, and what reads both is
 * assembled in batched products. The numbers are those of a forward pass over one impression per cell (the probe path
 * of plannerScores.ts), up to float rounding: a first layer x·W over concatenated fields is the sum of each field's
 * slice of W, so a user's slice and an item's slice are computed once each and broadcast-added.
 */

/** The item side of a grid: table rows of the items scored and of their categories (value + 1; 0 = absent). */
export interface GridItems {
  item: Int32Array;
  category: Int32Array;
}

/**
 * A network that scores a grid. `users` holds one row per user with the features every cell of that user shares
 * (history, context; its item field is not read); outputs are [users · items], user-major.
 */
export interface GridNet extends CtrNet {
  grid(users: CtrBatch, items: GridItems): CtrNetOutput;
}

export const hasGrid = (net: CtrNet): net is GridNet => typeof (net as Partial<GridNet>).grid === 'function';

/** One input field of a first layer, in the layer's input order: per user [U, d], per item [I, d] or per cell [U·I, d]. */
export interface GridPart {
  side: 'user' | 'item' | 'cell';
  x: tf.Tensor2D;
}

/**
 * [U, k] + [I, k] → [U·I, k], cell (u, i) at row u·I + i. In JS where tensors can be read synchronously: tfjs's CPU
 * backend computes a broadcast index per element, many times slower than this loop; elsewhere a broadcast add.
 */
export function outerAdd(user: tf.Tensor2D, item: tf.Tensor2D, js = canReadSync()): tf.Tensor2D {
  const [U, k] = user.shape;
  const I = item.shape[0];
  if (!js) return tf.reshape(tf.add(tf.reshape(user, [U, 1, k]), tf.reshape(item, [1, I, k])), [U * I, k]);
  const u = user.dataSync(),
    it = item.dataSync();
  const out = new Float32Array(U * I * k);
  for (let a = 0, o = 0; a < U; a++)
    for (let i = 0; i < I; i++) for (let j = 0; j < k; j++, o++) out[o] = u[a * k + j] + it[i * k + j];
  return tf.tensor2d(out, [U * I, k]);
}

/**
 * The dense layer `name` (x·W + b, layers.ts: dense) over x = concat(parts) of every cell of a U × I grid, without
 * building x: each part multiplies its rows of W, user and item parts once per user and per item.
 */
export function gridDense(params: Params, name: string, parts: GridPart[], U: number, I: number): tf.Tensor2D {
  const w = get(params, `${name}.w`) as tf.Tensor2D;
  const out = w.shape[1];
  const sums: Record<GridPart['side'], tf.Tensor2D | null> = { user: null, item: null, cell: null };
  let row = 0;
  for (const p of parts) {
    const d = p.x.shape[1];
    const y = tf.matMul(p.x, tf.slice(w, [row, 0], [d, out])) as tf.Tensor2D;
    row += d;
    const s = sums[p.side];
    sums[p.side] = s ? (tf.add(s, y) as tf.Tensor2D) : y;
  }
  if (row !== w.shape[0]) throw new Error(`${name}: the grid parts are ${row} wide, the layer reads ${w.shape[0]}`);
  const user = tf.add(sums.user ?? tf.zeros([U, out]), get(params, `${name}.b`)) as tf.Tensor2D;
  const grid = outerAdd(user, sums.item ?? tf.zeros([I, out]));
  return sums.cell ? (tf.add(grid, sums.cell) as tf.Tensor2D) : grid;
}

/** layers.ts's mlp over the cells of a grid: the first layer by gridDense, the others per cell. */
export function gridMlp(
  params: Params,
  name: string,
  widths: number[],
  parts: GridPart[],
  U: number,
  I: number,
): tf.Tensor2D {
  let h = gridDense(params, `${name}.0`, parts, U, I);
  for (let l = 1; l <= widths.length; l++) h = dense(params, `${name}.${l}`, tf.relu(h));
  return h;
}

/** A single-task network's grid output from its grid logits [U·I] (singleTaskNet's predict). */
export function singleTaskGrid(
  label: Label,
  logit: (users: CtrBatch, items: GridItems) => tf.Tensor1D,
): GridNet['grid'] {
  return (users, items) => {
    const p = tf.sigmoid(logit(users, items)) as tf.Tensor1D;
    return label === 'click' ? { pCtr: p } : { pCvr: p };
  };
}

/** A multi-task network's grid output from its two towers' grid logits (esmmNet's predict). */
export function esmmGrid(
  logits: (users: CtrBatch, items: GridItems) => { click: tf.Tensor1D; conversion: tf.Tensor1D },
): GridNet['grid'] {
  return (users, items) => {
    const l = logits(users, items);
    return { pCtr: tf.sigmoid(l.click), pCvr: tf.sigmoid(l.conversion) };
  };
}
