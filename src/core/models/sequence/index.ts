export { SequenceModel, type SerializedSeqModel } from './model';
export type { HistorySource } from './data';
export type { FitReport, SeqFitOptions } from './training';
export type { ReplicaPool } from './parallel';
export { resolveSeqConfig, DEFAULT_SEQ_CONFIG, type SeqConfig } from './config';
