/**
 * Building an ImpressionLog from impressions in any order (a file's rows, sampled negatives), and its summary: what
 * the page, `rimw inspect` and the tests say about an impression log.
 */
import { ascendingOrder } from './metrics';
import type { ImpressionLog } from './types';

/** Impressions in any order, ids already dictionary-encoded; what buildImpressionLog sorts into an ImpressionLog. */
export type ImpressionColumnsIn = Pick<
  ImpressionLog,
  | 'userIds'
  | 'itemIds'
  | 'user'
  | 'item'
  | 'time'
  | 'click'
  | 'conversion'
  | 'context'
  | 'contextIds'
  | 'itemCategory'
  | 'categoryIds'
  | 'negatives'
  | 'negativesPerClick'
>;

/**
 * Rows grouped by user (rows of user u: order[start[u], start[u + 1])), in time order within a user, equal times in
 * row order; also `byTime`, all rows in time order. One radix argsort of the times, then a stable counting sort by
 * user: O(rows + users).
 */
export function byUserInTime(
  user: Int32Array,
  time: Float64Array,
  nUsers: number,
): { order: Int32Array; start: Int32Array; byTime: Int32Array } {
  const n = user.length;
  const t = ascendingOrder(time, null, n);
  if (!t.ok) throw new RangeError(`byUserInTime: ${t.reason}`);
  const byTime = t.data;
  const start = new Int32Array(nUsers + 1);
  for (let e = 0; e < n; e++) start[user[e] + 1]++;
  for (let u = 0; u < nUsers; u++) start[u + 1] += start[u];
  const fill = start.slice(0, nUsers);
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[fill[user[byTime[j]]]++] = byTime[j];
  return { order, start, byTime };
}

/**
 * Sorts by user, then time, stably (input order within equal times), and adds the CSR offsets (byUserInTime). Input
 * already in that order (a file written user by user, sampled negatives) is used as it is, not copied; either way the
 * caller gives the input arrays up.
 */
export function buildImpressionLog(c: ImpressionColumnsIn): ImpressionLog {
  const n = c.user.length;
  let inOrder = true;
  for (let e = 1; e < n && inOrder; e++)
    inOrder = c.user[e] > c.user[e - 1] || (c.user[e] === c.user[e - 1] && c.time[e] >= c.time[e - 1]);
  if (inOrder) {
    const userOffsets = new Int32Array(c.userIds.length + 1);
    for (let e = 0; e < n; e++) userOffsets[c.user[e] + 1]++;
    for (let u = 0; u < c.userIds.length; u++) userOffsets[u + 1] += userOffsets[u];
    return logOf(c, userOffsets, <T>(a: T) => a);
  }
  const { order, start } = byUserInTime(c.user, c.time, c.userIds.length);
  const gather = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(n);
    for (let k = 0; k < n; k++) out[k] = a[order[k]];
    return out;
  };
  return logOf(c, start, gather);
}

/** The log of columns `c` with each per-impression array passed through `gather` (a permutation, or none). */
function logOf(
  c: ImpressionColumnsIn,
  userOffsets: Int32Array,
  gather: <T extends Int32Array | Float64Array | Uint8Array>(a: T) => T,
): ImpressionLog {
  return {
    userIds: c.userIds,
    itemIds: c.itemIds,
    user: gather(c.user),
    item: gather(c.item),
    time: gather(c.time),
    click: gather(c.click),
    conversion: gather(c.conversion),
    ...(c.context ? { context: gather(c.context), contextIds: c.contextIds ?? [] } : {}),
    ...(c.itemCategory ? { itemCategory: c.itemCategory, categoryIds: c.categoryIds ?? [] } : {}),
    userOffsets,
    nUsers: c.userIds.length,
    nItems: c.itemIds.length,
    negatives: c.negatives,
    ...(c.negativesPerClick !== undefined ? { negativesPerClick: c.negativesPerClick } : {}),
  };
}

/**
 * 1 where the impression's item was clicked by the same user at a strictly earlier time (MuseNet's I[t ∈ B_u], eq. 9,
 * with B_u the clicks before this impression's time). O(impressions).
 */
export function repeatFlags(log: ImpressionLog): Uint8Array {
  const out = new Uint8Array(log.user.length);
  const mark = new Int32Array(log.nItems);
  const first = new Float64Array(log.nItems);
  for (let u = 0; u < log.nUsers; u++)
    for (let e = log.userOffsets[u]; e < log.userOffsets[u + 1]; e++) {
      const i = log.item[e];
      const seen = mark[i] === u + 1;
      if (seen && first[i] < log.time[e]) out[e] = 1;
      if (log.click[e] && !seen) {
        mark[i] = u + 1;
        first[i] = log.time[e];
      }
    }
  return out;
}

/** What the summary says about an impression log (a few numbers and sentences, never the arrays). */
export interface ImpressionSummary {
  /** 'impressions': the file logged impressions with labels; 'interactions': events or ratings turned into impressions. */
  kind: 'impressions' | 'interactions';
  /**
   * Where the labels come from: label columns, an event-type column, ratings (click = rated, conversion = rated ≥ 4),
   * rows (every row a click, no conversions), or a synthetic world.
   */
  labels: 'logged' | 'event-types' | 'ratings' | 'rows' | 'synthetic';
  impressions: number;
  /** Users and items with at least one impression. */
  users: number;
  items: number;
  clicks: number;
  conversions: number;
  /** Clicks / impressions. */
  clickRate: number;
  /** Conversions / clicks; null without clicks. */
  conversionPerClick: number | null;
  /** Conversions / impressions. */
  conversionPerImpression: number;
  /** Share of clicks on an item the user clicked at an earlier time; null without clicks. */
  repeatRate: number | null;
  /** First and last impression, unix seconds, and the days they span (whole UTC days touched). */
  tMin: number;
  tMax: number;
  days: number;
  /** The observed context column (name and distinct values used), or null. */
  context: { column: string; cardinality: number } | null;
  /** The item category column, or null. */
  category: { column: string; cardinality: number } | null;
  negatives: ImpressionLog['negatives'];
  negativesPerClick: number | null;
  /** Plain sentences: how the negatives came about, what a reader did with the file. */
  notes: string[];
}

const DAY = 86_400;

/** The summary of a log: O(impressions). `columns` names the context and category columns (a file's header names). */
export function summariseImpressions(
  log: ImpressionLog,
  how: {
    kind: ImpressionSummary['kind'];
    labels: ImpressionSummary['labels'];
    columns?: { context?: string; category?: string };
    notes?: string[];
  },
): ImpressionSummary {
  const n = log.user.length;
  const { click, conversion, time, item, userOffsets, context } = log;
  let clicks = 0;
  let conversions = 0;
  let tMin = Infinity;
  let tMax = -Infinity;
  let users = 0;
  let repeats = 0;
  const itemSeen = new Uint8Array(log.nItems);
  // Repeats as in repeatFlags, counted without its array: per user, the time of each item's first click.
  const mark = new Int32Array(log.nItems);
  const first = new Float64Array(log.nItems);
  for (let u = 0; u < log.nUsers; u++) {
    const a = userOffsets[u];
    const b = userOffsets[u + 1];
    if (b > a) users++;
    for (let e = a; e < b; e++) {
      const i = item[e];
      const t = time[e];
      itemSeen[i] = 1;
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
      if (!click[e]) continue;
      clicks++;
      conversions += conversion[e];
      if (mark[i] !== u + 1) {
        mark[i] = u + 1;
        first[i] = t;
      } else if (first[i] < t) repeats++;
    }
  }
  let items = 0;
  for (let i = 0; i < log.nItems; i++) items += itemSeen[i];
  let contexts = 0;
  if (context) {
    const seen = new Uint8Array(log.contextIds?.length ?? 0);
    for (let e = 0; e < n; e++) {
      const c = context[e];
      if (c >= 0 && !seen[c]) {
        seen[c] = 1;
        contexts++;
      }
    }
  }
  let catUsed = 0;
  if (log.itemCategory) {
    const seen = new Uint8Array(log.categoryIds?.length ?? 0);
    for (let i = 0; i < log.nItems; i++) {
      const c = log.itemCategory[i];
      if (itemSeen[i] && c >= 0 && !seen[c]) {
        seen[c] = 1;
        catUsed++;
      }
    }
  }
  const notes = [...(how.notes ?? [])];
  if (log.negatives === 'sampled')
    notes.unshift(
      `The non-clicked impressions are sampled, not logged: ${log.negativesPerClick ?? '?'} per click, drawn by popularity among the items seen around that time.`,
    );
  return {
    kind: how.kind,
    labels: how.labels,
    impressions: n,
    users,
    items,
    clicks,
    conversions,
    clickRate: n > 0 ? clicks / n : 0,
    conversionPerClick: clicks > 0 ? conversions / clicks : null,
    conversionPerImpression: n > 0 ? conversions / n : 0,
    repeatRate: clicks > 0 ? repeats / clicks : null,
    tMin,
    tMax,
    days: n > 0 ? Math.floor(tMax / DAY) - Math.floor(tMin / DAY) + 1 : 0,
    context: log.context ? { column: how.columns?.context ?? 'context', cardinality: contexts } : null,
    category: log.itemCategory ? { column: how.columns?.category ?? 'category', cardinality: catUsed } : null,
    negatives: log.negatives,
    negativesPerClick: log.negativesPerClick ?? null,
    notes,
  };
}
