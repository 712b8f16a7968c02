/**
 * Figure 2 played on a synthetic world, so that the buyers come from the world's own process and not from either
 * ranking's model. At an instant T every user who has joined is one of Figure 2's three kinds by last week's events
 * (two or more, like [A, B]; one, like [C]; none, ∅). Both rankings use the figure's quantities:
 *  - p(D | x): the world's true next-item probability of D after the user's history (a perfect ItemRec model);
 *  - Bayes rule: p(D | x) · p(kind of x), p(kind) the kind's share of the users;
 *  - RIM (eq. 3 with RNN-Pop's intensity, as in the figure): λ(x) · p(D | x), λ(x) = events last week, μ for none.
 * Next week is then drawn from the world's true process: each user's Hawkes process continued from its history
 * (until its churn time), each event's item drawn from the world's item model. Neither ranking wins by construction:
 * RNN-Pop's λ is only an estimate of the true Hawkes intensity.
 */
import { rngFor, type Rng } from '../util/rng';
import { ok, type Result } from '../util/result';
import type { SynthWorld } from '../data/synthetic/generate';
import { generateSynthetic, userHawkes } from '../data/synthetic/generate';
import { datasetEvents, truthAt, type TruthEvents } from '../data/synthetic/truth';
import { advance, excitationAt, nextWait } from '../data/synthetic/hawkes';
import { sampleItem } from '../data/synthetic/items';
import { orderBy } from './model';

const WEEK = 7 * 86_400;

/** The three kinds, most active first (the order of Figure 2's rows). */
export const WORLD_KINDS = ['2+ events last week', '1 event last week', 'none last week'] as const;

export interface WorldParadoxOptions {
  /** T, unix seconds: histories before it, next week after it. */
  at: number;
  /** The marketed item D (item index of the world). */
  item: number;
  /** Users each ranking may pick. */
  topC: number;
  /** Background intensity μ of users with no event last week, events per week. */
  mu: number;
}

export interface WorldRanking {
  /** Users picked per kind (WORLD_KINDS order). */
  pickedPerKind: number[];
  /** Picked users with at least one D event next week. */
  buyers: number;
}

export interface WorldSimulation {
  /** The users that had joined by T. */
  nUsers: number;
  /** Users per kind and their share p(kind). */
  kindSizes: number[];
  /** Mean true p(D | x) per kind. */
  meanP: number[];
  /** Users with a D event next week, per kind, and in all. */
  buyersPerKind: number[];
  totalBuyers: number;
  bayes: WorldRanking;
  mtpp: WorldRanking;
}

/**
 * Continues user u's Hawkes process from its history before T for `window` seconds (stopping at its churn time) and
 * draws each event's item; returns the items, in order. `lo..hi` is the user's history before T in `events`.
 */
export function continueUser(
  w: SynthWorld,
  u: number,
  events: TruthEvents,
  lo: number,
  hi: number,
  T: number,
  window: number,
  rng: Rng,
): number[] {
  const p = userHawkes(w, u);
  const K = w.items.nTopics;
  const theta = w.users.topics.subarray(u * K, (u + 1) * K);
  const t0 = Math.max(T, w.users.start[u]);
  const stop = Math.min(T + window, w.users.end[u]);
  const out: number[] = [];
  if (!(stop > t0)) return out;
  let e = excitationAt(p, events.time, lo, hi, t0);
  let last = hi > lo ? events.item[hi - 1] : -1;
  let t = t0;
  for (;;) {
    const dt = nextWait(p, e, rng);
    t += dt;
    if (!(t < stop)) return out;
    last = sampleItem(w.items, theta, last, rng);
    out.push(last);
    e = advance(p, e, dt, true);
  }
}

/** The Figure 2 comparison on world `w` whose events (before T at least) are `events`; next week drawn with `rng`. */
export function simulateWorldParadox(
  w: SynthWorld,
  events: TruthEvents,
  opts: WorldParadoxOptions,
  rng: Rng,
): WorldSimulation {
  const T = opts.at;
  const users: number[] = [];
  for (let u = 0; u < w.config.nUsers; u++) if (w.users.start[u] <= T) users.push(u);
  const n = users.length;
  const truth = truthAt(w, users, T, WEEK, events);
  const probs = new Float64Array(w.items.nItems);
  const kind = new Int32Array(n);
  const lastWeek = new Int32Array(n);
  const pD = new Float64Array(n);
  const kindSizes = [0, 0, 0];
  const sumP = [0, 0, 0];
  const bought = new Uint8Array(n);
  const buyersPerKind = [0, 0, 0];
  for (let r = 0; r < n; r++) {
    const u = users[r];
    const j = u - events.userStart;
    const lo = events.offsets[j];
    const hi = lo + truth.histLength[r];
    let k = 0;
    for (let e = hi - 1; e >= lo && events.time[e] >= T - WEEK; e--) k++;
    lastWeek[r] = k;
    kind[r] = k >= 2 ? 0 : k === 1 ? 1 : 2;
    truth.itemProbs(r, probs);
    pD[r] = probs[opts.item];
    kindSizes[kind[r]]++;
    sumP[kind[r]] += pD[r];
    if (continueUser(w, u, events, lo, hi, T, WEEK, rng).includes(opts.item)) {
      bought[r] = 1;
      buyersPerKind[kind[r]]++;
    }
  }
  const share = kindSizes.map((s) => (n > 0 ? s / n : 0));
  const C = Math.min(opts.topC, n);
  const pick = (score: (r: number) => number): WorldRanking => {
    const top = orderBy(Array.from({ length: n }, (_, r) => score(r))).slice(0, C);
    const pickedPerKind = [0, 0, 0];
    let buyers = 0;
    for (const r of top) {
      pickedPerKind[kind[r]]++;
      buyers += bought[r];
    }
    return { pickedPerKind, buyers };
  };
  return {
    nUsers: n,
    kindSizes,
    meanP: sumP.map((s, k) => (kindSizes[k] > 0 ? s / kindSizes[k] : 0)),
    buyersPerKind,
    totalBuyers: buyersPerKind.reduce((a, b) => a + b, 0),
    bayes: pick((r) => pD[r] * share[kind[r]]),
    mtpp: pick((r) => (lastWeek[r] > 0 ? lastWeek[r] : opts.mu) * pD[r]),
  };
}

/** The world the Figure 2 panel simulates on: `nUsers` users, 100 items (so that D is a common item), 20 events a user. */
export interface Figure2WorldOptions {
  nUsers: number;
  seed: number;
  mu: number;
  topC: number;
}

/**
 * Generates a seeded synthetic world, takes T at the middle of its span and D its most frequent item, and plays Figure 2
 * on it (simulateWorldParadox); next week is drawn with a stream of the same seed. `item` is D's index.
 */
export function figure2World(o: Figure2WorldOptions): Result<WorldSimulation & { item: number }, 'bad-config'> {
  const g = generateSynthetic({ nUsers: o.nUsers, nItems: 100, targetEvents: 20 * o.nUsers, seed: o.seed });
  if (!g.ok) return g;
  const { world: w, dataset: d } = g.data;
  let item = 0;
  for (let i = 1; i < d.nItems; i++) if (d.itemCounts[i] > d.itemCounts[item]) item = i;
  const at = w.config.t0 + w.config.span / 2;
  const sim = simulateWorldParadox(w, datasetEvents(d), { at, item, topC: o.topC, mu: o.mu }, rngFor(o.seed, 'week'));
  return ok({ ...sim, item });
}
