import type { Csr } from '../../data/types';
import type { TrainData } from '../types';

/**
 * The user × item count matrix r_ui of the training events (MF models are timeless: only how often user u met item i
 * in [userOffsets[u], trainEnd[u]) matters). Both orientations are kept, because ALS and LogisticMF alternate between
 * a user half-step (rows of R) and an item half-step (rows of Rᵀ).
 */
export interface Interactions {
  /** nUsers × nItems, columns sorted within each row, values = event counts (a repeat counts twice). */
  byUser: Csr;
  /** nItems × nUsers, the transpose of byUser. */
  byItem: Csr;
  /** Training events per user and per item (Σ of the counts), used by the BPR samplers. */
  userCounts: Int32Array;
  itemCounts: Int32Array;
  /** Training events in all (Σ r_ui). */
  nEvents: number;
}

/** Builds R from the training part of each user's events; O(events · log(events per user)). */
export function buildInteractions(train: TrainData): Interactions {
  const { dataset, trainEnd } = train;
  const { nUsers, nItems, userOffsets, item } = dataset;
  const userCounts = new Int32Array(nUsers);
  let nEvents = 0;
  let maxLen = 0;
  for (let u = 0; u < nUsers; u++) {
    const n = Math.max(0, trainEnd[u] - userOffsets[u]);
    userCounts[u] = n;
    nEvents += n;
    if (n > maxLen) maxLen = n;
  }
  // Pass 1: per user, sort a copy of its items and run-length encode them into (item, count) pairs.
  const indptr = new Int32Array(nUsers + 1);
  const indices = new Int32Array(nEvents);
  const data = new Float32Array(nEvents);
  const scratch = new Int32Array(maxLen);
  let nnz = 0;
  for (let u = 0; u < nUsers; u++) {
    const n = userCounts[u];
    const s = scratch.subarray(0, n);
    s.set(item.subarray(userOffsets[u], userOffsets[u] + n));
    s.sort();
    for (let k = 0; k < n; k++) {
      if (nnz > indptr[u] && indices[nnz - 1] === s[k]) data[nnz - 1] += 1;
      else {
        indices[nnz] = s[k];
        data[nnz] = 1;
        nnz++;
      }
    }
    indptr[u + 1] = nnz;
  }
  const byUser: Csr = {
    nRows: nUsers,
    nCols: nItems,
    indptr,
    indices: indices.slice(0, nnz),
    data: data.slice(0, nnz),
  };
  const byItem = transpose(byUser);
  const itemCounts = new Int32Array(nItems);
  for (let i = 0; i < nItems; i++) {
    let c = 0;
    for (let k = byItem.indptr[i]; k < byItem.indptr[i + 1]; k++) c += byItem.data[k];
    itemCounts[i] = c;
  }
  return { byUser, byItem, userCounts, itemCounts, nEvents };
}

/** Rᵀ by counting sort; rows of the result come out with sorted columns because rows of R are visited in order. */
export function transpose(m: Csr): Csr {
  const nnz = m.indptr[m.nRows];
  const indptr = new Int32Array(m.nCols + 1);
  for (let k = 0; k < nnz; k++) indptr[m.indices[k] + 1]++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1] += indptr[c];
  const next = indptr.slice(0, m.nCols);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let k = m.indptr[r]; k < m.indptr[r + 1]; k++) {
      const p = next[m.indices[k]]++;
      indices[p] = r;
      data[p] = m.data[k];
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, data };
}
