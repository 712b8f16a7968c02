/**
 * The dataset protocols of the paper's experiments (section 5, appendix D, Table S1) as named presets, each a filter
 * of the log followed by the split the paper uses on it. Where the paper is silent the reference's dataset scripts
 * (rime/dataset/prepare_*_data.py) decide:
 *  - `ml-1m`: every user's second half of events (a 1-based position j of n kept when j/n ≥ ½), then a user split:
 *    half the users held out (group B), test start = the median user span after each user's first event, ΔT = it;
 *  - `netflix`: events from 2005-01-01 to 2005-06-29 (UTC) of the users whose numeric id is divisible by 10, then a
 *    temporal split at T = 2005-06-15 with ΔT = 14 days (validation window 2005-06-01 … 06-15);
 *  - `yoochoose`: one event per (user, item), the first; a seeded 10% sample of the users; then users with ≥ 4 events
 *    and items with ≥ 10 events (one pass, in that order as the reference); then a user split as ML-1M.
 * Split fields given in the run config (test start, horizon, fraction, seed) win over the preset's.
 */
import { createRng, shuffleInPlace } from '../util/rng';
import { err, ok, type Result } from '../util/result';
import type { Dataset, SplitConfig } from './types';

export type ProtocolName = 'ml-1m' | 'netflix' | 'yoochoose';
export const PROTOCOL_NAMES: readonly ProtocolName[] = ['ml-1m', 'netflix', 'yoochoose'];

/** The split kind each protocol uses. */
export const PROTOCOL_SPLIT: Readonly<Record<ProtocolName, SplitConfig['kind']>> = {
  'ml-1m': 'user',
  netflix: 'temporal',
  yoochoose: 'user',
};

/** One line per protocol for the page and the CLI help: what it filters and how it splits. */
export const PROTOCOL_SUMMARY: Readonly<Record<ProtocolName, string>> = {
  'ml-1m': "second half of each user's events; user split, half the users held out",
  netflix: 'events 2005-01-01 … 06-29 of users with id divisible by 10; test window 2005-06-15 + 14 days',
  yoochoose: 'first event per user-item pair; 10% of users; users ≥ 4 and items ≥ 10 events; user split',
};

const DAY = 86400;
const utc = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 1000;
export const NETFLIX = {
  begin: utc(2005, 1, 1),
  testStart: utc(2005, 6, 15),
  end: utc(2005, 6, 29),
  userMod: 10,
};
export const YOOCHOOSE = { userFraction: 0.1, minUserEvents: 4, minItemEvents: 10 };

/** Sizes before and after a protocol's filter. */
export interface ProtocolStats {
  name: ProtocolName;
  before: { events: number; users: number; items: number };
  after: { events: number; users: number; items: number };
}

function sizes(ds: Dataset) {
  let users = 0;
  for (let u = 0; u < ds.nUsers; u++) if (ds.userOffsets[u + 1] > ds.userOffsets[u]) users++;
  let items = 0;
  for (let i = 0; i < ds.nItems; i++) if (ds.itemCounts[i] > 0) items++;
  return { events: ds.time.length, users, items };
}

/**
 * The events with keep[e] = 1 as a Dataset of their own: users and items without a kept event are dropped and the
 * rest re-encoded in their old order (events stay sorted by user, then time).
 */
export function keepEvents(ds: Dataset, keep: Uint8Array): Dataset {
  const userMap = new Int32Array(ds.nUsers).fill(-1);
  const itemMap = new Int32Array(ds.nItems).fill(-1);
  let n = 0;
  for (let e = 0; e < keep.length; e++) {
    if (!keep[e]) continue;
    n++;
    userMap[ds.user[e]] = 0;
    itemMap[ds.item[e]] = 0;
  }
  const userIds: string[] = [];
  const itemIds: string[] = [];
  for (let u = 0; u < ds.nUsers; u++) if (userMap[u] === 0) userMap[u] = userIds.push(ds.userIds[u]) - 1;
  for (let i = 0; i < ds.nItems; i++) if (itemMap[i] === 0) itemMap[i] = itemIds.push(ds.itemIds[i]) - 1;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const value = ds.value ? new Float32Array(n) : undefined;
  const userOffsets = new Int32Array(userIds.length + 1);
  const itemCounts = new Int32Array(itemIds.length);
  for (let e = 0, k = 0; e < keep.length; e++) {
    if (!keep[e]) continue;
    user[k] = userMap[ds.user[e]];
    item[k] = itemMap[ds.item[e]];
    time[k] = ds.time[e];
    if (value) value[k] = (ds.value as Float32Array)[e];
    userOffsets[user[k] + 1]++;
    itemCounts[item[k]]++;
    k++;
  }
  for (let u = 0; u < userIds.length; u++) userOffsets[u + 1] += userOffsets[u];
  return {
    userIds,
    itemIds,
    user,
    item,
    time,
    value,
    userOffsets,
    itemCounts,
    nUsers: userIds.length,
    nItems: itemIds.length,
  };
}

function ml1mKeep(ds: Dataset): Uint8Array {
  const keep = new Uint8Array(ds.time.length);
  for (let u = 0; u < ds.nUsers; u++) {
    const a = ds.userOffsets[u];
    const n = ds.userOffsets[u + 1] - a;
    for (let j = 1; j <= n; j++) if (j / n >= 0.5) keep[a + j - 1] = 1;
  }
  return keep;
}

function netflixKeep(ds: Dataset): Result<Uint8Array, 'bad-protocol'> {
  const userOk = new Uint8Array(ds.nUsers);
  for (let u = 0; u < ds.nUsers; u++) {
    const id = ds.userIds[u];
    if (!/^\d+$/.test(id.trim()))
      return err(
        'bad-protocol',
        `protocol netflix: user id ${JSON.stringify(id)} is not a whole number (the Netflix sample keeps ids divisible by ${NETFLIX.userMod})`,
      );
    userOk[u] = Number(id) % NETFLIX.userMod === 0 ? 1 : 0;
  }
  const keep = new Uint8Array(ds.time.length);
  for (let e = 0; e < keep.length; e++)
    keep[e] = userOk[ds.user[e]] && ds.time[e] >= NETFLIX.begin && ds.time[e] < NETFLIX.end ? 1 : 0;
  return ok(keep);
}

function yoochooseKeep(ds: Dataset, seed: number): Uint8Array {
  // One event per (user, item): the earliest (a user's events are in time order).
  const keep = new Uint8Array(ds.time.length);
  const seen = new Int32Array(ds.nItems).fill(-1);
  for (let u = 0; u < ds.nUsers; u++) {
    for (let e = ds.userOffsets[u]; e < ds.userOffsets[u + 1]; e++) {
      if (seen[ds.item[e]] === u) continue;
      seen[ds.item[e]] = u;
      keep[e] = 1;
    }
  }
  // A seeded sample of the users with events.
  const active: number[] = [];
  for (let u = 0; u < ds.nUsers; u++) if (ds.userOffsets[u + 1] > ds.userOffsets[u]) active.push(u);
  shuffleInPlace(active, createRng(seed));
  const sampled = new Uint8Array(ds.nUsers);
  const nSample = Math.max(1, Math.round(YOOCHOOSE.userFraction * active.length));
  for (let k = 0; k < nSample && k < active.length; k++) sampled[active[k]] = 1;
  for (let e = 0; e < keep.length; e++) if (!sampled[ds.user[e]]) keep[e] = 0;
  // Minimum lengths, counted on the deduplicated sample, applied together (one pass).
  const userLen = new Int32Array(ds.nUsers);
  const itemLen = new Int32Array(ds.nItems);
  for (let e = 0; e < keep.length; e++) {
    if (!keep[e]) continue;
    userLen[ds.user[e]]++;
    itemLen[ds.item[e]]++;
  }
  for (let e = 0; e < keep.length; e++) {
    if (keep[e] && (userLen[ds.user[e]] < YOOCHOOSE.minUserEvents || itemLen[ds.item[e]] < YOOCHOOSE.minItemEvents))
      keep[e] = 0;
  }
  return keep;
}

/**
 * A protocol applied to a log: the filtered dataset, the split config (the preset's, with the given fields on top)
 * and the sizes before and after. Fails with a message when the given split is of the other kind, a Netflix user id
 * is not a number, or nothing is left.
 */
export function applyProtocol(
  ds: Dataset,
  name: ProtocolName,
  given: SplitConfig,
  seed: number,
): Result<{ dataset: Dataset; split: SplitConfig; stats: ProtocolStats }, 'bad-protocol'> {
  const kind = PROTOCOL_SPLIT[name];
  if (given.kind !== kind)
    return err(
      'bad-protocol',
      `protocol ${name} splits by ${kind === 'user' ? 'user' : 'time'}: split.kind must be "${kind}"`,
    );
  let keep: Uint8Array;
  if (name === 'ml-1m') keep = ml1mKeep(ds);
  else if (name === 'yoochoose') keep = yoochooseKeep(ds, seed);
  else {
    const k = netflixKeep(ds);
    if (!k.ok) return k;
    keep = k.data;
  }
  const dataset = keepEvents(ds, keep);
  if (dataset.time.length === 0)
    return err('bad-protocol', `protocol ${name}: no event is left after its filter (${PROTOCOL_SUMMARY[name]})`);
  const split: SplitConfig =
    given.kind === 'temporal'
      ? { ...given, testStart: given.testStart ?? NETFLIX.testStart, horizon: given.horizon ?? 14 * DAY }
      : { ...given, testFraction: given.testFraction ?? 0.5, seed: given.seed ?? seed };
  return ok({ dataset, split, stats: { name, before: sizes(ds), after: sizes(dataset) } });
}
