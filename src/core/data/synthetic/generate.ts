/**
 * The synthetic world: per-user Hawkes processes (hawkes.ts) with a start and a churn time, items from a topic model
 * (items.ts). Users are generated in order, each from its own seeded stream, so the world streams in user blocks
 * (memory stays a block of typed arrays) and a block's events are identical to the same users in a whole-world build.
 */
import type { Dataset } from '../types';
import { createRng } from '../../util/rng';
import type { StopSignal } from '../../util/abort';
import { ok, type Result } from '../../util/result';
import { resolveSynthConfig, type ResolvedSynthConfig, type SynthConfig } from './config';
import { advance, expectedCount, nextWait, type HawkesParams } from './hawkes';
import { makeItemModel, makeUserTopics, sampleItem, type ItemModel } from './items';
import { sampleGamma, userRng } from './sampling';

/** Latent per-user parameters (the ground truth behind the events). Times in unix seconds, rates in events / s. */
export interface SynthUsers {
  /** First instant the user can act. */
  start: Float64Array;
  /** Churn time: no events at or after it. Already capped at the end of the world. */
  end: Float64Array;
  /** Background rate μ_u after calibration to the target event count. */
  mu: Float64Array;
  /** θ_u, nUsers × nTopics row-major. */
  topics: Float64Array;
  /** Expected number of events of each user over its whole life (from start, no history). */
  expectedEvents: Float64Array;
}

export interface SynthWorld {
  config: ResolvedSynthConfig;
  users: SynthUsers;
  items: ItemModel;
  /** Σ_u expected events: equals config.targetEvents up to rounding (the calibration makes it so). */
  expectedEvents: number;
  /** End of the world, t0 + span. */
  tEnd: number;
}

/** Events of users [userStart, userEnd) in CSR form: user userStart + j owns [offsets[j], offsets[j + 1]). */
export interface EventBlock {
  userStart: number;
  userEnd: number;
  offsets: Int32Array;
  item: Int32Array;
  /** Unix seconds, whole (floored like MovieLens timestamps), non-decreasing within a user. */
  time: Float64Array;
}

export function userHawkes(w: SynthWorld, u: number): HawkesParams {
  const c = w.config;
  return {
    mu: w.users.mu[u],
    aShort: c.aShort,
    aLong: c.aLong,
    betaShort: 1 / c.scaleShort,
    betaLong: 1 / c.scaleLong,
  };
}

/**
 * Draws the latent parameters (cheap: a few numbers per user) and scales every μ_u by one factor so the expected total
 * equals targetEvents. Expected counts from an empty history are linear in μ (hawkes.expectedCount's ODE is linear with
 * b ∝ μ and m0 = 0), so a single pass with μ = activity and one division suffice.
 */
export function makeWorld(config: SynthConfig): Result<SynthWorld, 'bad-config'> {
  const r = resolveSynthConfig(config);
  if (!r.ok) return r;
  const c = r.data;
  const rng = createRng(c.seed);
  const items = makeItemModel(c, rng.fork());
  const topics = makeUserTopics(c.nUsers, c, rng.fork());
  const pr = rng.fork();
  const n = c.nUsers;
  const tEnd = c.t0 + c.span;
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  const mu = new Float64Array(n);
  const exp = new Float64Array(n);
  let total = 0;
  for (let u = 0; u < n; u++) {
    start[u] = c.t0 + pr.next() * c.startSpread * c.span;
    end[u] = Math.min(tEnd, start[u] + pr.exp() * c.meanLifetime * c.span);
    // Activity multiplier with mean 1; the calibration below sets the scale.
    mu[u] = sampleGamma(c.activityShape, pr) / c.activityShape;
    const p: HawkesParams = {
      mu: mu[u],
      aShort: c.aShort,
      aLong: c.aLong,
      betaShort: 1 / c.scaleShort,
      betaLong: 1 / c.scaleLong,
    };
    exp[u] = expectedCount(p, { short: 0, long: 0 }, end[u] - start[u]);
    total += exp[u];
  }
  const scale = c.targetEvents / total;
  for (let u = 0; u < n; u++) {
    mu[u] *= scale;
    exp[u] *= scale;
  }
  return ok({
    config: c,
    users: { start, end, mu, topics, expectedEvents: exp },
    items,
    expectedEvents: c.targetEvents,
    tEnd,
  });
}

/** Growable typed buffers for one block of events. */
class EventBuffer {
  item: Int32Array;
  time: Float64Array;
  n = 0;
  constructor(cap: number) {
    this.item = new Int32Array(Math.max(16, cap));
    this.time = new Float64Array(Math.max(16, cap));
  }
  push(i: number, t: number): void {
    if (this.n === this.item.length) {
      const item = new Int32Array(this.n * 2);
      item.set(this.item);
      const time = new Float64Array(this.n * 2);
      time.set(this.time);
      this.item = item;
      this.time = time;
    }
    this.item[this.n] = i;
    this.time[this.n] = t;
    this.n++;
  }
}

/** Simulates user u exactly (no thinning, hawkes.nextWait) and appends its events to buf. */
function simulateUser(w: SynthWorld, u: number, buf: EventBuffer): void {
  const p = userHawkes(w, u);
  const rng = userRng(w.config.seed, u);
  const K = w.items.nTopics;
  const theta = w.users.topics.subarray(u * K, (u + 1) * K);
  const end = w.users.end[u];
  let t = w.users.start[u];
  let e = { short: 0, long: 0 };
  let last = -1;
  const repeat = w.config.repeat;
  const first = buf.n;
  for (;;) {
    const dt = nextWait(p, e, rng);
    t += dt;
    if (!(t < end)) break;
    // The repeat draw only when repeats are on, so worlds without them keep their event streams.
    const n = buf.n - first;
    last =
      repeat > 0 && n > 0 && rng.next() < repeat ? buf.item[first + rng.int(n)] : sampleItem(w.items, theta, last, rng);
    buf.push(last, Math.floor(t));
    e = advance(p, e, dt, true);
  }
}

/**
 * Streams the world's events in blocks of `blockUsers` users (the last block may be shorter). A plain iterable, so
 * `for await` works too; a caller that wants to yield to its event loop awaits between blocks. Stops early, at a block
 * boundary, once `signal` is aborted.
 */
export function* eventBlocks(w: SynthWorld, blockUsers = 1024, signal?: StopSignal): Generator<EventBlock> {
  const n = w.config.nUsers;
  for (let u0 = 0; u0 < n; u0 += blockUsers) {
    if (signal?.aborted) return;
    const u1 = Math.min(n, u0 + blockUsers);
    let expected = 0;
    for (let u = u0; u < u1; u++) expected += w.users.expectedEvents[u];
    const buf = new EventBuffer(Math.ceil(expected * 1.3));
    const offsets = new Int32Array(u1 - u0 + 1);
    for (let u = u0; u < u1; u++) {
      simulateUser(w, u, buf);
      offsets[u - u0 + 1] = buf.n;
    }
    yield { userStart: u0, userEnd: u1, offsets, item: buf.item.slice(0, buf.n), time: buf.time.slice(0, buf.n) };
  }
}

/** User and item id strings of the world ("1" … "n", MovieLens style). */
export const synthUserId = (u: number): string => String(u + 1);
export const synthItemId = (i: number): string => String(i + 1);

/**
 * Builds the whole Dataset in memory, filling the CSR directly (users come in order, times sorted). Users or items
 * with no event stay in the dictionaries (zero-length rows, itemCounts 0), so UserIdx = user index of the world.
 */
export function buildSynthDataset(w: SynthWorld, blockUsers = 4096): Dataset {
  const n = w.config.nUsers;
  const m = w.config.nItems;
  let cap = Math.ceil(w.expectedEvents * 1.1) + 16;
  let item = new Int32Array(cap);
  let time = new Float64Array(cap);
  let len = 0;
  const userOffsets = new Int32Array(n + 1);
  for (const b of eventBlocks(w, blockUsers)) {
    const k = b.item.length;
    if (len + k > cap) {
      cap = Math.max(cap * 2, len + k);
      const i2 = new Int32Array(cap);
      i2.set(item.subarray(0, len));
      const t2 = new Float64Array(cap);
      t2.set(time.subarray(0, len));
      item = i2;
      time = t2;
    }
    item.set(b.item, len);
    time.set(b.time, len);
    for (let j = 1; j < b.offsets.length; j++) userOffsets[b.userStart + j] = len + b.offsets[j];
    len += k;
  }
  const user = new Int32Array(len);
  for (let u = 0; u < n; u++) user.fill(u, userOffsets[u], userOffsets[u + 1]);
  const itemCounts = new Int32Array(m);
  for (let e = 0; e < len; e++) itemCounts[item[e]]++;
  return {
    userIds: Array.from({ length: n }, (_, u) => synthUserId(u)),
    itemIds: Array.from({ length: m }, (_, i) => synthItemId(i)),
    user,
    item: item.slice(0, len),
    time: time.slice(0, len),
    userOffsets,
    itemCounts,
    nUsers: n,
    nItems: m,
  };
}

/** makeWorld + buildSynthDataset. */
export function generateSynthetic(config: SynthConfig): Result<{ world: SynthWorld; dataset: Dataset }, 'bad-config'> {
  const w = makeWorld(config);
  if (!w.ok) return w;
  return ok({ world: w.data, dataset: buildSynthDataset(w.data) });
}
