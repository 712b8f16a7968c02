import type { CtrBatch, ImpressionLog } from './types';

/**
 * What every batch of a log needs from the impressions before it, computed once per log and history length in a
 * single pass per user over the (user, time)-sorted log. A batch is then O(rows × maxLen), in any row order.
 */
export interface CtrFeatureIndex {
  maxLen: number;
  /** Items the users clicked, user by user in log order (CSR by clickOffsets); not shifted. */
  clickItems: Int32Array;
  /** Length nUsers + 1: the clicks of user u are clickItems[clickOffsets[u] … clickOffsets[u+1]). */
  clickOffsets: Int32Array;
  /** Per impression: how many of its user's clicks happened strictly before its time. */
  histCount: Int32Array;
  /** Per impression: 1 when its item is among the last maxLen of those clicks (I[t ∈ B_u], eq. 9 of 003). */
  repeat: Uint8Array;
  /**
   * Per impression: the share of its user's clicks before it that re-click an item the user had clicked earlier
   * (the auxiliary label r_i of 003's eq. 10, "the user's actual proportion of repeat behaviors"); 0 without history.
   * Taken over all earlier clicks, not just the last maxLen, so that it is a property of the user to date rather than
   * of the window length.
   */
  repeatShare: Float32Array;
  /**
   * Per impression: the first row of its request, the impressions of its user at its time (rows are sorted by user,
   * then time). The request before the one starting at row s (s > the user's first row) starts at requestStart[s − 1].
   */
  requestStart: Int32Array;
}

/** Builds the index of a log for histories of length maxLen (see CtrFeatureIndex). */
export function indexCtrLog(log: ImpressionLog, maxLen: number): CtrFeatureIndex {
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new Error(`maxLen: expected a positive integer, got ${maxLen}`);
  const { user, item, time, click, userOffsets, nUsers, nItems } = log;
  const n = user.length;
  const clickOffsets = new Int32Array(nUsers + 1);
  for (let i = 0; i < n; i++) if (click[i]) clickOffsets[user[i] + 1]++;
  for (let u = 0; u < nUsers; u++) clickOffsets[u + 1] += clickOffsets[u];
  const clickItems = new Int32Array(clickOffsets[nUsers]);
  const histCount = new Int32Array(n);
  const repeat = new Uint8Array(n);
  const repeatShare = new Float32Array(n);
  const requestStart = new Int32Array(n);
  // lastAt[item]: absolute position in clickItems of the item's latest recorded click. Positions of earlier users lie
  // below the current user's offset, so the array needs no reset between users.
  const lastAt = new Int32Array(nItems).fill(-1);
  for (let u = 0; u < nUsers; u++) {
    const s = userOffsets[u],
      e = userOffsets[u + 1];
    const base = clickOffsets[u];
    let count = 0,
      repeats = 0,
      j = s;
    for (let i = s; i < e; i++) {
      requestStart[i] = i > s && time[i] === time[i - 1] ? requestStart[i - 1] : i;
      // Absorb the clicks strictly before this impression's time (equal times stay out).
      for (; j < i && time[j] < time[i]; j++) {
        if (!click[j]) continue;
        const it = item[j];
        if (lastAt[it] >= base) repeats++;
        lastAt[it] = base + count;
        clickItems[base + count++] = it;
      }
      histCount[i] = count;
      repeat[i] = lastAt[item[i]] >= base + Math.max(0, count - maxLen) ? 1 : 0;
      repeatShare[i] = count > 0 ? repeats / count : 0;
    }
  }
  return { maxLen, clickItems, clickOffsets, histCount, repeat, repeatShare, requestStart };
}

// One index per log and history length: fit and predict of several models over the same log share it.
const cache = new WeakMap<ImpressionLog, Map<number, CtrFeatureIndex>>();

/** indexCtrLog, memoised per log object and maxLen (the log must not be mutated afterwards). */
export function featureIndex(log: ImpressionLog, maxLen: number): CtrFeatureIndex {
  let m = cache.get(log);
  if (!m) cache.set(log, (m = new Map()));
  let ix = m.get(maxLen);
  if (!ix) m.set(maxLen, (ix = indexCtrLog(log, maxLen)));
  return ix;
}

/**
 * The model inputs of impressions `rows` (see CtrBatch): history right-aligned, items + 1, 0 = padding; with
 * `recentRequests` > 0 and a log with contexts, also the context shares of that many earlier requests.
 */
export function ctrBatch(log: ImpressionLog, index: CtrFeatureIndex, rows: Int32Array, recentRequests = 0): CtrBatch {
  const size = rows.length;
  const { maxLen, clickItems, clickOffsets, histCount } = index;
  const b: CtrBatch = {
    size,
    rows: Int32Array.from(rows),
    user: new Int32Array(size),
    item: new Int32Array(size),
    category: new Int32Array(size).fill(-1),
    context: new Int32Array(size).fill(-1),
    history: new Int32Array(size * maxLen),
    historyLen: new Int32Array(size),
    maxLen,
    repeat: new Uint8Array(size),
    repeatShare: new Float32Array(size),
    click: new Float32Array(size),
    conversion: new Float32Array(size),
  };
  const cat = log.itemCategory,
    ctx = log.context;
  for (let r = 0; r < size; r++) {
    const i = rows[r];
    const u = log.user[i];
    b.user[r] = u;
    b.item[r] = log.item[i];
    if (cat) b.category[r] = cat[log.item[i]];
    if (ctx) b.context[r] = ctx[i];
    const h = histCount[i];
    const len = Math.min(h, maxLen);
    b.historyLen[r] = len;
    const from = clickOffsets[u] + h - len;
    const at = r * maxLen + maxLen - len;
    for (let t = 0; t < len; t++) b.history[at + t] = clickItems[from + t] + 1;
    b.repeat[r] = index.repeat[i];
    b.repeatShare[r] = index.repeatShare[i];
    b.click[r] = log.click[i];
    b.conversion[r] = log.conversion[i];
  }
  if (recentRequests > 0 && ctx) b.recentContext = recentContextShares(log, index, rows, recentRequests);
  return b;
}

/** CtrBatch.recentContext of `rows`: O(rows × the impressions of W requests). */
function recentContextShares(log: ImpressionLog, index: CtrFeatureIndex, rows: Int32Array, W: number): Float32Array {
  const C = log.contextIds?.length ?? 0;
  const ctx = log.context!;
  const out = new Float32Array(rows.length * C);
  const { requestStart } = index;
  for (let r = 0; r < rows.length; r++) {
    const first = log.userOffsets[log.user[rows[r]]];
    let end = requestStart[rows[r]];
    let count = 0;
    for (let w = 0; w < W && end > first; w++) {
      const q = requestStart[end - 1];
      for (let j = q; j < end; j++) out[r * C + ctx[j]]++;
      count += end - q;
      end = q;
    }
    for (let c = 0; c < C && count > 0; c++) out[r * C + c] /= count;
  }
  return out;
}
