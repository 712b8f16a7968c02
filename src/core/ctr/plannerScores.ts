/**
 * A trained click-and-conversion model as a model of the planner (paper 002's marketing use meets RIM's Dual there):
 * the score of user x and item y is the probability that showing y to x converts, pCTR · pCVR (002's decomposition
 * p(click, conversion) = p(click) · p(conversion | click)), for every item of the log, at the start of the test time.
 * Rows are the users with a test impression (their test conversions are the planner's targets), as the RIM track's
 * rows are the users with a test event. No validation rows: the online mode, which would calibrate v on them, is not
 * worth doubling the scoring; the planner says so in that mode. Models that can split their user side from their
 * item side score a grid at a cost per user (CtrModel.scoreGrid); the others a probe log, a forward pass per cell.
 *
 * What a model sees of such a probe impression: the user's clicks before that time (the same history rule as a
 * logged impression), the item's category, and the context of the user's last logged impression before it (the page
 * the user was last seen on; none when the user has no earlier impression). That last choice is ours: no paper scores
 * impressions that were never shown.
 */
import type { Csr } from '../data/types';
import type { StopSignal } from '../util/abort';
import { err, ok, type Result } from '../util/result';
import type { CtrModel, CtrPrediction } from './models/model';
import { probeLog } from './probe';
import type { CtrSplit, ImpressionLog } from './types';

export { probeLog, userProbeBatch } from './probe';

// Core is built without DOM or Node types; setTimeout exists in every host we run in (worker, browser, Node).
declare const setTimeout: (f: () => void, ms: number) => unknown;

/**
 * Score cells (rows × items) beyond which a model is left out of the planner (the matrix it hands over, and a forward
 * pass per cell for a model without grid scoring).
 */
export const PLANNER_CELLS_MAX = 2 ** 20;
/**
 * Cells per chunk of users (bounds the memory of a probe log or of a grid's per-cell layers, and how long a cancel
 * waits).
 */
const CHUNK_CELLS = 2 ** 14;

/** Users with at least one impression among `rows`, ascending. */
export function usersOf(log: ImpressionLog, rows: Int32Array): Int32Array {
  const seen = new Uint8Array(log.nUsers);
  for (const e of rows) seen[log.user[e]] = 1;
  const out: number[] = [];
  for (let u = 0; u < log.nUsers; u++) if (seen[u]) out.push(u);
  return Int32Array.from(out);
}

/** Progress of planner scoring: users scored so far of all, and seconds left at the pace so far (null at first). */
export interface ScoringProgress {
  done: number;
  total: number;
  etaSeconds: number | null;
}

export interface ScoringOptions {
  onProgress?: (p: ScoringProgress) => void;
  /** Checked before each chunk of users; scoring stops with code 'aborted' within one chunk of it. */
  signal?: StopSignal;
  /** Cells (users × items) per chunk: bounds memory and the delay of a cancel. */
  chunkCells?: number;
  /** Score with the probe path even where the model can score a grid (tests compare the two). */
  probesOnly?: boolean;
}

/** Lets the host run (to deliver a cancel) at least this often while scoring; milliseconds. */
const YIELD_MS = 50;
const yieldToHost = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * pCTR · pCVR of `model` for every (user of `users`, item) at time `at`, row-major users × items; an error when the
 * model has no conversion head. Chunks of users go through the model's grid scoring where it has one (a cost per user,
 * models/grid.ts), else through a probe log (a forward pass per cell).
 */
export async function conversionScores(
  model: Pick<CtrModel, 'predict' | 'scoreGrid'>,
  log: ImpressionLog,
  users: Int32Array,
  at: number,
  opts: ScoringOptions = {},
): Promise<Result<Float32Array, 'bad-data' | 'no-conversion' | 'aborted'>> {
  const nItems = log.nItems;
  const out = new Float32Array(users.length * nItems);
  const step = Math.max(1, Math.floor((opts.chunkCells ?? CHUNK_CELLS) / Math.max(1, nItems)));
  const t0 = Date.now();
  let lastYield = t0;
  for (let k = 0; k < users.length; k += step) {
    if (Date.now() - lastYield >= YIELD_MS) {
      await yieldToHost();
      lastYield = Date.now();
    }
    if (opts.signal?.aborted) return err('aborted', 'planner scores: stopped');
    const chunk = users.subarray(k, k + step);
    let p: Result<Pick<CtrPrediction, 'pCtr' | 'pCvr'>, 'bad-data'>;
    if (model.scoreGrid && !opts.probesOnly) p = await model.scoreGrid(log, chunk, at);
    else {
      const probe = probeLog(log, chunk, at);
      p = await model.predict(probe.log, probe.probes);
    }
    if (!p.ok) return p;
    const { pCtr, pCvr } = p.data;
    if (!pCvr) return err('no-conversion', 'the model has no conversion head');
    const base = k * nItems;
    for (let j = 0; j < pCtr.length; j++) out[base + j] = pCtr[j] * pCvr[j];
    const done = k + chunk.length;
    const seconds = (Date.now() - t0) / 1000;
    opts.onProgress?.({
      done,
      total: users.length,
      etaSeconds: seconds > 0 ? (seconds * (users.length - done)) / done : null,
    });
  }
  return ok(out);
}

/** Conversions (click ∧ conversion) among `rows` per (user of `users`, item), as the planner's 0/1 targets. */
export function conversionTargets(log: ImpressionLog, users: Int32Array, rows: Int32Array): Csr {
  const rowOf = new Int32Array(log.nUsers).fill(-1);
  users.forEach((u, r) => (rowOf[u] = r));
  const sets = Array.from(users, () => new Set<number>());
  for (const e of rows) {
    const r = rowOf[log.user[e]];
    if (r >= 0 && log.click[e] && log.conversion[e]) sets[r].add(log.item[e]);
  }
  const indptr = new Int32Array(users.length + 1);
  sets.forEach((s, r) => (indptr[r + 1] = indptr[r] + s.size));
  const indices = new Int32Array(indptr[users.length]);
  sets.forEach((s, r) =>
    indices.set(
      [...s].sort((a, b) => a - b),
      indptr[r],
    ),
  );
  return { nRows: users.length, nCols: log.nItems, indptr, indices, data: new Float32Array(indices.length).fill(1) };
}

/** The planner rows of a split: the test users at the test start, and their test conversions as targets. */
export interface CtrPlannerRows {
  users: Int32Array;
  at: number;
  target: Csr;
}

export function plannerRows(log: ImpressionLog, split: CtrSplit): CtrPlannerRows {
  const users = usersOf(log, split.test);
  return { users, at: split.testStart, target: conversionTargets(log, users, split.test) };
}

/** Scores `model` on the planner rows; an error when it has no conversion head or the matrix is over the budget. */
export async function modelPlannerScores(
  model: Pick<CtrModel, 'predict' | 'scoreGrid'>,
  log: ImpressionLog,
  rows: CtrPlannerRows,
  opts: ScoringOptions = {},
): Promise<Result<Float32Array, 'bad-data' | 'no-conversion' | 'too-big' | 'aborted'>> {
  if (rows.users.length * log.nItems > PLANNER_CELLS_MAX)
    return err(
      'too-big',
      `${rows.users.length} users × ${log.nItems} items is over the planner's ${PLANNER_CELLS_MAX} scores`,
    );
  return conversionScores(model, log, rows.users, rows.at, opts);
}

/** The planner's name of a ctr model's conversion scores. */
export const plannerModelName = (name: string): string => `${name} (pCTR×pCVR)`;
