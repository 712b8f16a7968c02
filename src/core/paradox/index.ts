/** The Bayesian paradox of Figure 2: both rankings and a seeded simulation. */
export {
  FIGURE2_GROUPS,
  checkGroups,
  paradoxScores,
  orderBy,
  muCrossover,
  type ParadoxGroup,
  type GroupScores,
  type ParadoxScores,
} from './model';
export {
  simulateParadox,
  expectedTopC,
  poisson,
  type SimulationOptions,
  type SimulationResult,
  type RankingOutcome,
} from './simulate';
