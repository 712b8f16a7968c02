import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';
import type { CtrBatch } from '../types';
import type { CtrNet } from '../train';
import { uniformParam } from '../../models/sequence/params';
import { gruCell } from '../../models/sequence/gru';
import { canReadSync, mm } from '../../models/sequence/ops';
import { gruPacked, packSequences } from './gruSequence';
import {
  type CtrDims,
  embeddingParam,
  esmmNet,
  fieldIds,
  flat,
  get,
  mlp,
  mlpParams,
  type Params,
  rowsOf,
} from './layers';
import type { MtRnnOptions } from './options';
import { esmmGrid, type GridNet, gridMlp, type GridPart } from './grid';

/**
 * MT-RNN, the multi-task RNN of 002: the user tower is a GRU over the user's last maxLen clicked items (the project's
 * GRU cell, core/models/sequence/gru.ts); its final state h_u, the target item's embedding and the category and
 * context embeddings feed two towers, pCTR = σ(tower_click) and pCVR = σ(tower_conversion) = p(conversion | click).
 * Trained with 002's loss over all impressions: l(click, pCTR) + l(click·conversion, pCTR·pCVR) (ops.esmmLoss);
 * we average over the batch where 002 writes a sum (the same minimiser; Adam is scale-free). With `tasks` 'click-only'
 * the loss is the click term alone (options.ts).
 * The history is right-aligned: padding comes first, so a row's state stays 0 until its first real item (the masked
 * steps multiply the new state by 0), like a packed sequence.
 */
export function createMtRnnNet(dims: CtrDims, o: MtRnnOptions, rng: Rng): CtrNet | GridNet {
  const D = o.embeddingDim;
  const H = o.gruHidden;
  const params: Params = new Map();
  embeddingParam(params, 'emb.item', dims.nItems + 1, D, rng);
  embeddingParam(params, 'emb.category', dims.nCategories + 1, D, rng);
  embeddingParam(params, 'emb.context', dims.nContexts + 1, D, rng);
  // torch.nn.GRU's initialisation: U(−1/√H, 1/√H) for every weight and bias.
  const s = 1 / Math.sqrt(H);
  uniformParam(params, 'gru.wi', [D, 3 * H], s, rng);
  uniformParam(params, 'gru.bi', [3 * H], s, rng);
  uniformParam(params, 'gru.wh', [H, 3 * H], s, rng);
  uniformParam(params, 'gru.bh', [3 * H], s, rng);
  for (const task of ['click', 'conversion']) mlpParams(params, `tower.${task}`, H + 3 * D, o.towerHidden, 1, rng);

  const logits = (b: CtrBatch) => {
    const f = fieldIds(b);
    const x = tf.concat(
      [
        userState(params, b, H),
        rowsOf(get(params, 'emb.item'), f.item),
        rowsOf(get(params, 'emb.category'), f.category),
        rowsOf(get(params, 'emb.context'), f.context),
      ],
      1,
    ) as tf.Tensor2D;
    return {
      click: flat(mlp(params, 'tower.click', o.towerHidden, x)),
      conversion: flat(mlp(params, 'tower.conversion', o.towerHidden, x)),
    };
  };
  // The grid (grid.ts): the GRU and the context once per user, the item and its category once per item.
  const grid = esmmGrid((users, items) => {
    const U = users.size,
      I = items.item.length;
    const parts: GridPart[] = [
      { side: 'user', x: userState(params, users, H) },
      { side: 'item', x: rowsOf(get(params, 'emb.item'), items.item) },
      { side: 'item', x: rowsOf(get(params, 'emb.category'), items.category) },
      { side: 'user', x: rowsOf(get(params, 'emb.context'), fieldIds(users).context) },
    ];
    return {
      click: flat(gridMlp(params, 'tower.click', o.towerHidden, parts, U, I)),
      conversion: flat(gridMlp(params, 'tower.conversion', o.towerHidden, parts, U, I)),
    };
  });
  const net = esmmNet(params, o.maxLen, logits, o.tasks);
  // The click-only variant has no conversion head, so no conversion scores to grid (the probe path says so).
  return o.tasks === 'click-only' ? net : { ...net, grid };
}

/**
 * The GRU's final state over each row's history [B, H]: one fused op over the packed histories (gruSequence.ts) where
 * tensors can be read synchronously, else a step of tfjs ops per item (`perStep`; steps where every row is padding
 * are skipped, the others masked).
 */
export function userState(params: Params, b: CtrBatch, H: number, perStep = !canReadSync()): tf.Tensor2D {
  const { size: B, maxLen: T, history, historyLen } = b;
  let longest = 0;
  for (let r = 0; r < B; r++) longest = Math.max(longest, historyLen[r]);
  const emb = get(params, 'emb.item') as tf.Tensor2D;
  const wi = get(params, 'gru.wi') as tf.Tensor2D,
    bi = get(params, 'gru.bi'),
    wh = get(params, 'gru.wh') as tf.Tensor2D,
    bh = get(params, 'gru.bh');
  if (longest === 0) return tf.zeros([B, H]);
  if (!perStep) {
    const { packed, ids } = packSequences(historyLen, (r, s) => history[r * T + T - historyLen[r] + s]);
    return gruPacked(rowsOf(emb, ids), wi, bi, wh, bh, packed);
  }
  let h = tf.zeros([B, H]) as tf.Tensor2D;
  for (let t = T - longest; t < T; t++) {
    const ids = new Int32Array(B);
    const mask = new Float32Array(B);
    let real = 0;
    for (let r = 0; r < B; r++) {
      ids[r] = history[r * T + t];
      if (ids[r] !== 0) {
        mask[r] = 1;
        real++;
      }
    }
    const next = gruCell(tf.add(mm(rowsOf(emb, ids), wi), bi) as tf.Tensor2D, h, wh, bh);
    h = real === B ? next : (tf.mul(next, tf.tensor2d(mask, [B, 1])) as tf.Tensor2D);
  }
  return h;
}
