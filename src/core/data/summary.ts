/**
 * The summary of a Dataset the page and `rimw inspect` show: counts, density, time span, the events-per-user and
 * item-popularity distributions (for log-scale charts), the user-item repeat rate and Personalize-style health checks.
 */
import type { Dataset } from './types';

/** Events-per-user and item-popularity shapes for the summary charts (small: ≤ ~60 and ≤ 256 points). */
export interface DataCharts {
  /** Log-2 bins of events per user: users with a count in [binLo[i], 2·binLo[i]). */
  perUserBinLo: number[];
  perUserCount: number[];
  /** Item popularity by rank (1 = most popular), subsampled on a log grid of ranks. */
  popRank: number[];
  popCount: number[];
}

/** Amazon Personalize's minimums for training data; failing one warns, it never refuses the data. */
export const HEALTH = {
  /** At least this many events in all. */
  minEvents: 1000,
  /** At least this many users with `minEventsPerUser` events or more. */
  minActiveUsers: 25,
  minEventsPerUser: 2,
} as const;

/** What the page holds about the loaded data: a few numbers, never the arrays. */
export interface DataSummary {
  /** Where it came from, e.g. "synthetic small (seed 1)" or the file name. */
  source: string;
  nEvents: number;
  /** Users and items with at least one event. */
  nUsers: number;
  nItems: number;
  /** First and last event, unix seconds. */
  tMin: number;
  tMax: number;
  /** Events / (users × items): the share of the user-item matrix with an event (repeats counted). */
  density?: number;
  /** Share of events whose (user, item) pair occurred earlier for that user: 1 − distinct pairs / events. */
  repeatRate?: number;
  /** Users with at least 2 events (the health check counts them). */
  usersWith2?: number;
  /** Health-check warnings (HEALTH); empty when the data passes. */
  warnings?: string[];
  charts: DataCharts;
  /** The 10 most popular items, with titles when item metadata was loaded ('' otherwise). */
  topItems: { id: string; title: string; tags: string; events: number }[];
  /** Items of the data that the metadata file named (0 without metadata). */
  itemsWithMeta: number;
}

/** Item metadata joined on item id string. */
export type MetaLookup = Map<string, { title: string; tags: string }>;

/** Summary numbers and chart shapes of a Dataset (O(events) once, then O(users + items log items)). */
export function summarise(d: Dataset, source: string, meta: MetaLookup | null = null): DataSummary {
  let nUsers = 0;
  let maxLen = 0;
  let usersWith2 = 0;
  for (let u = 0; u < d.nUsers; u++) {
    const len = d.userOffsets[u + 1] - d.userOffsets[u];
    if (len > 0) nUsers++;
    if (len >= HEALTH.minEventsPerUser) usersWith2++;
    if (len > maxLen) maxLen = len;
  }
  const nBins = maxLen > 0 ? Math.floor(Math.log2(maxLen)) + 1 : 0;
  const perUserCount = new Array<number>(nBins).fill(0);
  for (let u = 0; u < d.nUsers; u++) {
    const len = d.userOffsets[u + 1] - d.userOffsets[u];
    if (len > 0) perUserCount[Math.floor(Math.log2(len))]++;
  }
  const counts = Array.from(d.itemCounts)
    .filter((c) => c > 0)
    .sort((a, b) => b - a);
  const popRank: number[] = [];
  const popCount: number[] = [];
  let last = 0;
  for (let k = 0; k < 256 && counts.length > 0; k++) {
    // Ranks spread evenly on a log axis from 1 to the number of items.
    const r = Math.round(Math.exp((Math.log(counts.length) * k) / 255));
    if (r === last) continue;
    last = r;
    popRank.push(r);
    popCount.push(counts[r - 1]);
  }
  const byPop = Array.from(d.itemCounts.keys()).sort((a, b) => d.itemCounts[b] - d.itemCounts[a] || a - b);
  const topItems = byPop
    .slice(0, 10)
    .filter((i) => d.itemCounts[i] > 0)
    .map((i) => {
      const m = meta?.get(d.itemIds[i]);
      return { id: d.itemIds[i], title: m?.title ?? '', tags: m?.tags ?? '', events: d.itemCounts[i] };
    });
  let itemsWithMeta = 0;
  if (meta) for (const id of d.itemIds) if (meta.has(id)) itemsWithMeta++;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let e = 0; e < d.time.length; e++) {
    const t = d.time[e];
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  // Repeats: per user, mark each item with the user's index + 1; an item already marked is a repeat.
  const mark = new Int32Array(d.nItems);
  let repeats = 0;
  for (let u = 0; u < d.nUsers; u++)
    for (let e = d.userOffsets[u]; e < d.userOffsets[u + 1]; e++) {
      const i = d.item[e];
      if (mark[i] === u + 1) repeats++;
      else mark[i] = u + 1;
    }
  const nEvents = d.user.length;
  const warnings: string[] = [];
  if (nEvents < HEALTH.minEvents) warnings.push(`only ${nEvents} events; at least ${HEALTH.minEvents} are recommended`);
  if (usersWith2 < HEALTH.minActiveUsers)
    warnings.push(
      `only ${usersWith2} users with ${HEALTH.minEventsPerUser} or more events; at least ${HEALTH.minActiveUsers} are recommended`,
    );
  return {
    source,
    nEvents,
    nUsers,
    nItems: counts.length,
    tMin,
    tMax,
    density: nUsers > 0 && counts.length > 0 ? nEvents / (nUsers * counts.length) : 0,
    repeatRate: nEvents > 0 ? repeats / nEvents : 0,
    usersWith2,
    warnings,
    charts: { perUserBinLo: perUserCount.map((_, i) => 2 ** i), perUserCount, popRank, popCount },
    topItems,
    itemsWithMeta,
  };
}
