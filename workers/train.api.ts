/**
 * The training worker's API: a plain object over core/models/sequence, importable in Node tests; train.worker.ts
 * only exposes it with Comlink. Data arrives as typed arrays (transfer them), progress leaves through a callback
 * (a Comlink.proxy in the worker), cancel() stops the fit within one batch, factors come back as typed arrays.
 */
import type { Dataset, EvalSet } from '../src/core/data/types';
import type { FitProgress, NextItemFactors } from '../src/core/models/types';
import {
  SequenceModel,
  type FitReport,
  type SeqConfig,
  type SerializedSeqModel,
} from '../src/core/models/sequence/index';
import { createRng } from '../src/core/util/rng';
import { err, ok, type Result } from '../src/core/util/result';
import { currentBackend, pickBackend, type BackendChoice, type BackendOptions } from '../src/platform/backend';

/** The event log as the model needs it: items of events sorted by user (then time) and per-user CSR offsets. */
export interface SeqData {
  item: Int32Array;
  userOffsets: Int32Array;
  nItems: number;
}

export interface TrainRequest {
  /** 'rnn' (GRU) or 'transformer', as the pipeline's model registry names them. */
  model: 'rnn' | 'transformer';
  config?: Partial<Omit<SeqConfig, 'kind'>>;
  seed: number;
  data: SeqData;
  /** Per user: end (exclusive) of its training events. */
  trainEnd: Int32Array;
}

/** Rows to compute h_x for: user and end (exclusive) of the history in the data arrays. */
export interface FactorRows {
  users: Int32Array;
  histEnd: Int32Array;
}

type TrainCode = 'busy' | 'bad-config' | 'bad-data' | 'no-data' | 'no-model' | 'bad-weights';

/** Only item and userOffsets are read by the sequence models; the other Dataset fields stay empty. */
function asDataset(d: SeqData): Dataset {
  return {
    userIds: [],
    itemIds: [],
    user: new Int32Array(0),
    item: d.item,
    time: new Float64Array(0),
    userOffsets: d.userOffsets,
    itemCounts: new Int32Array(0),
    nUsers: d.userOffsets.length - 1,
    nItems: d.nItems,
  };
}

function asRows(r: FactorRows, nItems: number): EvalSet {
  const n = r.users.length;
  return {
    users: r.users,
    histEnd: r.histEnd,
    testStart: new Float64Array(n),
    horizon: 0,
    excludeTrain: false,
    target: {
      nRows: n,
      nCols: nItems,
      indptr: new Int32Array(n + 1),
      indices: new Int32Array(0),
      data: new Float32Array(0),
    },
  };
}

let model: SequenceModel | null = null;
let data: SeqData | null = null;
let stop: { aborted: boolean } | null = null;
let backend: BackendChoice | null = null;

export const trainApi = {
  /** Picks the backend (ladder with self-tests) once; later calls return the first choice. */
  async init(opts: BackendOptions = {}): Promise<BackendChoice> {
    backend ??= await pickBackend(opts);
    return backend;
  },

  /** The backend in use and why others were skipped (null before init). */
  backend(): { current: string; choice: BackendChoice | null } {
    return { current: currentBackend(), choice: backend };
  },

  /** Trains a new model (replacing the held one); resolves when done, aborted or stopped on a plateau. */
  async train(req: TrainRequest, onProgress?: (p: FitProgress) => void): Promise<Result<FitReport, TrainCode>> {
    if (stop) return err('busy', 'a training run is in progress; cancel it first');
    const kind = req.model === 'rnn' ? 'gru' : req.model === 'transformer' ? 'transformer' : null;
    if (!kind) return err('bad-config', `model: expected 'rnn' or 'transformer', got ${String(req.model)}`);
    if (req.trainEnd.length !== req.data.userOffsets.length - 1) {
      return err(
        'bad-data',
        `trainEnd has ${req.trainEnd.length} entries for ${req.data.userOffsets.length - 1} users`,
      );
    }
    const m = SequenceModel.create({ ...req.config, kind }, req.data.nItems, req.seed);
    if (!m.ok) return m;
    model?.dispose();
    model = m.data;
    data = req.data;
    stop = { aborted: false };
    try {
      return await m.data.fit(
        { dataset: asDataset(req.data), trainEnd: req.trainEnd },
        { rng: createRng(req.seed), signal: stop, onProgress },
      );
    } finally {
      stop = null;
    }
  },

  /** Stops the running fit within one batch (its promise resolves with stopped: 'aborted'). */
  cancel(): void {
    if (stop) stop.aborted = true;
  },

  /** h_x, item embeddings and biases for the rows (transfer the result's buffers back to the page). */
  async factors(rows: FactorRows): Promise<Result<NextItemFactors, TrainCode>> {
    if (!model || !data) return err('no-model', 'no trained or loaded model');
    return ok(await model.factors(asRows(rows, data.nItems)));
  },

  /** Weights and config of the held model, for IndexedDB (with a fingerprint of data and split, by the caller). */
  async serialize(): Promise<Result<SerializedSeqModel, TrainCode>> {
    return model ? ok(await model.serialize()) : err('no-model', 'no trained or loaded model');
  },

  /** Replaces the held model by a stored one, bound to the given data. */
  load(s: SerializedSeqModel, d: SeqData): Result<{ name: string }, TrainCode> {
    const m = SequenceModel.deserialize(s);
    if (!m.ok) return m;
    model?.dispose();
    model = m.data;
    data = d;
    model.bindDataset(asDataset(d));
    return ok({ name: model.name });
  },

  /** Frees the held model's tensors. */
  dispose(): void {
    model?.dispose();
    model = null;
    data = null;
  },
};

export type TrainApi = typeof trainApi;
