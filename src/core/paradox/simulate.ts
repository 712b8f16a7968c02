/**
 * Figure 2 in closed form: the buyers each ranking's top C would find if every user produced next week's D events as
 * Poisson(λ(x) · p(D | x)) (the MTPP intensity of eq. 3 over a one-week window). That is RIM's own model, so it is the
 * chart of what the figure claims; world.ts checks the claim against buyers drawn from a synthetic world's process.
 */
import { paradoxScores, type ParadoxGroup } from './model';

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
