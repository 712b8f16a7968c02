/**
 * The Bayesian paradox of the paper's Figure 2 (section 2, "Timeless Bayes rule versus temporal intensity").
 *
 * Three kinds of user state x, the history truncated to last week: [A, B], [C] and ∅ (no history). An ItemRec model
 * gives p(y = D | x) for the marketed item D. Two ways to rank users for D:
 *  - Bayes rule (timeless): p(x | y = D) ∝ p(y = D | x) · p(x). The share p(x) of a group stands in for a user's prior,
 *    so the abundant inactive users (∅) rise to the top.
 *  - MTPP (RIM, eq. 3): λ(x, y = D) = λ(x) · p(y = D | x), the expected number of D events per unit time. λ(x) is the
 *    user's overall intensity; the figure uses RNN-Pop, the number of events last week (2 for [A, B], 1 for [C]), and
 *    gives inactive users a background intensity μ > 0.
 * Pure math: no DOM, no randomness here (simulate.ts takes an Rng).
 */
import { err, ok, type Result } from '../util/result';

/** One kind of user state x. */
export interface ParadoxGroup {
  /** Label shown in the UI, e.g. "[A, B]". */
  name: string;
  /** p(x): share of the population in this group, in [0, 1]; the shares sum to 1. */
  share: number;
  /** p(y = D | x): next-item probability of the marketed item D, in [0, 1]. */
  pD: number;
  /**
   * λ(x): events per week for a user in this state. `null` means "inactive": the background intensity μ is used
   * (Figure 2: λ(x = ∅) = μ).
   */
  lambda: number | null;
}

/** The numbers of Figure 2 (μ is a separate slider). */
export const FIGURE2_GROUPS: readonly ParadoxGroup[] = [
  { name: '[A, B]', share: 0.2, pD: 0.4, lambda: 2 },
  { name: '[C]', share: 0.2, pD: 0.8, lambda: 1 },
  { name: '∅', share: 0.6, pD: 0.3, lambda: null },
];

/** Scores of one group under both rankings. */
export interface GroupScores {
  /** Index into the input groups. */
  group: number;
  /** Unnormalised Bayes score p(y = D | x) · p(x). */
  bayes: number;
  /** Normalised posterior p(x | y = D). */
  posterior: number;
  /** λ(x) actually used (μ for inactive groups), events per week. */
  lambda: number;
  /** MTPP score λ(x) · p(y = D | x): expected D events per user per week (eq. 3). */
  mtpp: number;
}

export interface ParadoxScores {
  groups: GroupScores[];
  /** Group indices, best first, by p(x | y = D); ties keep input order. */
  bayesOrder: number[];
  /** Group indices, best first, by λ(x) · p(y = D | x); ties keep input order. */
  mtppOrder: number[];
}

/** Checks the inputs; the message names the bad field and value (STYLE habit 9). */
export function checkGroups(groups: readonly ParadoxGroup[], mu: number): Result<true, 'bad-input'> {
  if (groups.length === 0) return err('bad-input', 'paradox: at least one group is needed');
  if (!(Number.isFinite(mu) && mu > 0))
    return err('bad-input', `paradox: μ = ${mu}: must be a positive number (Figure 2: μ > 0)`);
  let total = 0;
  for (const g of groups) {
    if (!(g.share >= 0 && g.share <= 1))
      return err('bad-input', `paradox: p(x = ${g.name}) = ${g.share}: must lie in [0, 1]`);
    if (!(g.pD >= 0 && g.pD <= 1))
      return err('bad-input', `paradox: p(y = D | x = ${g.name}) = ${g.pD}: must lie in [0, 1]`);
    if (g.lambda !== null && !(Number.isFinite(g.lambda) && g.lambda >= 0)) {
      return err('bad-input', `paradox: λ(x = ${g.name}) = ${g.lambda}: must be a non-negative number`);
    }
    total += g.share;
  }
  if (Math.abs(total - 1) > 1e-6) return err('bad-input', `paradox: group shares sum to ${total.toFixed(4)}, not 1`);
  return ok(true);
}

/** Both rankings of Figure 2 for the given groups and background intensity μ (events per week). */
export function paradoxScores(groups: readonly ParadoxGroup[], mu: number): ParadoxScores {
  const raw = groups.map((g, i) => {
    const lambda = g.lambda ?? mu;
    return { group: i, bayes: g.pD * g.share, posterior: 0, lambda, mtpp: lambda * g.pD };
  });
  const z = raw.reduce((s, r) => s + r.bayes, 0);
  for (const r of raw) r.posterior = z > 0 ? r.bayes / z : 0;
  return { groups: raw, bayesOrder: orderBy(raw.map((r) => r.bayes)), mtppOrder: orderBy(raw.map((r) => r.mtpp)) };
}

/** Indices sorted by descending value, stable on ties. */
export function orderBy(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
}

/**
 * The μ at which the inactive group's MTPP score μ · p(D | ∅) reaches the best active group's λ · p(D | x):
 * above it, MTPP also ranks ∅ first. Figure 2: 0.8 / 0.3 = 8/3. `null` when no group is inactive.
 */
export function muCrossover(groups: readonly ParadoxGroup[]): number | null {
  let inactivePD = -1;
  let bestActive = 0;
  for (const g of groups) {
    if (g.lambda === null) inactivePD = Math.max(inactivePD, g.pD);
    else bestActive = Math.max(bestActive, g.lambda * g.pD);
  }
  if (inactivePD <= 0) return null;
  return bestActive / inactivePD;
}
