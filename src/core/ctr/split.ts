/**
 * Time splits of an impression log as MuseNet evaluates (003 §4.1): ADS, the log's time range in seven equal parts,
 * the first six to train and the last to test; OTP, four weeks: 21 days to train, the last 7 to test. In both, the
 * last `validFraction` of the training time is held out for early stopping (default 1/6: ADS's sixth part).
 */
import type { CtrSplit, ImpressionLog } from './types';
import { err, ok, type Result } from '../util/result';

const DAY = 86_400;

export type CtrSplitConfig =
  | {
      protocol: 'ads';
      /** Share of the training time, at its end, held out for validation. Default 1/6. */
      validFraction?: number;
    }
  | {
      /**
       * Whole UTC days: the test is the last `testDays` days of the log (up to the end of its last day), training
       * the `trainDays` days before; impressions before that are left out (CtrSplit.dropped).
       */
      protocol: 'otp';
      trainDays?: number;
      testDays?: number;
      validFraction?: number;
    }
  | {
      protocol: 'custom';
      /** Unix seconds: impressions at or after it are the test. */
      testStart: number;
      /** Unix seconds; default: the last validFraction of [first impression, testStart). */
      validStart?: number;
      validFraction?: number;
    };

export type CtrSplitCode = 'bad-config' | 'empty-log' | 'too-short' | 'empty-part';

export const DEFAULT_VALID_FRACTION = 1 / 6;

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** Splits the log by time; rows are ascending impression indices. */
export function splitByTime(log: ImpressionLog, config: CtrSplitConfig): Result<CtrSplit, CtrSplitCode> {
  const n = log.time.length;
  if (n === 0) return err('empty-log', 'the log has no impressions to split');
  const vf = config.validFraction ?? DEFAULT_VALID_FRACTION;
  if (!(vf >= 0 && vf < 1)) return err('bad-config', `validFraction = ${vf}: must lie in [0, 1)`);
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let e = 0; e < n; e++) {
    if (log.time[e] < tMin) tMin = log.time[e];
    if (log.time[e] > tMax) tMax = log.time[e];
  }
  let trainStart = tMin;
  let testStart: number;
  let testEnd = Infinity;
  if (config.protocol === 'ads') {
    if (!(tMax > tMin)) return err('too-short', `every impression is at ${iso(tMin)}: no time range to cut in seven`);
    testStart = tMin + (6 * (tMax - tMin)) / 7;
  } else if (config.protocol === 'otp') {
    const trainDays = config.trainDays ?? 21;
    const testDays = config.testDays ?? 7;
    for (const [f, v] of [
      ['trainDays', trainDays],
      ['testDays', testDays],
    ] as const)
      if (!(Number.isInteger(v) && v >= 1)) return err('bad-config', `${f} = ${v}: a whole number of days ≥ 1`);
    const firstDay = Math.floor(tMin / DAY) * DAY;
    const end = (Math.floor(tMax / DAY) + 1) * DAY;
    const days = (end - firstDay) / DAY;
    if (days < trainDays + testDays)
      return err(
        'too-short',
        `the log covers ${days} day${days === 1 ? '' : 's'} (${iso(firstDay).slice(0, 10)} to ${iso(end - DAY).slice(0, 10)}, UTC): ` +
          `the OTP protocol needs ${trainDays + testDays}, ${trainDays} to train and ${testDays} to test`,
      );
    testStart = end - testDays * DAY;
    trainStart = testStart - trainDays * DAY;
    testEnd = end;
  } else {
    testStart = config.testStart;
    if (!Number.isFinite(testStart)) return err('bad-config', `testStart = ${testStart}: a unix time in seconds`);
  }
  const validStart =
    config.protocol === 'custom' && config.validStart !== undefined
      ? config.validStart
      : testStart - vf * (testStart - trainStart);
  if (!(validStart <= testStart && Number.isFinite(validStart)))
    return err('bad-config', `validStart ${validStart} must be a unix time at or before testStart ${testStart}`);
  let nTrain = 0;
  let nValid = 0;
  let nTest = 0;
  let dropped = 0;
  for (let e = 0; e < n; e++) {
    const t = log.time[e];
    if (t < trainStart || t >= testEnd) dropped++;
    else if (t >= testStart) nTest++;
    else if (t >= validStart) nValid++;
    else nTrain++;
  }
  const range = (a: number, b: number) => `[${iso(a)}, ${iso(b)})`;
  if (nTrain === 0) return err('empty-part', `no impressions to train on in ${range(trainStart, validStart)}`);
  if (nTest === 0) return err('empty-part', `no impressions to test on from ${iso(testStart)}`);
  if (nValid === 0 && validStart < testStart)
    return err('empty-part', `no impressions to validate on in ${range(validStart, testStart)}`);
  const train = new Int32Array(nTrain);
  const valid = new Int32Array(nValid);
  const test = new Int32Array(nTest);
  let a = 0;
  let b = 0;
  let c = 0;
  for (let e = 0; e < n; e++) {
    const t = log.time[e];
    if (t < trainStart || t >= testEnd) continue;
    if (t >= testStart) test[c++] = e;
    else if (t >= validStart) valid[b++] = e;
    else train[a++] = e;
  }
  return ok({
    train,
    valid,
    test,
    validStart,
    testStart,
    protocol: config.protocol,
    ...(dropped > 0 ? { dropped } : {}),
  });
}
