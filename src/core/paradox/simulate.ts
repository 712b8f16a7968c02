/**
 * Simulating Figure 2: draw a population, let each user produce next week's D events as Poisson(λ(x) · p(D | x))
 * (the MTPP intensity of eq. 3 over a one-week window), and count how many real buyers each ranking's top-C finds.
 */
import type { Rng } from '../util/rng';
import { paradoxScores, type ParadoxGroup } from './model';

export interface SimulationOptions {
  /** Population size. */
  nUsers: number;
  /** Users each ranking may pick (UserRec top-C). */
  topC: number;
}

export interface RankingOutcome {
  /** Users picked per group (same order as the input groups). */
  pickedPerGroup: number[];
  /** Picked users with at least one D event next week. */
  buyers: number;
  /** Expected buyers among the picked, Σ picked_g · (1 − e^(−λ_g p_g)) given the drawn group sizes. */
  expectedBuyers: number;
}

export interface SimulationResult {
  /** Users drawn per group. */
  groupSizes: number[];
  /** Users with at least one D event next week, per group. */
  buyersPerGroup: number[];
  /** All users with at least one D event. */
  totalBuyers: number;
  bayes: RankingOutcome;
  mtpp: RankingOutcome;
}

/**
 * Expected buyers of D in each ranking's top C, for given group sizes: a ranking takes whole groups in its order, and
 * a user of group g buys at least once next week with probability 1 − e^(−λ_g p_g) (Poisson, eq. 3 over one week).
 */
export function expectedTopC(
  groups: readonly ParadoxGroup[],
  mu: number,
  sizes: readonly number[],
  topC: number,
): { bayes: number; mtpp: number; bayesPicked: number[]; mtppPicked: number[] } {
  const s = paradoxScores(groups, mu);
  const take = (order: number[]) => {
    const picked = new Array<number>(groups.length).fill(0);
    let budget = topC;
    for (const g of order) {
      picked[g] = Math.min(budget, sizes[g]);
      budget -= picked[g];
    }
    return picked;
  };
  const expect = (picked: number[]) => picked.reduce((acc, n, g) => acc + n * (1 - Math.exp(-s.groups[g].mtpp)), 0);
  const bayesPicked = take(s.bayesOrder);
  const mtppPicked = take(s.mtppOrder);
  return { bayes: expect(bayesPicked), mtpp: expect(mtppPicked), bayesPicked, mtppPicked };
}

/** Poisson draw by inversion; rates above 30 are split into pieces (a sum of Poissons is Poisson). */
export function poisson(rate: number, rng: Rng): number {
  let n = 0;
  let left = rate;
  while (left > 0) {
    const piece = Math.min(left, 30);
    left -= piece;
    let p = Math.exp(-piece);
    let cdf = p;
    const u = rng.next();
    let k = 0;
    while (u > cdf && k < 1000) {
      k += 1;
      p *= piece / k;
      cdf += p;
    }
    n += k;
  }
  return n;
}

/**
 * Picks the top C users for each ranking. Users of one group share a score, so a ranking takes whole groups in its order
 * and, at the group that crosses C, the first users in draw order (users are exchangeable, so this is a fair tie-break).
 */
export function simulateParadox(
  groups: readonly ParadoxGroup[],
  mu: number,
  opts: SimulationOptions,
  rng: Rng,
): SimulationResult {
  const scores = paradoxScores(groups, mu);
  const k = groups.length;
  const groupOf = new Int32Array(opts.nUsers);
  const cum: number[] = [];
  let acc = 0;
  for (const g of groups) cum.push((acc += g.share));
  for (let u = 0; u < opts.nUsers; u++) {
    const r = rng.next() * acc;
    let g = 0;
    while (g < k - 1 && r >= cum[g]) g += 1;
    groupOf[u] = g;
  }
  const bought = new Uint8Array(opts.nUsers);
  const groupSizes = new Array<number>(k).fill(0);
  const buyersPerGroup = new Array<number>(k).fill(0);
  for (let u = 0; u < opts.nUsers; u++) {
    const g = groupOf[u];
    groupSizes[g] += 1;
    if (poisson(scores.groups[g].mtpp, rng) > 0) {
      bought[u] = 1;
      buyersPerGroup[g] += 1;
    }
  }
  const expected = expectedTopC(groups, mu, groupSizes, Math.min(opts.topC, opts.nUsers));
  const pick = (pickedPerGroup: number[], expectedBuyers: number): RankingOutcome => {
    let buyers = 0;
    const seen = new Array<number>(k).fill(0);
    for (let u = 0; u < opts.nUsers; u++) {
      const g = groupOf[u];
      if (seen[g] < pickedPerGroup[g]) {
        seen[g] += 1;
        buyers += bought[u];
      }
    }
    return { pickedPerGroup, buyers, expectedBuyers };
  };
  const totalBuyers = buyersPerGroup.reduce((s, b) => s + b, 0);
  return {
    groupSizes,
    buyersPerGroup,
    totalBuyers,
    bayes: pick(expected.bayesPicked, expected.bayes),
    mtpp: pick(expected.mtppPicked, expected.mtpp),
  };
}
