/**
 * The planner's public API: greedy, offline and online Dual, metrics, sweeps. Consumers import from here.
 */
export type * from './types';
export { descendingOrder, solveGreedy, type GreedyOptions } from './greedy';
export { solveDual, createDualWorkspace, type DualOptions, type DualIteration, type DualWorkspace } from './dual';
export { solveOnline, type OnlineOptions, type OnlineDecision } from './online';
export { evaluateMatch, assignmentCounts } from './metrics';
export { sweepBeta, sweepAlpha, solveMode, type SweepOptions } from './sweep';
export { settingsProblem, hardK } from './common';
export { matchSweeps, maskedScores, ALPHA_SWEEP_BETA_MAX, type MatchRequest } from './experiment';
