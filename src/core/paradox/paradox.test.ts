import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import {
  FIGURE2_GROUPS,
  checkGroups,
  expectedTopC,
  muCrossover,
  paradoxScores,
  poisson,
  simulateParadox,
  type ParadoxGroup,
} from './index';

describe('paradoxScores against Figure 2 (hand-computed)', () => {
  it('Bayes: p(x|D) ∝ 0.2·0.4 = 0.08, 0.2·0.8 = 0.16, 0.6·0.3 = 0.18 → ∅ first', () => {
    const s = paradoxScores(FIGURE2_GROUPS, 1);
    expect(s.groups.map((g) => g.bayes)).toEqual([
      expect.closeTo(0.08, 12),
      expect.closeTo(0.16, 12),
      expect.closeTo(0.18, 12),
    ]);
    // Normalised by 0.42.
    expect(s.groups[2].posterior).toBeCloseTo(0.18 / 0.42, 12);
    expect(s.groups[0].posterior).toBeCloseTo(0.08 / 0.42, 12);
    expect(s.bayesOrder).toEqual([2, 1, 0]);
  });

  it('MTPP: λ·p = 2·0.4 = 0.8, 1·0.8 = 0.8, μ·0.3; ∅ last for small μ, first above μ = 8/3', () => {
    const low = paradoxScores(FIGURE2_GROUPS, 0.5);
    expect(low.groups.map((g) => g.mtpp)).toEqual([
      expect.closeTo(0.8, 12),
      expect.closeTo(0.8, 12),
      expect.closeTo(0.15, 12),
    ]);
    expect(low.mtppOrder).toEqual([0, 1, 2]);
    const high = paradoxScores(FIGURE2_GROUPS, 3);
    expect(high.groups[2].mtpp).toBeCloseTo(0.9, 12);
    expect(high.mtppOrder).toEqual([2, 0, 1]);
    // The Bayes ranking ignores μ entirely.
    expect(high.bayesOrder).toEqual(low.bayesOrder);
    expect(muCrossover(FIGURE2_GROUPS)).toBeCloseTo(8 / 3, 12);
  });

  it('rejects bad inputs with the field named', () => {
    expect(checkGroups(FIGURE2_GROUPS, 1).ok).toBe(true);
    const r = checkGroups(FIGURE2_GROUPS, 0);
    expect(r.ok === false && r.reason).toMatch(/μ = 0/);
    const bad: ParadoxGroup[] = FIGURE2_GROUPS.map((g) => ({ ...g, share: 0.5 }));
    const s = checkGroups(bad, 1);
    expect(s.ok === false && s.reason).toMatch(/sum to 1\.5/);
    const p = checkGroups([{ name: 'x', share: 1, pD: 1.2, lambda: 1 }], 1);
    expect(p.ok === false && p.reason).toMatch(/p\(y = D \| x = x\) = 1\.2/);
  });
});

describe('poisson', () => {
  it('matches the mean and P(0) = e^(−rate) of a Poisson, including the split path above 30', () => {
    const rng = createRng(7);
    for (const rate of [0.15, 0.8, 45]) {
      const n = 20_000;
      let sum = 0;
      let zeros = 0;
      for (let i = 0; i < n; i++) {
        const k = poisson(rate, rng);
        sum += k;
        if (k === 0) zeros += 1;
      }
      const sd = Math.sqrt(rate / n);
      expect(Math.abs(sum / n - rate)).toBeLessThan(5 * sd);
      const p0 = Math.exp(-rate);
      expect(Math.abs(zeros / n - p0)).toBeLessThan(5 * Math.sqrt((p0 * (1 - p0)) / n) + 1e-9);
    }
    expect(poisson(0, rng)).toBe(0);
  });
});

describe('simulateParadox', () => {
  it('MTPP finds about 4× the buyers of Bayes at μ = 0.5 (expected 150·(1−e^−0.8) vs 150·(1−e^−0.15))', () => {
    const r = simulateParadox(FIGURE2_GROUPS, 0.5, { nUsers: 2_000, topC: 150 }, createRng(3));
    // Group sizes follow p(x) = 0.2, 0.2, 0.6 within 5 binomial sd.
    FIGURE2_GROUPS.forEach((g, i) =>
      expect(Math.abs(r.groupSizes[i] - 2_000 * g.share)).toBeLessThan(5 * Math.sqrt(2_000 * g.share * (1 - g.share))),
    );
    expect(r.bayes.pickedPerGroup).toEqual([0, 0, 150]);
    expect(r.mtpp.pickedPerGroup).toEqual([150, 0, 0]);
    expect(r.bayes.expectedBuyers).toBeCloseTo(150 * (1 - Math.exp(-0.15)), 9);
    expect(r.mtpp.expectedBuyers).toBeCloseTo(150 * (1 - Math.exp(-0.8)), 9);
    // Drawn buyers within 5 binomial sd of the expectation.
    const q = (p: number) => 5 * Math.sqrt(150 * p * (1 - p));
    expect(Math.abs(r.bayes.buyers - r.bayes.expectedBuyers)).toBeLessThan(q(1 - Math.exp(-0.15)));
    expect(Math.abs(r.mtpp.buyers - r.mtpp.expectedBuyers)).toBeLessThan(q(1 - Math.exp(-0.8)));
    expect(r.mtpp.buyers).toBeGreaterThan(2 * r.bayes.buyers);
  });

  it('with C = N both rankings find every buyer; a group with p(D|x) = 0 never buys; same seed → same draw', () => {
    const groups: ParadoxGroup[] = [
      { name: 'never', share: 0.5, pD: 0, lambda: 5 },
      { name: 'often', share: 0.5, pD: 1, lambda: 3 },
    ];
    const r = simulateParadox(groups, 1, { nUsers: 500, topC: 500 }, createRng(11));
    expect(r.buyersPerGroup[0]).toBe(0);
    expect(r.bayes.buyers).toBe(r.totalBuyers);
    expect(r.mtpp.buyers).toBe(r.totalBuyers);
    expect(simulateParadox(groups, 1, { nUsers: 500, topC: 500 }, createRng(11))).toEqual(r);
  });

  it('picks C users in a crossing group, spilling to the next group when one runs out', () => {
    const r = simulateParadox(FIGURE2_GROUPS, 0.5, { nUsers: 100, topC: 90 }, createRng(5));
    const [ab, c, none] = r.groupSizes;
    // Bayes order ∅, [C], [A, B].
    expect(r.bayes.pickedPerGroup).toEqual([
      Math.max(0, 90 - none - c),
      Math.min(c, Math.max(0, 90 - none)),
      Math.min(none, 90),
    ]);
    // MTPP order [A, B], [C], ∅ (the tie between the first two keeps input order).
    expect(r.mtpp.pickedPerGroup).toEqual([
      Math.min(ab, 90),
      Math.min(c, Math.max(0, 90 - ab)),
      Math.max(0, 90 - ab - c),
    ]);
  });
});

describe('expectedTopC', () => {
  it('Figure 2 shares of 10,000 users, top 1,000: Bayes 1000(1−e^−0.3μ), RIM 1000(1−e^−0.8) below μ = 8/3', () => {
    const sizes = [2_000, 2_000, 6_000];
    const a = expectedTopC(FIGURE2_GROUPS, 0.5, sizes, 1_000);
    expect(a.bayes).toBeCloseTo(1_000 * (1 - Math.exp(-0.15)), 9);
    expect(a.mtpp).toBeCloseTo(1_000 * (1 - Math.exp(-0.8)), 9);
    // Above the crossover both rankings pick inactive users and find the same expected buyers.
    const b = expectedTopC(FIGURE2_GROUPS, 3, sizes, 1_000);
    expect(b.mtpp).toBeCloseTo(1_000 * (1 - Math.exp(-0.9)), 9);
    expect(b.bayes).toBeCloseTo(b.mtpp, 9);
    // C larger than the first group spills over: RIM takes all 2,000 [A, B], then 1,000 [C].
    const c = expectedTopC(FIGURE2_GROUPS, 0.5, sizes, 3_000);
    expect(c.mtppPicked).toEqual([2_000, 1_000, 0]);
    expect(c.mtpp).toBeCloseTo(3_000 * (1 - Math.exp(-0.8)), 9);
  });
});
