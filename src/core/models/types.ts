import type { Dataset, EvalSet } from '../data/types';
import type { Rng } from '../util/rng';
import type { ScoreSource } from './scores';
import type { StopSignal } from '../util/abort';

/** What every fit sees: the dataset, per-user training ends (events [userOffsets[u], trainEnd[u]) are training data). */
export interface TrainData {
  dataset: Dataset;
  trainEnd: Int32Array;
}

/** Progress of a long fit, reported in batches (never the whole history each time). */
export interface FitProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch, and their total. */
  batch: number;
  batches: number;
  /** Mean training loss over the batches reported since the last call. */
  loss: number;
  /** Validation loss at the end of an epoch, when this report closes one. */
  validLoss?: number;
  examplesPerSecond: number;
}

export interface FitOptions {
  rng: Rng;
  onProgress?: (p: FitProgress) => void;
  /** Checked between batches; a fit stops within one batch once it is aborted. */
  signal?: StopSignal;
}

/**
 * A user intensity model λ(x): expected events of a user state x in the prediction window (Pop, EMA, Hawkes, HP).
 * `predict` returns one non-negative value per EvalSet row, in events per horizon.
 */
export interface IntensityModel {
  readonly name: string;
  predict(rows: EvalSet): Float64Array;
}

/**
 * A next-item model p(y|x) = softmax(h_x · E_y + b_y) (eq. 1), kept factored: hidden states per row, item embeddings
 * and biases. Produced by RNN / Transformer; composed with an IntensityModel by models/compose.
 */
export interface NextItemFactors {
  /** rows × dim, row-major: the user-state representation h_x at each row's test start. */
  hidden: Float32Array;
  /** nItems × dim, row-major. */
  itemEmb: Float32Array;
  /** nItems. */
  itemBias: Float32Array;
  dim: number;
  /** When the model mixes its softmax with the user's history and item popularity (sequence/mixture.ts). */
  mix?: NextItemMixture;
}

/**
 * Per row the repeat/explore mixture of sequence/mixture.ts: with e = seq·softmax + (1 − seq)·popProbs, E_H its mass
 * on the row's history items H and D = 1 − (1 − keep)·E_H, p(y|x) = repeat·p_hist(y) + (1 − repeat)·keep·e_y/D for
 * y in H and (1 − repeat)·e_y/D for y not in H.
 */
export interface NextItemMixture {
  repeat: Float32Array;
  seq: Float32Array;
  /** How much of its weight the explore part keeps on history items, in [0, 1] (shared by every row). */
  keep: number;
  /** p_pop over items (shared by every row). */
  popProbs: Float32Array;
  /** Per row P, the popProbs mass of its history items. */
  popInHist: Float32Array;
  /** Row r's history items are histItems[histPtr[r] … histPtr[r + 1]), with p_hist histProbs. */
  histPtr: Int32Array;
  histItems: Int32Array;
  histProbs: Float32Array;
}

export interface NextItemModel {
  readonly name: string;
  /** Factors for the rows of an EvalSet (histories are the rows' slices of the dataset). */
  factors(rows: EvalSet): Promise<NextItemFactors>;
  /** Frees tensors held by the model. */
  dispose(): void;
}

/** Any recommender's scores for an EvalSet: RIM compositions, item-popularity versions, baselines. */
export interface Scorer {
  readonly name: string;
  scores(rows: EvalSet): Promise<ScoreSource>;
}
