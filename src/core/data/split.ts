/**
 * Train / validation / test splits of an interaction log (paper appendix D, Table S1), following rime's `Dataset`
 * semantics (awslabs/recurrent-intensity-model-experiments, rime/dataset/base.py and prepare_*):
 *
 * temporal (rime's split_by_time, used on Netflix): events before T are training data; every user seen before T is a
 *   test state with history up to T and targets in [T, T + ΔT). Validation is the set-back window [T − ΔT, T) for users
 *   seen before T − ΔT, fitted on events before T − ΔT.
 * user (rime's split_by_user, used on ML-1M and YooChoose): a seeded fraction of users is group B; each user's window
 *   starts at its first event + a relative start. Group B's events before their start are training data, group A's are
 *   all training data. Test = group B at their start; validation = group A at the same relative start, fitted on A's
 *   events before it and B's training events.
 *
 * In both, targets count only items seen in the corresponding training data (rime's min_item_len = 1: a new item
 * cannot be scored without leakage), rows need a non-empty history (min_user_len = 1), and excludeTrain drops targets
 * already in the row's history (rime's exclude_train; evaluation masks their scores via EvalSet.excludeTrain).
 */
import type { Csr, Dataset, EvalSet, Split, SplitConfig, SplitStats } from './types';
import { createRng, shuffleInPlace } from '../util/rng';
import { err, ok, type Result } from '../util/result';

export type SplitErrorCode = 'bad-config' | 'empty-dataset' | 'no-test-users' | 'no-targets';
export type TemporalSplitConfig = Required<Extract<SplitConfig, { kind: 'temporal' }>>;
export type UserSplitConfig = Required<Extract<SplitConfig, { kind: 'user' }>>;

const DAY = 86_400;
/** Cap of the default temporal horizon: four weeks, the scale of rime's Netflix windows (two weeks each) and of a campaign. */
const MAX_DEFAULT_HORIZON = 28 * DAY;

/** Earliest and latest event time of the log, unix seconds. */
function timeRange(ds: Dataset): { tMin: number; tMax: number } {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let e = 0; e < ds.time.length; e++) {
    const t = ds.time[e];
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  return { tMin, tMax };
}

/** Each active user's span, last − first event time, seconds (users sorted by time inside, so two reads each). */
function userSpans(ds: Dataset): number[] {
  const spans: number[] = [];
  for (let u = 0; u < ds.nUsers; u++) {
    const a = ds.userOffsets[u];
    const b = ds.userOffsets[u + 1];
    if (b > a) spans.push(ds.time[b - 1] - ds.time[a]);
  }
  return spans;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Defaults chosen from the data, so a MovieLens-like file splits sensibly with no configuration.
 * temporal: ΔT = a tenth of the log's span, at most four weeks, whole days when ≥ 1 day; T leaves the last ΔT (the last
 *   event included) for testing, which leaves a set-back window [T − ΔT, T) for validation.
 * user: as rime's prepare_ml_1m_data: group A is half of the users (sample_groupA frac = 0.5, so testFraction 0.5),
 *   the relative start is the median user span and ΔT equals it (horizon = test_start_rel · 1.0). A median of 0
 *   (most users with one event) falls back to the median of the positive spans.
 */
export function defaultSplitConfig(ds: Dataset, kind: 'temporal'): TemporalSplitConfig;
export function defaultSplitConfig(ds: Dataset, kind: 'user'): UserSplitConfig;
export function defaultSplitConfig(ds: Dataset, kind: SplitConfig['kind']): TemporalSplitConfig | UserSplitConfig;
export function defaultSplitConfig(ds: Dataset, kind: SplitConfig['kind']): TemporalSplitConfig | UserSplitConfig {
  if (kind === 'temporal') {
    const { tMin, tMax } = timeRange(ds);
    let h = Math.min((tMax - tMin) / 10, MAX_DEFAULT_HORIZON);
    if (h >= DAY) h = Math.floor(h / DAY) * DAY;
    if (!(h > 0)) h = 1;
    return { kind, testStart: tMax + 1 - h, horizon: h, excludeTrain: false };
  }
  const spans = userSpans(ds);
  let rel = median(spans);
  if (!(rel > 0)) rel = median(spans.filter((s) => s > 0));
  if (!(rel > 0)) rel = 1;
  return { kind, testFraction: 0.5, relativeTestStart: rel, horizon: rel, excludeTrain: false, seed: 0 };
}

/**
 * The kind that suits the data: a user split when users live at different, non-overlapping clock times (the paper's
 * reason for user splits on ML and YC: median user span under a hundredth of the log's span), else temporal.
 */
export function suggestSplitKind(ds: Dataset): SplitConfig['kind'] {
  return splitSuggestion(ds).kind;
}

/** suggestSplitKind's answer with the two spans it compares (seconds), so that a page can say why. */
export function splitSuggestion(ds: Dataset): { kind: SplitConfig['kind']; medianUserSpan: number; logSpan: number } {
  const { tMin, tMax } = timeRange(ds);
  const medianUserSpan = median(userSpans(ds));
  const logSpan = tMax - tMin;
  return { kind: medianUserSpan < logSpan / 100 ? 'user' : 'temporal', medianUserSpan, logSpan };
}

/** Fills missing fields from defaultSplitConfig and checks them. */
export function resolveSplitConfig(
  ds: Dataset,
  c: SplitConfig,
): Result<TemporalSplitConfig | UserSplitConfig, 'bad-config'> {
  const bad = (field: string, v: unknown, why: string) =>
    err('bad-config' as const, `split.${field} = ${String(v)}: ${why}`);
  const defined = Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
  if (c.kind === 'temporal') {
    const r = { ...defaultSplitConfig(ds, 'temporal'), ...defined } as TemporalSplitConfig;
    // A horizon given without a start still leaves the last ΔT (the last event included) for testing.
    if (c.testStart === undefined && c.horizon !== undefined) r.testStart = timeRange(ds).tMax + 1 - c.horizon;
    if (!Number.isFinite(r.testStart)) return bad('testStart', r.testStart, 'must be a finite unix time');
    if (!(Number.isFinite(r.horizon) && r.horizon > 0))
      return bad('horizon', r.horizon, 'must be a positive number of seconds');
    return ok(r);
  }
  if (c.kind !== 'user') return bad('kind', (c as { kind: unknown }).kind, "must be 'temporal' or 'user'");
  const r = { ...defaultSplitConfig(ds, 'user'), ...defined } as UserSplitConfig;
  // As rime: the horizon equals the relative start unless given.
  if (c.horizon === undefined && c.relativeTestStart !== undefined) r.horizon = c.relativeTestStart;
  if (!(r.testFraction > 0 && r.testFraction < 1)) return bad('testFraction', r.testFraction, 'must lie in (0, 1)');
  if (!(Number.isFinite(r.relativeTestStart) && r.relativeTestStart >= 0))
    return bad('relativeTestStart', r.relativeTestStart, 'must be ≥ 0 seconds');
  if (!(Number.isFinite(r.horizon) && r.horizon > 0))
    return bad('horizon', r.horizon, 'must be a positive number of seconds');
  if (!Number.isInteger(r.seed)) return bad('seed', r.seed, 'must be an integer');
  return ok(r);
}

/** Index of the first event of user u at or after t (events of a user are sorted by time). */
function firstAtOrAfter(ds: Dataset, u: number, t: number): number {
  let a = ds.userOffsets[u];
  let b = ds.userOffsets[u + 1];
  while (a < b) {
    const m = (a + b) >>> 1;
    if (ds.time[m] < t) a = m + 1;
    else b = m;
  }
  return a;
}

/** Items with at least one event in [userOffsets[u], ends[u]) for some u. */
function seenItems(ds: Dataset, ends: Int32Array): Uint8Array {
  const seen = new Uint8Array(ds.nItems);
  for (let u = 0; u < ds.nUsers; u++) for (let e = ds.userOffsets[u]; e < ends[u]; e++) seen[ds.item[e]] = 1;
  return seen;
}

interface Rows {
  users: number[];
  starts: number[];
}

/**
 * An EvalSet for rows (users[r], starts[r]): history = events before the start, targets = events in
 * [start, start + horizon) of items with allowed[item], minus history items when excludeTrain. Rows are kept only when
 * the history is non-empty. `dropped` counts window events left out (unseen item or excluded).
 */
function buildEvalSet(
  ds: Dataset,
  rows: Rows,
  horizon: number,
  allowed: Uint8Array,
  excludeTrain: boolean,
): { set: EvalSet; dropped: number } {
  const users: number[] = [];
  const starts: number[] = [];
  const hist: number[] = [];
  const indptr: number[] = [0];
  const indices: number[] = [];
  const data: number[] = [];
  const mark = new Int32Array(ds.nItems).fill(-1);
  const count = new Int32Array(ds.nItems);
  let dropped = 0;
  for (let k = 0; k < rows.users.length; k++) {
    const u = rows.users[k];
    const t0 = rows.starts[k];
    const h = firstAtOrAfter(ds, u, t0);
    if (h === ds.userOffsets[u]) continue; // empty history: not a test state
    const r = users.length;
    users.push(u);
    starts.push(t0);
    hist.push(h);
    if (excludeTrain) for (let e = ds.userOffsets[u]; e < h; e++) mark[ds.item[e]] = r;
    const rowItems: number[] = [];
    for (let e = h; e < ds.userOffsets[u + 1] && ds.time[e] < t0 + horizon; e++) {
      const i = ds.item[e];
      if (!allowed[i] || (excludeTrain && mark[i] === r)) {
        dropped++;
        continue;
      }
      if (count[i]++ === 0) rowItems.push(i);
    }
    rowItems.sort((a, b) => a - b);
    for (const i of rowItems) {
      indices.push(i);
      data.push(count[i]);
      count[i] = 0;
    }
    indptr.push(indices.length);
  }
  const target: Csr = {
    nRows: users.length,
    nCols: ds.nItems,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(indices),
    data: Float32Array.from(data),
  };
  const set: EvalSet = {
    users: Int32Array.from(users),
    testStart: Float64Array.from(starts),
    histEnd: Int32Array.from(hist),
    horizon,
    target,
    excludeTrain,
  };
  return { set, dropped };
}

function sumCsr(c: Csr): number {
  let s = 0;
  for (let k = 0; k < c.data.length; k++) s += c.data[k];
  return s;
}

/** Table S1 for a split: training side from trainEnd, test side from the test EvalSet. */
function splitStats(
  ds: Dataset,
  trainEnd: Int32Array,
  test: EvalSet,
  valid: EvalSet,
  trainItemMask: Uint8Array,
  dropped: number,
): SplitStats {
  let trainUsers = 0;
  let trainEvents = 0;
  for (let u = 0; u < ds.nUsers; u++) {
    const n = trainEnd[u] - ds.userOffsets[u];
    trainEvents += n;
    if (n > 0) trainUsers++;
  }
  let trainItems = 0;
  for (const s of trainItemMask) trainItems += s;
  let hist = 0;
  for (let r = 0; r < test.users.length; r++) hist += test.histEnd[r] - ds.userOffsets[test.users[r]];
  const targetItemSet = new Uint8Array(ds.nItems);
  for (const i of test.target.indices) targetItemSet[i] = 1;
  let targetItems = 0;
  for (const s of targetItemSet) targetItems += s;
  const testEvents = sumCsr(test.target);
  const testUsers = test.users.length;
  return {
    trainUsers,
    trainItems,
    trainEvents,
    testUsers,
    testItems: trainItems,
    testEvents,
    avgHistLength: testUsers ? hist / testUsers : 0,
    avgTargetLength: testUsers ? testEvents / testUsers : 0,
    horizon: test.horizon,
    targetItems,
    droppedTargets: dropped,
    validUsers: valid.users.length,
    validEvents: sumCsr(valid.target),
  };
}

/**
 * Group B of a user split: 1 for held-out users. Exactly round(fraction · active users) of the users with events,
 * chosen by a seeded shuffle (rime's sample_groupA draws group A the same way, with pandas' sampler).
 */
export function testGroup(ds: Dataset, fraction: number, seed: number): Uint8Array {
  const active: number[] = [];
  for (let u = 0; u < ds.nUsers; u++) if (ds.userOffsets[u + 1] > ds.userOffsets[u]) active.push(u);
  shuffleInPlace(active, createRng(seed));
  const inB = new Uint8Array(ds.nUsers);
  const nB = Math.round(fraction * active.length);
  for (let k = 0; k < nB; k++) inB[active[k]] = 1;
  return inB;
}

/** Splits a dataset; expected failures (bad config, a window with no targets) come back as values. */
export function makeSplit(ds: Dataset, config: SplitConfig): Result<Split, SplitErrorCode> {
  if (ds.time.length === 0) return err('empty-dataset', 'the dataset has no events');
  const rc = resolveSplitConfig(ds, config);
  if (!rc.ok) return rc;
  const c = rc.data;
  const n = ds.nUsers;
  const trainEnd = new Int32Array(n);
  const validTrainEnd = new Int32Array(n);
  const testRows: Rows = { users: [], starts: [] };
  const validRows: Rows = { users: [], starts: [] };
  if (c.kind === 'temporal') {
    const T = c.testStart;
    const V = T - c.horizon;
    for (let u = 0; u < n; u++) {
      trainEnd[u] = firstAtOrAfter(ds, u, T);
      validTrainEnd[u] = firstAtOrAfter(ds, u, V);
      testRows.users.push(u);
      testRows.starts.push(T);
      validRows.users.push(u);
      validRows.starts.push(V);
    }
  } else {
    const inB = testGroup(ds, c.testFraction, c.seed);
    for (let u = 0; u < n; u++) {
      const a = ds.userOffsets[u];
      const b = ds.userOffsets[u + 1];
      if (b === a) {
        trainEnd[u] = validTrainEnd[u] = a; // a user without events (possible in synthetic worlds)
        continue;
      }
      const start = ds.time[a] + c.relativeTestStart;
      const cut = firstAtOrAfter(ds, u, start);
      // A user whose span is shorter than the relative start has no test window (nothing at or after its start).
      const hasWindow = ds.time[b - 1] >= start;
      if (inB[u]) {
        trainEnd[u] = cut;
        validTrainEnd[u] = cut;
        if (hasWindow) {
          testRows.users.push(u);
          testRows.starts.push(start);
        }
      } else {
        trainEnd[u] = b;
        validTrainEnd[u] = cut;
        if (hasWindow) {
          validRows.users.push(u);
          validRows.starts.push(start);
        }
      }
    }
  }
  const trainItems = seenItems(ds, trainEnd);
  const test = buildEvalSet(ds, testRows, c.horizon, trainItems, c.excludeTrain);
  const valid = buildEvalSet(ds, validRows, c.horizon, seenItems(ds, validTrainEnd), c.excludeTrain);
  if (test.set.users.length === 0) {
    return err(
      'no-test-users',
      `no test user has history before its window (${describeWindow(c)}); move the test start later`,
    );
  }
  const stats = splitStats(ds, trainEnd, test.set, valid.set, trainItems, test.dropped);
  if (stats.testEvents === 0) {
    return err(
      'no-targets',
      `the test window holds no target events of items seen in training (${describeWindow(c)}); widen the horizon or move the start`,
    );
  }
  const warnings: string[] = [];
  if (valid.set.users.length === 0)
    warnings.push('the validation window has no user states: calibration (HP, online Dual) has nothing to fit on');
  else if (stats.validEvents === 0) warnings.push('the validation window holds no target events');
  return ok({ config: c, trainEnd, test: test.set, valid: valid.set, validTrainEnd, stats, warnings });
}

function describeWindow(c: TemporalSplitConfig | UserSplitConfig): string {
  const days = (s: number) => (s >= DAY ? `${+(s / DAY).toFixed(2)} d` : `${+s.toFixed(1)} s`);
  return c.kind === 'temporal'
    ? `T = ${new Date(c.testStart * 1000).toISOString()}, ΔT = ${days(c.horizon)}`
    : `start = first event + ${days(c.relativeTestStart)}, ΔT = ${days(c.horizon)}`;
}

/**
 * Earlier labelled windows for models trained on window labels (GraphConv-Extra; paper section 5 "creates multiple
 * periods", the reference's V_extra), every user, targets restricted to items seen before each window:
 *  - temporal split: up to `maxWindows` windows of width ΔT set back from the validation window,
 *    [T − (k + 2)ΔT, T − (k + 1)ΔT) for k = 0, 1, …, while the window still starts after the first event of the log;
 *  - user split: one window of width ΔT/2 ending at each user's relative test start (the reference's V0).
 * Windows without a target event are left out.
 */
export function extraWindows(ds: Dataset, split: Split, maxWindows = 10): EvalSet[] {
  const c = split.config;
  const all = Array.from({ length: ds.nUsers }, (_, u) => u);
  const rowsAt = (starts: number[]): Rows => ({ users: all, starts });
  const windows: { rows: Rows; horizon: number }[] = [];
  if (c.kind === 'temporal') {
    const { tMin } = timeRange(ds);
    const T = c.testStart as number;
    const h = c.horizon as number;
    for (let k = 0; k < maxWindows && T - (k + 2) * h > tMin; k++)
      windows.push({ rows: rowsAt(all.map(() => T - (k + 2) * h)), horizon: h });
  } else {
    const rel = c.relativeTestStart as number;
    const h = (c.horizon as number) / 2;
    const starts = all.map((u) =>
      ds.userOffsets[u + 1] > ds.userOffsets[u] ? ds.time[ds.userOffsets[u]] + rel - h : Infinity,
    );
    windows.push({ rows: rowsAt(starts), horizon: h });
  }
  const out: EvalSet[] = [];
  for (const w of windows) {
    const ends = new Int32Array(ds.nUsers);
    for (let u = 0; u < ds.nUsers; u++) ends[u] = firstAtOrAfter(ds, u, w.rows.starts[u]);
    const { set } = buildEvalSet(ds, w.rows, w.horizon, seenItems(ds, ends), c.excludeTrain ?? false);
    if (set.target.indptr[set.target.nRows] > 0) out.push(set);
  }
  return out;
}
