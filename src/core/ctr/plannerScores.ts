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
import { ctrBatch, featureIndex } from './features';
import type { CtrModel, CtrPrediction } from './models/model';
import type { CtrBatch, CtrSplit, ImpressionLog } from './types';

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

/**
 * A log of `users`' impressions before `at`, each user followed by one probe impression of every item of `items`
 * (default all) at `at` (no click, no conversion); the probes' row numbers in order (user-major, then item).
 */
export function probeLog(
  log: ImpressionLog,
  users: Int32Array,
  at: number,
  items?: Int32Array,
): { log: ImpressionLog; probes: Int32Array } {
  const probed = items ?? Int32Array.from({ length: log.nItems }, (_, i) => i);
  const nProbed = probed.length;
  const before = (u: number) => {
    let e = log.userOffsets[u];
    while (e < log.userOffsets[u + 1] && log.time[e] < at) e++;
    return e - log.userOffsets[u];
  };
  const kept = Int32Array.from(users, before);
  const n = kept.reduce((a, k) => a + k, 0) + users.length * nProbed;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const context = log.context ? new Int32Array(n) : undefined;
  const userOffsets = new Int32Array(log.nUsers + 1);
  const probes = new Int32Array(users.length * nProbed);
  const click = new Uint8Array(n);
  const conversion = new Uint8Array(n);
  let r = 0;
  let p = 0;
  let next = 0;
  for (let k = 0; k < users.length; k++) {
    const u = users[k];
    for (; next <= u; next++) userOffsets[next] = r;
    const s = log.userOffsets[u];
    let last = -1;
    for (let e = s; e < s + kept[k]; e++, r++) {
      user[r] = u;
      item[r] = log.item[e];
      time[r] = log.time[e];
      click[r] = log.click[e];
      conversion[r] = log.conversion[e];
      if (context) last = context[r] = log.context![e];
    }
    for (let i = 0; i < nProbed; i++, r++) {
      user[r] = u;
      item[r] = probed[i];
      time[r] = at;
      if (context) context[r] = last;
      probes[p++] = r;
    }
  }
  for (; next <= log.nUsers; next++) userOffsets[next] = r;
  const { truth: _truth, ...fields } = log;
  return { log: { ...fields, user, item, time, click, conversion, context, userOffsets }, probes };
}

/**
 * The features every probe of a user shares at `at` (history of clicks before it, the last context), one batch row
 * per user of `users`: a probe log with a single probe each (item 0; its item field is not meant to be read).
 */
export function userProbeBatch(
  log: ImpressionLog,
  users: Int32Array,
  at: number,
  maxLen: number,
  recentRequests?: number,
): CtrBatch {
  const probe = probeLog(log, users, at, Int32Array.of(0));
  return ctrBatch(probe.log, featureIndex(probe.log, maxLen), probe.probes, recentRequests);
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
