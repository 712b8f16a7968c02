/**
 * The click-and-conversion track's shared shapes (papers 002 and 003): an impression log in typed arrays, its time
 * split, and the feature batches the models train on. Arrays are typed so they move across a worker boundary by
 * transfer. Owners: ctr/ingest + ctr/synthetic + ctr/split build ImpressionLog and CtrSplit; ctr/features builds
 * CtrBatch; ctr/models train on it; ctr/metrics score predictions.
 */

/**
 * One impression per row (a user shown an item at a time), sorted by user, then time (stable), like Dataset.
 * Labels: click ∈ {0, 1}; conversion ∈ {0, 1} and only where click = 1 (a conversion without a click is refused by
 * the reader with its line number).
 */
export interface ImpressionLog {
  /** Original user id strings, indexed by user index. */
  userIds: string[];
  /** Original item id strings, indexed by item index. */
  itemIds: string[];
  user: Int32Array;
  item: Int32Array;
  /** Unix seconds; non-decreasing within a user. */
  time: Float64Array;
  click: Uint8Array;
  conversion: Uint8Array;
  /**
   * Observed scenario or context per impression (a `pid`, `scenario` or `context` column) as an index into
   * contextIds, −1 where a row's field is empty; absent when the log has none. MuseNet learns scenarios without it;
   * LR, DeepFM and MMoE use it as a field.
   */
  context?: Int32Array;
  contextIds?: string[];
  /**
   * Item side feature (e.g. `category`) per item index, an index into categoryIds, −1 for an item whose rows give none;
   * absent when the log has none.
   */
  itemCategory?: Int32Array;
  categoryIds?: string[];
  /** CSR offsets: impressions of user u are [userOffsets[u], userOffsets[u+1]). Length nUsers + 1. */
  userOffsets: Int32Array;
  nUsers: number;
  nItems: number;
  /**
   * Where the non-clicked impressions come from: 'logged' (the file has them) or 'sampled' (an event log of clicks
   * and purchases; negatives drawn from the items on show, see `negativesPerClick`).
   */
  negatives: 'logged' | 'sampled';
  /** Sampled negatives per click when negatives = 'sampled'. */
  negativesPerClick?: number;
  /** Ground truth of a synthetic world (absent for files): what an oracle model knows. */
  truth?: ImpressionTruth;
}

/** What the synthetic impression world knows per impression. */
export interface ImpressionTruth {
  /** True p(click | impression). */
  pClick: Float32Array;
  /** True p(conversion | click, impression). */
  pConvGivenClick: Float32Array;
  /** The hidden scenario the user was in at that impression, 0 … nScenarios − 1. */
  scenario: Int32Array;
  nScenarios: number;
}

/**
 * A time split of an impression log (MuseNet's ADS protocol: seven equal time parts, six train, the last tests; the
 * OTP protocol: 21 days train, 7 test). Rows are impression indices into the log, each list ascending.
 */
export interface CtrSplit {
  /** Impressions to train on (the training time minus its validation tail). */
  train: Int32Array;
  /** The last part of the training time, for early stopping. */
  valid: Int32Array;
  test: Int32Array;
  /** Unix seconds: train < validStart ≤ valid < testStart ≤ test. */
  validStart: number;
  testStart: number;
  protocol: 'ads' | 'otp' | 'custom';
  /** Impressions outside the protocol's window (OTP on a log longer than its 28 days: the earliest days), if any. */
  dropped?: number;
}

/**
 * A batch of impressions as model inputs. Item indices in `history` are shifted by one so that 0 is padding.
 * History = the items the user clicked strictly before this impression's time, the last `maxLen`, oldest first,
 * right-aligned (padding on the left).
 */
export interface CtrBatch {
  size: number;
  /** Impression indices into the log (for GAUC's grouping and for reading the truth). */
  rows: Int32Array;
  user: Int32Array;
  item: Int32Array;
  /** Item category per row, −1 when the log has none. */
  category: Int32Array;
  /** Observed context per row, −1 when the log has none. */
  context: Int32Array;
  /** [size × maxLen] previously clicked items + 1, 0 = padding. */
  history: Int32Array;
  /** Number of real (non-padding) history entries per row. */
  historyLen: Int32Array;
  maxLen: number;
  /** 1 when the target item is among the user's history items (MuseNet's indicator I[t ∈ B_u], eq. 9). */
  repeat: Uint8Array;
  /** MuseNet's auxiliary label r_i (eq. 10): the fraction of the user's history that re-consumes an earlier item. */
  repeatShare: Float32Array;
  /**
   * [size × nContexts]: the shares of the observed contexts over the user's impressions at its `recentRequests`
   * previous distinct times (requests) before the row's own; all 0 without such impressions. Only in batches of a
   * network that reads it (MuseNet's scenario learner) and of a log with contexts.
   */
  recentContext?: Float32Array;
  click: Float32Array;
  conversion: Float32Array;
}
