/** The paper's matrix-factorisation baselines (appendix B) as timeless scorers over (EvalSet rows × all items). */
export { fitBPR, type BprOptions, type BprMeta } from './bpr';
export { fitALS, type AlsOptions, type AlsMeta } from './als';
export { fitLogisticMF, type LogMfOptions, type LogMfMeta } from './logmf';
export { mfScorer, type MfFactors } from './scorer';
export { buildInteractions, type Interactions } from './interactions';
