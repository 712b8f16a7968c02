import { createRng } from '../../util/rng';
import type { CtrSplit, ImpressionLog } from '../types';

/**
 * A small seeded impression world for the model tests and the training bench, standing in for the ctr synthetic world
 * until that lands. Users move between K hidden scenarios (a sticky chain); a scenario shifts which items and
 * categories they click and how much they re-click what they clicked before (its repeat propensity, both in what is
 * shown and in the click bonus). The observed context agrees with the scenario part of the time.
 *
 *   logit pClick = b0 + pop_i + (θ_u + ψ_k)·φ_i / √dim + γ_{k, cat(i)} + repeatBonus_k · I[i clicked before by u]
 *   logit pConv  = c0 + q_i + θ'_u·φ_i / √dim
 */
export interface FixtureConfig {
  nUsers: number;
  nItems: number;
  nCategories: number;
  nContexts: number;
  nScenarios: number;
  impressionsPerUser: number;
  /** Per scenario: probability that an impression re-shows an item the user clicked before (when there is one). */
  repeatExposure: number[];
  /** Per scenario: click logit bonus of such a re-shown item. */
  repeatBonus: number[];
  /** Probability that the observed context equals the hidden scenario (mod nContexts); otherwise uniform. */
  contextAgreement: number;
  /** Probability of staying in the current scenario from one impression to the next. */
  stickiness: number;
  seed: number;
}

export const FIXTURE_DEFAULTS: FixtureConfig = {
  nUsers: 300,
  nItems: 80,
  nCategories: 6,
  nContexts: 3,
  nScenarios: 3,
  impressionsPerUser: 30,
  repeatExposure: [0.05, 0.3, 0.6],
  repeatBonus: [-1, 1, 2.5],
  contextAgreement: 0.7,
  stickiness: 0.85,
  seed: 1,
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function fixtureLog(partial: Partial<FixtureConfig> = {}): ImpressionLog {
  const c = { ...FIXTURE_DEFAULTS, ...partial };
  const K = c.nScenarios;
  const rng = createRng(c.seed);
  const dim = 4;
  const vec = (s: number) => Float64Array.from({ length: dim }, () => rng.normal() * s);
  const phi = Array.from({ length: c.nItems }, () => vec(1));
  const pop = Float64Array.from({ length: c.nItems }, () => rng.normal());
  const quality = Float64Array.from({ length: c.nItems }, () => rng.normal());
  const itemCategory = Int32Array.from({ length: c.nItems }, () => rng.int(c.nCategories));
  const psi = Array.from({ length: K }, () => vec(1.5));
  const gamma = Array.from({ length: K }, () => Float64Array.from({ length: c.nCategories }, () => 1.5 * rng.normal()));
  const dot = (a: Float64Array, b: Float64Array) => {
    let v = 0;
    for (let d = 0; d < dim; d++) v += a[d] * b[d];
    return v;
  };
  const n = c.nUsers * c.impressionsPerUser;
  const user = new Int32Array(n),
    item = new Int32Array(n),
    context = new Int32Array(n),
    scenario = new Int32Array(n);
  const time = new Float64Array(n);
  const click = new Uint8Array(n),
    conversion = new Uint8Array(n);
  const pClick = new Float32Array(n),
    pConv = new Float32Array(n);
  const userOffsets = new Int32Array(c.nUsers + 1);
  const taste = new Float64Array(dim);
  let k = 0;
  for (let u = 0; u < c.nUsers; u++) {
    userOffsets[u] = k;
    const theta = vec(1),
      thetaConv = vec(0.7);
    const clicked: number[] = [];
    const seen = new Set<number>();
    let s = rng.int(K);
    // Users start at spread-out times so that a global time split cuts every user's sequence.
    let t = Math.floor(rng.next() * 86_400);
    for (let j = 0; j < c.impressionsPerUser; j++, k++) {
      if (j > 0 && rng.next() > c.stickiness) s = rng.int(K);
      const it =
        clicked.length > 0 && rng.next() < c.repeatExposure[s] ? clicked[rng.int(clicked.length)] : rng.int(c.nItems);
      for (let d = 0; d < dim; d++) taste[d] = theta[d] + psi[s][d];
      const rep = seen.has(it) ? c.repeatBonus[s] : 0;
      const pc = sigmoid(-1 + pop[it] + dot(taste, phi[it]) / Math.sqrt(dim) + gamma[s][itemCategory[it]] + rep);
      const pv = sigmoid(-0.5 + quality[it] + dot(thetaConv, phi[it]) / Math.sqrt(dim));
      user[k] = u;
      item[k] = it;
      scenario[k] = s;
      context[k] = rng.next() < c.contextAgreement ? s % c.nContexts : rng.int(c.nContexts);
      t += 1 + Math.floor(rng.exp() * 3600);
      time[k] = t;
      pClick[k] = pc;
      pConv[k] = pv;
      click[k] = rng.next() < pc ? 1 : 0;
      conversion[k] = click[k] && rng.next() < pv ? 1 : 0;
      if (click[k]) {
        clicked.push(it);
        seen.add(it);
      }
    }
  }
  userOffsets[c.nUsers] = k;
  return {
    userIds: Array.from({ length: c.nUsers }, (_, u) => `u${u}`),
    itemIds: Array.from({ length: c.nItems }, (_, i) => `i${i}`),
    user,
    item,
    time,
    click,
    conversion,
    context,
    contextIds: Array.from({ length: c.nContexts }, (_, x) => `x${x}`),
    itemCategory,
    categoryIds: Array.from({ length: c.nCategories }, (_, x) => `c${x}`),
    userOffsets,
    nUsers: c.nUsers,
    nItems: c.nItems,
    negatives: 'logged',
    truth: { pClick, pConvGivenClick: pConv, scenario, nScenarios: K },
  };
}

/** A global time split: the earliest (1 − valid − test) share of impressions train, then valid, then test. */
export function fixtureSplit(log: ImpressionLog, validShare = 0.15, testShare = 0.2): CtrSplit {
  const sorted = Float64Array.from(log.time).sort();
  const n = sorted.length;
  const validStart = sorted[Math.floor(n * (1 - validShare - testShare))];
  const testStart = sorted[Math.floor(n * (1 - testShare))];
  const pick = (lo: number, hi: number) => {
    const r: number[] = [];
    for (let i = 0; i < n; i++) if (log.time[i] >= lo && log.time[i] < hi) r.push(i);
    return Int32Array.from(r);
  };
  return {
    train: pick(-Infinity, validStart),
    valid: pick(validStart, testStart),
    test: pick(testStart, Infinity),
    validStart,
    testStart,
    protocol: 'custom',
  };
}

/** ROC AUC of scores against 0/1 labels (ties count half), by ranks; NaN when a class is missing. */
export function auc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0,
    rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let m = i; m <= j; m++)
      if (labels[order[m]]) {
        pos++;
        rankSum += midRank;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
