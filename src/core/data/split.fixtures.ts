/**
 * Test support for split tests: a Dataset from (user, item, time) triples, built independently of data/dataset.ts
 * (which another module owns). Ids are dictionary-encoded in order of first appearance; events are sorted by user, then
 * time (stable).
 */
import type { Dataset } from './types';

export function datasetFromEvents(
  users: ArrayLike<string | number>,
  items: ArrayLike<string | number>,
  times: ArrayLike<number>,
): Dataset {
  const n = times.length;
  const uIdx = new Map<string, number>();
  const iIdx = new Map<string, number>();
  const u = new Int32Array(n);
  const it = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const us = String(users[k]);
    const is = String(items[k]);
    if (!uIdx.has(us)) uIdx.set(us, uIdx.size);
    if (!iIdx.has(is)) iIdx.set(is, iIdx.size);
    u[k] = uIdx.get(us)!;
    it[k] = iIdx.get(is)!;
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => u[a] - u[b] || times[a] - times[b] || a - b);
  const nUsers = uIdx.size;
  const nItems = iIdx.size;
  const userOffsets = new Int32Array(nUsers + 1);
  const itemCounts = new Int32Array(nItems);
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  order.forEach((k, j) => {
    user[j] = u[k];
    item[j] = it[k];
    time[j] = times[k];
    userOffsets[u[k] + 1]++;
    itemCounts[it[k]]++;
  });
  for (let x = 0; x < nUsers; x++) userOffsets[x + 1] += userOffsets[x];
  return {
    userIds: [...uIdx.keys()],
    itemIds: [...iIdx.keys()],
    user,
    item,
    time,
    userOffsets,
    itemCounts,
    nUsers,
    nItems,
  };
}
