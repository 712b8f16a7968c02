import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { datasetEvents, generateSynthetic, nextItemProbs, truthAt } from '../data/synthetic';
import { continueUser, figure2World, simulateWorldParadox } from './world';

const WEEK = 7 * 86_400;

function world() {
  const g = generateSynthetic({ nUsers: 300, nItems: 30, targetEvents: 30_000, seed: 2 });
  if (!g.ok) throw new Error(g.reason);
  return g.data;
}

/** End (exclusive) of user u's events before T, by a linear scan. */
function histEnd(d: ReturnType<typeof world>['dataset'], u: number, T: number): number {
  let e = d.userOffsets[u];
  while (e < d.userOffsets[u + 1] && d.time[e] < T) e++;
  return e;
}

describe('continueUser: next week from the world’s own process', () => {
  it('its mean count is the closed-form E[N(T, T + week) | history] (hawkes.expectedCount via truthAt)', () => {
    const { world: w, dataset: d } = world();
    const T = w.config.t0 + w.config.span / 2;
    const ev = datasetEvents(d);
    // The most active users alive at T (a long history makes the excitation matter).
    const alive = Array.from({ length: 300 }, (_, u) => u).filter((u) => w.users.start[u] <= T && w.users.end[u] > T);
    const users = alive.sort((a, b) => w.users.mu[b] - w.users.mu[a]).slice(0, 3);
    const truth = truthAt(w, users, T, WEEK, ev);
    const rng = createRng(4);
    users.forEach((u, r) => {
      const lo = d.userOffsets[u];
      const hi = histEnd(d, u, T);
      const draws = 3_000;
      let sum = 0;
      let sq = 0;
      for (let i = 0; i < draws; i++) {
        const k = continueUser(w, u, ev, lo, hi, T, WEEK, rng).length;
        sum += k;
        sq += k * k;
      }
      const mean = sum / draws;
      const sd = Math.sqrt(Math.max(sq / draws - mean * mean, 1e-9) / draws);
      expect(truth.expectedCount[r]).toBeGreaterThan(0.1);
      expect(Math.abs(mean - truth.expectedCount[r])).toBeLessThan(5 * sd);
    });
  });

  it('the first item drawn follows p(y | x) of the world (items.nextItemProbs), within 5 binomial sd', () => {
    const { world: w, dataset: d } = world();
    const T = w.config.t0 + w.config.span / 2;
    const ev = datasetEvents(d);
    const u = Array.from({ length: 300 }, (_, i) => i).find(
      (i) => w.users.start[i] <= T && w.users.end[i] > T + 8 * WEEK && histEnd(d, i, T) > d.userOffsets[i],
    )!;
    const hi = histEnd(d, u, T);
    const K = w.items.nTopics;
    const p = new Float64Array(w.items.nItems);
    nextItemProbs(w.items, w.users.topics.subarray(u * K, (u + 1) * K), d.item[hi - 1], p);
    const counts = new Float64Array(w.items.nItems);
    let n = 0;
    const rng = createRng(8);
    for (let i = 0; i < 6_000; i++) {
      const items = continueUser(w, u, ev, d.userOffsets[u], hi, T, 8 * WEEK, rng);
      if (items.length === 0) continue;
      counts[items[0]]++;
      n++;
    }
    expect(n).toBeGreaterThan(2_000);
    for (let y = 0; y < w.items.nItems; y++)
      expect(Math.abs(counts[y] / n - p[y])).toBeLessThan(5 * Math.sqrt((p[y] * (1 - p[y])) / n) + 1e-9);
  });
});

describe('simulateWorldParadox', () => {
  it('kinds by last week’s events, each ranking’s picks by a brute-force count, all buyers found at C = N', () => {
    const { world: w, dataset: d } = world();
    const T = w.config.t0 + w.config.span / 2;
    const ev = datasetEvents(d);
    const D = d.itemCounts.indexOf(Math.max(...d.itemCounts));
    const sim = simulateWorldParadox(w, ev, { at: T, item: D, topC: 40, mu: 0.5 }, createRng(3));

    // Independently: users joined by T, their events in [T − week, T), the true p(D|x).
    const users = Array.from({ length: 300 }, (_, u) => u).filter((u) => w.users.start[u] <= T);
    expect(sim.nUsers).toBe(users.length);
    const lastWeek = users.map((u) => {
      let k = 0;
      for (let e = d.userOffsets[u]; e < d.userOffsets[u + 1]; e++) if (d.time[e] >= T - WEEK && d.time[e] < T) k++;
      return k;
    });
    const kind = lastWeek.map((k) => (k >= 2 ? 0 : k === 1 ? 1 : 2));
    const sizes = [0, 1, 2].map((k) => kind.filter((x) => x === k).length);
    expect(sim.kindSizes).toEqual(sizes);
    expect(sizes[2]).toBeGreaterThan(sizes[0]);
    const K = w.items.nTopics;
    const probs = new Float64Array(w.items.nItems);
    const pD = users.map((u) => {
      const hi = histEnd(d, u, T);
      nextItemProbs(
        w.items,
        w.users.topics.subarray(u * K, (u + 1) * K),
        hi > d.userOffsets[u] ? d.item[hi - 1] : -1,
        probs,
      );
      return probs[D];
    });
    // Picks per kind from a full sort of the figure's scores (ties to the lower user).
    const picks = (score: number[]) => {
      const top = score
        .map((s, r) => [s, r] as const)
        .sort((a, b) => b[0] - a[0] || a[1] - b[1])
        .slice(0, 40);
      return [0, 1, 2].map((k) => top.filter(([, r]) => kind[r] === k).length);
    };
    const share = sizes.map((s) => s / users.length);
    expect(sim.bayes.pickedPerKind).toEqual(picks(pD.map((p, r) => p * share[kind[r]])));
    expect(sim.mtpp.pickedPerKind).toEqual(picks(pD.map((p, r) => (lastWeek[r] > 0 ? lastWeek[r] : 0.5) * p)));
    // Bayes favours the abundant quiet users, RIM the active ones.
    expect(sim.bayes.pickedPerKind[2]).toBeGreaterThan(sim.mtpp.pickedPerKind[2]);

    // C = N: both rankings hold every buyer; the same seed draws the same week.
    const all = simulateWorldParadox(w, ev, { at: T, item: D, topC: 10_000, mu: 0.5 }, createRng(3));
    expect(all.bayes.buyers).toBe(all.totalBuyers);
    expect(all.mtpp.buyers).toBe(all.totalBuyers);
    expect(all.buyersPerKind).toEqual(sim.buyersPerKind);
    expect(all.totalBuyers).toBeGreaterThan(0);
  });
});

describe('figure2World', () => {
  it('plays on a seeded world at mid-span with D its most frequent item; same seed, same week; bad sizes refused', () => {
    const a = figure2World({ nUsers: 400, seed: 5, mu: 0.5, topC: 50 });
    if (!a.ok) throw new Error(a.reason);
    const g = generateSynthetic({ nUsers: 400, nItems: 100, targetEvents: 8_000, seed: 5 });
    if (!g.ok) throw new Error(g.reason);
    expect(a.data.item).toBe(g.data.dataset.itemCounts.indexOf(Math.max(...g.data.dataset.itemCounts)));
    const T = g.data.world.config.t0 + g.data.world.config.span / 2;
    expect(a.data.nUsers).toBe(Array.from(g.data.world.users.start).filter((s) => s <= T).length);
    expect(a.data.bayes.pickedPerKind.reduce((x, y) => x + y, 0)).toBe(50);
    expect(figure2World({ nUsers: 400, seed: 5, mu: 0.5, topC: 50 })).toEqual(a);
    const bad = figure2World({ nUsers: 0, seed: 5, mu: 0.5, topC: 50 });
    expect(bad.ok === false && bad.reason).toMatch(/nUsers/);
  });
});
