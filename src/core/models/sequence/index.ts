export { SequenceModel, type FitReport, type SerializedSeqModel, type HistorySource } from './model';
export { resolveSeqConfig, DEFAULT_SEQ_CONFIG, type SeqConfig } from './config';
