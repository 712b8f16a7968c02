import type { Dataset, EvalSet } from '../data/types';
import type { ScoreSource } from './scores';
import type { Scorer } from './types';

/**
 * ItemKNN: item-based collaborative filtering (Sarwar et al. 2001), the floor every next-item model should beat.
 * Items are alike when the same users consumed them: sim(i, j) = c_ij / (√(n_i n_j) + shrink), c_ij the users with
 * both in their training events, n_i the users with i (cosine of the binary user-item matrix, shrunk toward 0 for
 * rarely seen pairs); each item keeps its `neighbors` most similar other items. A user state scores items by
 *   s(x, y) = Σ_j decay^(events since j) · sim(item_j, y) + ε · n_y
 * over its last `maxHistory` events (ε n_y breaks ties by popularity, so a user without a history gets Pop's list).
 */

export interface ItemKnnOptions {
  /** Neighbours kept per item (default 100). */
  neighbors?: number;
  /** Shrinkage of the cosine (default 10 users). */
  shrink?: number;
  /** Weight of an event k events back: decay^k (default 0.9). */
  decay?: number;
  /** Events of a history that count (default 100), and distinct items per user in the co-occurrence (default 200). */
  maxHistory?: number;
  maxUserItems?: number;
}

export interface ItemKnnModel {
  /** Per item its neighbours and similarities: item i's are nbr[ptr[i] … ptr[i + 1]), most similar first. */
  ptr: Int32Array;
  nbr: Int32Array;
  sim: Float32Array;
  /** Users with each item in their training events. */
  itemUsers: Float64Array;
}

/** Similarities from the training events [userOffsets[u], trainEnd[u]) of every user. */
export function fitItemKnn(ds: Dataset, trainEnd: Int32Array, opts: ItemKnnOptions = {}): ItemKnnModel {
  const k = opts.neighbors ?? 100;
  const shrink = opts.shrink ?? 10;
  const cap = opts.maxUserItems ?? 200;
  const m = ds.nItems;
  // Each user's distinct training items (its most recent `cap`), as a CSR user → items, and its transpose.
  const uPtr = new Int32Array(ds.nUsers + 1);
  const uItems: number[] = [];
  const stamp = new Int32Array(m).fill(-1);
  for (let u = 0; u < ds.nUsers; u++) {
    let n = 0;
    for (let e = trainEnd[u] - 1; e >= ds.userOffsets[u] && n < cap; e--) {
      const i = ds.item[e];
      if (stamp[i] === u) continue;
      stamp[i] = u;
      uItems.push(i);
      n++;
    }
    uPtr[u + 1] = uItems.length;
  }
  const itemUsers = new Float64Array(m);
  for (const i of uItems) itemUsers[i]++;
  const iPtr = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) iPtr[i + 1] = iPtr[i] + itemUsers[i];
  const iUsers = new Int32Array(uItems.length);
  const fill = iPtr.slice(0, m);
  for (let u = 0; u < ds.nUsers; u++) for (let q = uPtr[u]; q < uPtr[u + 1]; q++) iUsers[fill[uItems[q]]++] = u;

  // Row i of the co-occurrence in a dense accumulator, then its top k by similarity.
  const co = new Float64Array(m);
  const touched: number[] = [];
  const ptr = new Int32Array(m + 1);
  const nbr: number[] = [];
  const sim: number[] = [];
  const cand: { j: number; s: number }[] = [];
  for (let i = 0; i < m; i++) {
    touched.length = 0;
    for (let p = iPtr[i]; p < iPtr[i + 1]; p++) {
      const u = iUsers[p];
      for (let q = uPtr[u]; q < uPtr[u + 1]; q++) {
        const j = uItems[q];
        if (co[j] === 0) touched.push(j);
        co[j]++;
      }
    }
    cand.length = 0;
    for (const j of touched) {
      if (j !== i) cand.push({ j, s: co[j] / (Math.sqrt(itemUsers[i] * itemUsers[j]) + shrink) });
      co[j] = 0;
    }
    cand.sort((a, b) => b.s - a.s || a.j - b.j);
    for (let q = 0; q < Math.min(k, cand.length); q++) {
      nbr.push(cand[q].j);
      sim.push(cand[q].s);
    }
    ptr[i + 1] = nbr.length;
  }
  return { ptr, nbr: Int32Array.from(nbr), sim: Float32Array.from(sim), itemUsers };
}

/** Scores of EvalSet rows (histories [userOffsets[u], histEnd[r])). */
export function itemKnnScores(model: ItemKnnModel, ds: Dataset, rows: EvalSet, opts: ItemKnnOptions = {}): ScoreSource {
  const decay = opts.decay ?? 0.9;
  const maxHistory = opts.maxHistory ?? 100;
  const nCols = ds.nItems;
  let maxUsers = 1;
  for (const n of model.itemUsers) maxUsers = Math.max(maxUsers, n);
  // Popularity tie-break ε·n_y ≤ 1e-9, far below any similarity of co-consumed items (≥ 1/(n_max + shrink)).
  const eps = 1e-9 / maxUsers;
  return {
    nRows: rows.users.length,
    nCols,
    fillRows(r0, r1, out) {
      for (let r = r0; r < r1; r++) {
        const base = (r - r0) * nCols;
        for (let c = 0; c < nCols; c++) out[base + c] = eps * model.itemUsers[c];
        const first = ds.userOffsets[rows.users[r]];
        let w = 1;
        for (let e = rows.histEnd[r] - 1; e >= first && e >= rows.histEnd[r] - maxHistory; e--, w *= decay) {
          const i = ds.item[e];
          for (let p = model.ptr[i]; p < model.ptr[i + 1]; p++) out[base + model.nbr[p]] += w * model.sim[p];
        }
      }
    },
  };
}

/** The `ItemKNN` scorer of a run. */
export function itemKnnScorer(ds: Dataset, trainEnd: Int32Array, opts: ItemKnnOptions = {}): Scorer {
  const model = fitItemKnn(ds, trainEnd, opts);
  return { name: 'ItemKNN', scores: async (rows) => itemKnnScores(model, ds, rows, opts) };
}
