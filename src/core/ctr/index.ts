/**
 * The click-and-conversion track's data and metrics (papers 002 and 003): the impression reader, the synthetic
 * impression world with its truth, time splits, MovieLens as impressions, and the metrics. Models: ./models.
 */
export type { CtrBatch, CtrSplit, ImpressionLog, ImpressionTruth } from './types';
export {
  ImpressionReader,
  readImpressionBytes,
  readImpressionChunks,
  type ImpressionReadOptions,
  type ImpressionReadResult,
  type ImpressionReport,
  type LabelProblem,
} from './read';
export {
  planLog,
  classifyEvent,
  type EventClass,
  type ImpressionColumns,
  type LogKind,
  type LogPlan,
} from './readColumns';
export {
  buildImpressionLog,
  repeatFlags,
  summariseImpressions,
  type ImpressionColumnsIn,
  type ImpressionSummary,
} from './log';
export {
  resolveSampling,
  samplingNote,
  withSampledNegatives,
  type ClicksIn,
  type NegativeSampling,
  type ResolvedNegativeSampling,
  type SamplingStats,
} from './negatives';
export { impressionsFromRatings, type FromRatingsOptions } from './fromRatings';
export { splitByTime, DEFAULT_VALID_FRACTION, type CtrSplitCode, type CtrSplitConfig } from './split';
export {
  generateCtrWorld,
  makeCtrWorld,
  buildCtrLog,
  clickProbability,
  conversionProbability,
  exploreLogit,
  type CtrWorld,
} from './world';
export {
  CTR_WORLD_PRESETS,
  ctrPresetConfig,
  resolveCtrWorldConfig,
  type CtrWorldConfig,
  type CtrWorldPreset,
  type ResolvedCtrWorldConfig,
} from './worldConfig';
export { impressionCsv, impressionCsvHeader, impressionCsvRows, IMPRESSION_CSV_HEADER } from './csv';
export {
  adjustedRandIndex,
  ascendingOrder,
  auc,
  calibration,
  gauc,
  logloss,
  LOGLOSS_EPS,
  multiTaskAuc,
  relImpr,
  rocCurve,
  type CalibrationBin,
  type Gauc,
  type Metric,
  type MetricCode,
  type MultiTaskAuc,
  type RocCurve,
} from './metrics';
