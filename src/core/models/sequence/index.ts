export {
  SequenceModel,
  type FitReport,
  type SerializedSeqModel,
  type HistorySource,
  type SeqFitOptions,
} from './model';
export type { ReplicaPool } from './parallel';
export { resolveSeqConfig, DEFAULT_SEQ_CONFIG, type SeqConfig } from './config';
