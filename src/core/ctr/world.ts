/**
 * The synthetic impression world with ground truth (the click-and-conversion track's counterpart of
 * data/synthetic): users move between K hidden scenarios, a logging policy that does not see the scenario decides
 * what is shown, and every impression keeps its true p(click), p(conversion | click) and scenario, so each model
 * can be compared with an oracle that knows them.
 *
 * Per user u (its own seeded stream, so a user's impressions do not depend on the others'):
 *   sessions ~ Poisson(a_u·Λ) at uniform times over the log, a_u ~ Gamma(shape)/shape, Λ set so the expected total
 *   is targetImpressions; the first session's scenario s ~ π, each later one keeps it with p = stay, else switches
 *   to another scenario drawn ∝ π; a session has R ~ Geometric requests one minute apart, each showing `slate`
 *   distinct items chosen by the logging policy (explore: uniform; policyRepeat: from u's clicked items; otherwise
 *   a category ∝ exp(τ_u[c]), then an item ∝ popularity in it: biased to popular items and to u's taste, blind to s).
 * Each shown item i with h = [u clicked i before this request] (MuseNet's I[t ∈ B_u], eq. 9):
 *   p(click) = h ? ρ_s·repeatClick : (1 − ρ_s)·σ(b + boost·[c_i ∈ C_s] + τ_u[c_i] + q_i + γ·z_i)
 *   p(conv | click) = σ(b_v + v_i + boost_v·[c_i ∈ C_s] + h·boost_r)
 * ρ_s the scenario's repeat intent (eq. 5: repeat mode clicks only consumed items, explore mode only new ones),
 * C_s the categories scenario s prefers (category c belongs to scenario c mod K), τ_u the user's taste, q_i the
 * item's quality, z_i its standardised log-popularity, v_i its conversion appeal. The observed context is the
 * scenario's page (s mod nContexts) with p = contextFidelity, else a uniform page.
 */
import type { ImpressionLog } from './types';
import { createRng, shuffleInPlace, type Rng } from '../util/rng';
import { ok, type Result } from '../util/result';
import { sampleGamma, searchCdf, userRng } from '../data/synthetic/sampling';
import { synthItemId, synthUserId } from '../data/synthetic/generate';
import {
  resolveCtrWorldConfig,
  SECONDS_PER_DAY,
  type CtrWorldConfig,
  type ResolvedCtrWorldConfig,
} from './worldConfig';

/** Seconds between the requests of a session. */
const REQUEST_GAP = 60;

/** The latent parameters behind the impressions (what the truth formulas read). */
export interface CtrWorld {
  config: ResolvedCtrWorldConfig;
  /** Category of each item. */
  itemCategory: Int32Array;
  /** z_i: standardised log-popularity (mean 0, sd 1 over items). */
  itemPopularity: Float64Array;
  /** q_i: quality logit. */
  itemQuality: Float64Array;
  /** v_i: conversion logit. */
  itemConversion: Float64Array;
  /** τ, nUsers × nCategories row-major: each user's taste logits. */
  userTaste: Float64Array;
  /** Items of each category in CSR form (catStart, catItems) with cumulative popularity per category (catCdf). */
  catStart: Int32Array;
  catItems: Int32Array;
  catCdf: Float64Array;
  /** Λ: expected sessions of a user with activity 1. */
  sessionRate: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The explore-mode click logit of item i for user u in scenario s (the formula in the header, without ρ). */
export function exploreLogit(w: CtrWorld, u: number, i: number, s: number): number {
  const c = w.config;
  const cat = w.itemCategory[i];
  return (
    c.clickBias +
    (cat % c.nScenarios === s ? c.scenarioBoost : 0) +
    w.userTaste[u * c.nCategories + cat] +
    w.itemQuality[i] +
    c.popularityEffect * w.itemPopularity[i]
  );
}

/** True p(click) of showing i to u in scenario s; `repeat` = u clicked i before. */
export function clickProbability(w: CtrWorld, u: number, i: number, s: number, repeat: boolean): number {
  const rho = w.config.repeatIntent[s];
  return repeat ? rho * w.config.repeatClick : (1 - rho) * sigmoid(exploreLogit(w, u, i, s));
}

/** True p(conversion | click) of i in scenario s; `repeat` = a re-consumption click. */
export function conversionProbability(w: CtrWorld, i: number, s: number, repeat: boolean): number {
  const c = w.config;
  return sigmoid(
    c.convBias +
      w.itemConversion[i] +
      (w.itemCategory[i] % c.nScenarios === s ? c.convScenario : 0) +
      (repeat ? c.repeatConvBoost : 0),
  );
}

/** Draws the world's latent parameters (cheap: a few numbers per item and user). */
export function makeCtrWorld(config: CtrWorldConfig): Result<CtrWorld, 'bad-config'> {
  const r = resolveCtrWorldConfig(config);
  if (!r.ok) return r;
  const c = r.data;
  const rng = createRng(c.seed);
  const n = c.nItems;
  const C = c.nCategories;
  // Popularity by rank, ranks shuffled over item ids; categories balanced over a second shuffle.
  const rank = shuffleInPlace(
    Int32Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const q0 = Math.max(1, n / 50);
  const logW = Float64Array.from(rank, (k) => -c.zipfExponent * Math.log(k + q0));
  const mean = logW.reduce((a, x) => a + x, 0) / n;
  const sd = Math.sqrt(logW.reduce((a, x) => a + (x - mean) ** 2, 0) / n) || 1;
  const itemPopularity = logW.map((x) => (x - mean) / sd);
  const order = shuffleInPlace(
    Int32Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const itemCategory = new Int32Array(n);
  for (let j = 0; j < n; j++) itemCategory[order[j]] = j % C;
  const itemQuality = Float64Array.from({ length: n }, () => c.itemQuality * rng.normal());
  const itemConversion = Float64Array.from({ length: n }, () => c.itemConversion * rng.normal());
  const userTaste = Float64Array.from({ length: c.nUsers * C }, () => c.userTaste * rng.normal());
  const catStart = new Int32Array(C + 1);
  for (let i = 0; i < n; i++) catStart[itemCategory[i] + 1]++;
  for (let k = 0; k < C; k++) catStart[k + 1] += catStart[k];
  const fill = catStart.slice(0, C);
  const catItems = new Int32Array(n);
  for (let i = 0; i < n; i++) catItems[fill[itemCategory[i]]++] = i;
  const catCdf = new Float64Array(n);
  for (let k = 0; k < C; k++) {
    let acc = 0;
    for (let j = catStart[k]; j < catStart[k + 1]; j++) catCdf[j] = acc += Math.exp(logW[catItems[j]]);
    for (let j = catStart[k]; j < catStart[k + 1]; j++) catCdf[j] /= acc;
    catCdf[catStart[k + 1] - 1] = 1;
  }
  const perSession = c.slate * c.requestsPerSession;
  return ok({
    config: c,
    itemCategory,
    itemPopularity,
    itemQuality,
    itemConversion,
    userTaste,
    catStart,
    catItems,
    catCdf,
    sessionRate: c.targetImpressions / (c.nUsers * perSession),
  });
}

/** Poisson(mean) by inversion (exact; means here are tens at most), a normal approximation beyond 500. */
function samplePoisson(mean: number, rng: Rng): number {
  if (mean > 500) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const x = rng.next();
  while (x > cdf && p > 0) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Draws index j with probability w[j] / Σw (w non-negative, Σw > 0), excluding `skip` (−1: none). */
function drawShare(w: readonly number[], rng: Rng, skip: number): number {
  let total = 0;
  for (let j = 0; j < w.length; j++) if (j !== skip) total += w[j];
  let x = rng.next() * total;
  let last = -1;
  for (let j = 0; j < w.length; j++) {
    if (j === skip || w[j] <= 0) continue;
    last = j;
    if ((x -= w[j]) < 0) return j;
  }
  return last;
}

/** Growable columns of the impressions generated so far. */
class Columns {
  n = 0;
  user = new Int32Array(1024);
  item = new Int32Array(1024);
  time = new Float64Array(1024);
  click = new Uint8Array(1024);
  conversion = new Uint8Array(1024);
  context = new Int32Array(1024);
  pClick = new Float32Array(1024);
  pConv = new Float32Array(1024);
  scenario = new Int32Array(1024);
  constructor(cap: number) {
    this.grow(cap);
  }
  grow(cap: number): void {
    const g = <T extends Int32Array | Float64Array | Uint8Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.user = g(this.user);
    this.item = g(this.item);
    this.time = g(this.time);
    this.click = g(this.click);
    this.conversion = g(this.conversion);
    this.context = g(this.context);
    this.pClick = g(this.pClick);
    this.pConv = g(this.pConv);
    this.scenario = g(this.scenario);
  }
}

/** Per-user scratch: the items clicked so far (with repeats) and a mark per item. */
interface UserState {
  clicked: number[];
  /** mark[i] = the generating user's index + 1 when that user clicked i before the current request. */
  mark: Int32Array;
  /** The slate being filled (distinct items). */
  slate: Int32Array;
  catCdf: Float64Array;
}

/** One slot of a request: the logging policy's item for user u (distinct from the slate's first `filled` items). */
function policyItem(w: CtrWorld, u: number, st: UserState, filled: number, rng: Rng): number {
  const c = w.config;
  for (let tries = 0; tries < 32; tries++) {
    let i: number;
    const x = rng.next();
    if (x < c.explore) i = rng.int(c.nItems);
    else if (st.clicked.length > 0 && rng.next() < c.policyRepeat) i = st.clicked[rng.int(st.clicked.length)];
    else {
      const cat = searchCdf(st.catCdf, 0, c.nCategories, rng.next());
      const a = w.catStart[cat];
      i = w.catItems[a + searchCdf(w.catCdf, a, w.catStart[cat + 1], rng.next())];
    }
    let dup = false;
    for (let j = 0; j < filled; j++) if (st.slate[j] === i) dup = true;
    if (!dup) return i;
  }
  // A crowded slate (tiny catalogue): the next item not yet on it, from a random start.
  for (let i = rng.int(c.nItems); ; i = (i + 1) % c.nItems) {
    let dup = false;
    for (let j = 0; j < filled; j++) if (st.slate[j] === i) dup = true;
    if (!dup) return i;
  }
}

/** Appends user u's impressions (in time order) to `out`. */
function simulateUser(w: CtrWorld, u: number, st: UserState, out: Columns): void {
  const c = w.config;
  const rng = userRng(c.seed, u);
  const tEnd = c.t0 + c.days * SECONDS_PER_DAY;
  const activity = sampleGamma(c.activityShape, rng) / c.activityShape;
  const nSessions = samplePoisson(activity * w.sessionRate, rng);
  const starts = Float64Array.from({ length: nSessions }, () => Math.floor(c.t0 + rng.next() * (tEnd - c.t0))).sort();
  // The policy's category distribution ∝ exp(τ_u[c]).
  const C = c.nCategories;
  let acc = 0;
  for (let k = 0; k < C; k++) st.catCdf[k] = acc += Math.exp(w.userTaste[u * C + k]);
  for (let k = 0; k < C; k++) st.catCdf[k] /= acc;
  st.catCdf[C - 1] = 1;
  st.clicked.length = 0;
  const stopMean = 1 / c.requestsPerSession;
  let s = -1;
  // A session starts after the previous one's last request, so the user's impressions stay in time order.
  let next = -Infinity;
  for (let k = 0; k < nSessions; k++) {
    s = s < 0 ? drawShare(c.scenarioShares, rng, -1) : rng.next() < c.stay ? s : drawShare(c.scenarioShares, rng, s);
    let requests = 1;
    while (rng.next() >= stopMean) requests++;
    const start = Math.max(starts[k], next);
    for (let q = 0; q < requests; q++) {
      const t = start + q * REQUEST_GAP;
      if (t >= tEnd) break;
      next = t + REQUEST_GAP;
      if (out.n + c.slate > out.user.length) out.grow(2 * out.user.length);
      const first = out.n;
      for (let j = 0; j < c.slate; j++) {
        const i = policyItem(w, u, st, j, rng);
        st.slate[j] = i;
        const repeat = st.mark[i] === u + 1;
        const pc = clickProbability(w, u, i, s, repeat);
        const pv = conversionProbability(w, i, s, repeat);
        const e = out.n++;
        out.user[e] = u;
        out.item[e] = i;
        out.time[e] = t;
        out.pClick[e] = pc;
        out.pConv[e] = pv;
        out.scenario[e] = s;
        // Labels from the float32 truth, so that a stored p of 0 or 1 is never contradicted by its label.
        out.click[e] = rng.next() < out.pClick[e] ? 1 : 0;
        out.conversion[e] = out.click[e] && rng.next() < out.pConv[e] ? 1 : 0;
        out.context[e] = rng.next() < c.contextFidelity ? s % c.nContexts : rng.int(c.nContexts);
      }
      // Clicks of this request enter the history of the next one (history = strictly earlier times).
      for (let e = first; e < out.n; e++)
        if (out.click[e]) {
          st.clicked.push(out.item[e]);
          st.mark[out.item[e]] = u + 1;
        }
    }
  }
}

/** The impression log of a world, users in order (so already sorted by user, then time), with its truth. */
export function buildCtrLog(w: CtrWorld): ImpressionLog {
  const c = w.config;
  const out = new Columns(Math.ceil(c.targetImpressions * 1.2) + c.slate);
  const st: UserState = {
    clicked: [],
    mark: new Int32Array(c.nItems),
    slate: new Int32Array(c.slate),
    catCdf: new Float64Array(c.nCategories),
  };
  const userOffsets = new Int32Array(c.nUsers + 1);
  for (let u = 0; u < c.nUsers; u++) {
    simulateUser(w, u, st, out);
    userOffsets[u + 1] = out.n;
  }
  const n = out.n;
  return {
    userIds: Array.from({ length: c.nUsers }, (_, u) => synthUserId(u)),
    itemIds: Array.from({ length: c.nItems }, (_, i) => synthItemId(i)),
    user: out.user.slice(0, n),
    item: out.item.slice(0, n),
    time: out.time.slice(0, n),
    click: out.click.slice(0, n),
    conversion: out.conversion.slice(0, n),
    context: out.context.slice(0, n),
    contextIds: Array.from({ length: c.nContexts }, (_, k) => `page${k + 1}`),
    itemCategory: w.itemCategory.slice(),
    categoryIds: Array.from({ length: c.nCategories }, (_, k) => `cat${k + 1}`),
    userOffsets,
    nUsers: c.nUsers,
    nItems: c.nItems,
    negatives: 'logged',
    truth: {
      pClick: out.pClick.slice(0, n),
      pConvGivenClick: out.pConv.slice(0, n),
      scenario: out.scenario.slice(0, n),
      nScenarios: c.nScenarios,
    },
  };
}

/** makeCtrWorld + buildCtrLog. */
export function generateCtrWorld(
  config: CtrWorldConfig,
): Result<{ world: CtrWorld; log: ImpressionLog }, 'bad-config'> {
  const w = makeCtrWorld(config);
  if (!w.ok) return w;
  return ok({ world: w.data, log: buildCtrLog(w.data) });
}
