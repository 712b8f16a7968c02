import { describe, expect, it } from 'vitest';
import { FIGURE2_GROUPS, checkGroups, expectedTopC, muCrossover, paradoxScores, type ParadoxGroup } from './index';

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
