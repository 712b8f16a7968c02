/** The Bayesian paradox of Figure 2: both rankings, the closed form, a synthetic world's week, and the same on data. */
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
export { expectedTopC } from './simulate';
export {
  WORLD_KINDS,
  continueUser,
  figure2World,
  simulateWorldParadox,
  type Figure2WorldOptions,
  type WorldParadoxOptions,
  type WorldRanking,
  type WorldSimulation,
} from './world';
export {
  paradoxRows,
  gammaScore,
  gammaSweep,
  gammaGrid,
  PARADOX_GAMMA_STEPS,
  topRows,
  type ParadoxRows,
  type ParadoxSweep,
  type GammaPoint,
} from './data';
