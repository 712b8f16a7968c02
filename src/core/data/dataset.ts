/**
 * Builds the in-memory Dataset (types.ts) from parsed event columns in file order: ids already dictionary-encoded
 * (first-seen order), then a stable sort by user, then time, and the CSR offsets per user.
 */
import type { Dataset } from './types';

/**
 * Events in file order, as the ingest (or any other reader) produced them: the Dataset's id and event fields, not yet
 * sorted (`value` undefined when the file has no value column).
 */
export type EventColumnsIn = Pick<Dataset, 'userIds' | 'itemIds' | 'user' | 'item' | 'time' | 'value'>;

/**
 * Counting sort by user (stable: file order within a user; skipped when the events are already grouped by user, as
 * in MovieLens files), then each user's events sorted by time, stable, only
 * where they are not already in order (logs are mostly written in time order, so this is usually one check per
 * user). O(events) plus the sorts of unsorted users. The input arrays are given up: the result may keep them (grouped
 * input) or sort copies of them; either way the caller must not use them afterwards.
 */
export function buildDataset(c: EventColumnsIn): Dataset {
  const n = c.user.length;
  const nUsers = c.userIds.length;
  const nItems = c.itemIds.length;
  const userOffsets = new Int32Array(nUsers + 1);
  for (let e = 0; e < n; e++) userOffsets[c.user[e] + 1]++;
  for (let u = 0; u < nUsers; u++) userOffsets[u + 1] += userOffsets[u];
  const itemCounts = new Int32Array(nItems);
  let byUser = true;
  for (let e = 1; e < n && byUser; e++) byUser = c.user[e] >= c.user[e - 1];
  let user: Int32Array, item: Int32Array, time: Float64Array, value: Float32Array | undefined;
  if (byUser) {
    // Already grouped by user in first-seen order (MovieLens files are): the input arrays are used as they are
    // (views of the reader's buffers, which it hands over), with at most a per-user time sort below.
    user = c.user;
    item = c.item;
    time = c.time;
    value = c.value;
    for (let e = 0; e < n; e++) itemCounts[item[e]]++;
  } else {
    user = new Int32Array(n);
    item = new Int32Array(n);
    time = new Float64Array(n);
    value = c.value ? new Float32Array(n) : undefined;
    scatterByUser(c, userOffsets, user, item, time, value, itemCounts);
  }
  for (let u = 0; u < nUsers; u++) {
    const a = userOffsets[u];
    const b = userOffsets[u + 1];
    let sorted = true;
    for (let k = a + 1; k < b; k++)
      if (time[k] < time[k - 1]) {
        sorted = false;
        break;
      }
    if (!sorted) sortSlice(a, b, item, time, value);
  }
  return { userIds: c.userIds, itemIds: c.itemIds, user, item, time, value, userOffsets, itemCounts, nUsers, nItems };
}

/** Counting sort by user: event e goes to the next free slot of its user (file order kept within a user). */
function scatterByUser(
  c: EventColumnsIn,
  userOffsets: Int32Array,
  user: Int32Array,
  item: Int32Array,
  time: Float64Array,
  value: Float32Array | undefined,
  itemCounts: Int32Array,
): void {
  const fill = userOffsets.slice(0, userOffsets.length - 1);
  for (let e = 0; e < c.user.length; e++) {
    const u = c.user[e];
    const k = fill[u]++;
    user[k] = u;
    item[k] = c.item[e];
    time[k] = c.time[e];
    if (value) value[k] = c.value![e];
    itemCounts[c.item[e]]++;
  }
}

/** Sorts events [a, b) by time, stable (ties keep their order), permuting item and value alike. */
function sortSlice(a: number, b: number, item: Int32Array, time: Float64Array, value: Float32Array | undefined): void {
  const len = b - a;
  const order = Array.from({ length: len }, (_, k) => k);
  // Array.prototype.sort is stable (ES2019), and the index tie-break makes that explicit.
  order.sort((x, y) => time[a + x] - time[a + y] || x - y);
  const it = item.slice(a, b);
  const tm = time.slice(a, b);
  const vl = value?.slice(a, b);
  for (let k = 0; k < len; k++) {
    item[a + k] = it[order[k]];
    time[a + k] = tm[order[k]];
    if (value) value[a + k] = vl![order[k]];
  }
}

/** A copy of every array of `d` (ids included): one to hand to another worker while this one keeps `d`. */
export function copyDataset(d: Dataset): Dataset {
  return {
    ...d,
    userIds: d.userIds.slice(),
    itemIds: d.itemIds.slice(),
    user: d.user.slice(),
    item: d.item.slice(),
    time: d.time.slice(),
    value: d.value?.slice(),
    userOffsets: d.userOffsets.slice(),
    itemCounts: d.itemCounts.slice(),
  };
}

/** The buffers of a dataset's typed arrays: what a transfer between workers moves. */
export function datasetBuffers(d: Dataset): ArrayBuffer[] {
  return [d.user, d.item, d.time, d.value, d.userOffsets, d.itemCounts]
    .filter((a) => a !== undefined)
    .map((a) => a.buffer as ArrayBuffer);
}
