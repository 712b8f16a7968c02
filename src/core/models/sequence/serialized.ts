import type { StoredSeqConfig } from './config';
import type { MixtureParams } from './mixture';

/**
 * Weights and config of a SequenceModel as plain data: the worker stores this in IndexedDB beside a data/split
 * fingerprint, and a data-parallel run (parallel.ts) builds its replicas from it.
 */
export interface SerializedSeqModel {
  format: 'rimw-seq-1';
  config: StoredSeqConfig;
  nItems: number;
  weights: { name: string; shape: number[]; data: Float32Array }[];
  /** The fitted mixture (absent: p(y|x) is the softmax alone). */
  mixture?: MixtureParams;
}
