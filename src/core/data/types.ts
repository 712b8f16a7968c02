/**
 * The shapes every layer shares. Arrays are typed so they can move across a worker boundary by transfer.
 * Module owners: data/ingest (parsing), data/dataset (building), data/split (splits), data/synthetic (generator).
 */

/**
 * An interaction log in memory, dictionary-encoded and sorted by user, then time (stable).
 * Resident cost per event: user 4 + item 4 + time 8 (+ value 4) bytes, well under the ~40 B budget.
 */
export interface Dataset {
  /** Original user id strings, indexed by UserIdx (kept for display and export). */
  userIds: string[];
  /** Original item id strings, indexed by ItemIdx. */
  itemIds: string[];
  /** User index of each event, non-decreasing. */
  user: Int32Array;
  /** Item index of each event. */
  item: Int32Array;
  /** Event time in unix seconds; non-decreasing within a user. */
  time: Float64Array;
  /** Optional per-event value (a rating or EVENT_VALUE); NaN where absent. */
  value?: Float32Array;
  /** CSR offsets: events of user u are [userOffsets[u], userOffsets[u+1]). Length nUsers + 1. */
  userOffsets: Int32Array;
  /** Events per item. Length nItems. */
  itemCounts: Int32Array;
  nUsers: number;
  nItems: number;
}

/** Optional item metadata joined on item id for display (e.g. movies.csv). */
export interface ItemMeta {
  /** Title per ItemIdx of the dataset it was joined to; '' where unknown. */
  titles: string[];
  /** Genres or tags per ItemIdx; '' where unknown. */
  tags: string[];
}

/** A sparse matrix in compressed-row form (rows × cols), float values. */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/**
 * One set of user states to score and evaluate: rime's `Dataset` (user_df + target_csr), with histories as
 * zero-copy slices of the Dataset arrays. Row r is user `users[r]` observed up to `testStart[r]`.
 */
export interface EvalSet {
  /** UserIdx of each row. */
  users: Int32Array;
  /** Per row: start of the prediction window, unix seconds. */
  testStart: Float64Array;
  /** Per row: end (exclusive) of the observed history in the Dataset arrays; history = [userOffsets[u], histEnd[r]). */
  histEnd: Int32Array;
  /** Width of the prediction window, seconds. Targets are events in [testStart, testStart + horizon). */
  horizon: number;
  /** Rows × nItems counts of target events (a repeat counts twice, as in rime's target_csr). */
  target: Csr;
  /** Per row: items already in the user's history, masked from predictions and targets when excludeTrain. */
  excludeTrain: boolean;
}

/** Configuration of a split; one serialisable object shared by the UI, the URL and the CLI. */
export type SplitConfig =
  | {
      kind: 'temporal';
      /** T, unix seconds. Default: the time that leaves the last `horizon` of the log for testing. */
      testStart?: number;
      /** ΔT, seconds. */
      horizon?: number;
      excludeTrain?: boolean;
    }
  | {
      kind: 'user';
      /** Fraction of users held out as group B. */
      testFraction?: number;
      /** Test start relative to each user's first event, seconds. Default: median user span. */
      relativeTestStart?: number;
      horizon?: number;
      excludeTrain?: boolean;
      seed?: number;
    };

/** The result of a split (paper appendix D, Table S1). */
export interface Split {
  config: SplitConfig;
  /** Per user: end (exclusive) of the events usable for training, in the Dataset arrays. */
  trainEnd: Int32Array;
  /** Test user states: temporal → every user seen before T; user → group B. Items restricted to those seen in training. */
  test: EvalSet;
  /** Validation user states: temporal → window [T − h, T); user → group A at the same relative start. */
  valid: EvalSet;
  /** Per user: end (exclusive) of the history seen when fitting on the validation window (calibration of HP, online Dual). */
  validTrainEnd: Int32Array;
  stats: SplitStats;
  /** Problems that do not stop the split (e.g. an empty validation window), for the UI to show. */
  warnings?: string[];
}

/** Table S1 of the paper. */
export interface SplitStats {
  trainUsers: number;
  trainItems: number;
  trainEvents: number;
  testUsers: number;
  testItems: number;
  testEvents: number;
  avgHistLength: number;
  avgTargetLength: number;
  horizon: number;
  /** Distinct items with at least one test target (testItems counts the candidates: items seen in training, as rime). */
  targetItems?: number;
  /** Events in the test windows left out of the targets: items unseen in training, or (excludeTrain) already in history. */
  droppedTargets?: number;
  /** Validation rows and their target events. */
  validUsers?: number;
  validEvents?: number;
}
