import { describe, expect, it } from 'vitest';
import { buildImpressionLog } from './log';
import { splitByTime } from './split';
import type { CtrSplit, ImpressionLog } from './types';
import type { Result } from '../util/result';

const DAY = 86_400;
/** 2024-03-01T00:00:00Z. */
const T0 = 1_709_251_200;

/** A hand-built log: impression k of user users[k] at times[k] (file order), two users by default. */
function logAt(times: number[], users = times.map((_, k) => k % 2)): ImpressionLog {
  const n = times.length;
  return buildImpressionLog({
    userIds: ['a', 'b', 'c'].slice(0, Math.max(...users) + 1),
    itemIds: ['x'],
    user: Int32Array.from(users),
    item: new Int32Array(n),
    time: Float64Array.from(times),
    click: new Uint8Array(n),
    conversion: new Uint8Array(n),
    negatives: 'logged',
  });
}

const must = (r: Result<CtrSplit, string>): CtrSplit => {
  if (!r.ok) throw new Error(r.reason);
  return r.data;
};
/** The times of a split's rows, sorted. */
const timesOf = (log: ImpressionLog, rows: Int32Array) => Array.from(rows, (e) => log.time[e]).sort((a, b) => a - b);

describe('splitByTime', () => {
  it('ADS: seven equal parts of [0, 70]: train < 50 ≤ valid < 60 ≤ test, rows ascending', () => {
    const times = [0, 10, 20, 30, 49, 50, 55, 59.9, 60, 65, 70];
    const log = logAt(times);
    const s = must(splitByTime(log, { protocol: 'ads' }));
    expect([s.validStart, s.testStart, s.protocol]).toEqual([50, 60, 'ads']);
    expect(timesOf(log, s.train)).toEqual([0, 10, 20, 30, 49]);
    expect(timesOf(log, s.valid)).toEqual([50, 55, 59.9]);
    expect(timesOf(log, s.test)).toEqual([60, 65, 70]);
    for (const r of [s.train, s.valid, s.test]) expect(Array.from(r)).toEqual(Array.from(r).sort((a, b) => a - b));
    expect(s.dropped).toBeUndefined();
    // No validation tail: the first six parts all train.
    const s0 = must(splitByTime(log, { protocol: 'ads', validFraction: 0 }));
    expect([s0.validStart, s0.train.length, s0.valid.length]).toEqual([60, 8, 0]);
    // A third of the training time validates: [40, 60).
    expect(must(splitByTime(log, { protocol: 'ads', validFraction: 1 / 3 })).validStart).toBeCloseTo(40, 12);
  });

  it('OTP: 21 + 7 whole UTC days; exactly four weeks splits, a longer log drops its earliest days', () => {
    const days = (d: number, h = 12) => T0 + d * DAY + h * 3600;
    const log = logAt([days(0, 0), days(5), days(17, 11), days(17, 13), days(20, 23), days(21, 0), days(27, 23)]);
    const s = must(splitByTime(log, { protocol: 'otp' }));
    expect([s.testStart, s.validStart]).toEqual([T0 + 21 * DAY, T0 + 21 * DAY - 3.5 * DAY]);
    expect(timesOf(log, s.train)).toEqual([days(0, 0), days(5), days(17, 11)]);
    expect(timesOf(log, s.valid)).toEqual([days(17, 13), days(20, 23)]);
    expect(timesOf(log, s.test)).toEqual([days(21, 0), days(27, 23)]);
    // Five weeks: the first week is left out.
    const long = logAt([days(0), days(6), days(7), days(30), days(34)]);
    const l = must(splitByTime(long, { protocol: 'otp', validFraction: 0 }));
    expect([l.dropped, l.train.length, l.test.length, l.testStart]).toEqual([2, 1, 2, T0 + 28 * DAY]);
  });

  it('OTP refuses a log shorter than 28 days with the days it covers', () => {
    const r = splitByTime(logAt([T0 + 3600, T0 + 26 * DAY + 7200]), { protocol: 'otp' });
    expect(!r.ok && [r.code, r.reason]).toEqual([
      'too-short',
      'the log covers 27 days (2024-03-01 to 2024-03-27, UTC): the OTP protocol needs 28, 21 to train and 7 to test',
    ]);
  });

  it('custom cut points; empty parts and bad fractions are refused with the range', () => {
    const log = logAt([1, 2, 3, 4, 5, 6]);
    const s = must(splitByTime(log, { protocol: 'custom', testStart: 5, validStart: 3 }));
    expect([timesOf(log, s.train), timesOf(log, s.valid), timesOf(log, s.test)]).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const noTest = splitByTime(log, { protocol: 'custom', testStart: 7 });
    expect(!noTest.ok && [noTest.code, noTest.reason]).toEqual([
      'empty-part',
      'no impressions to test on from 1970-01-01T00:00:07Z',
    ]);
    const noValid = splitByTime(logAt([0, 1, 10]), { protocol: 'ads' });
    expect(!noValid.ok && noValid.reason).toBe(
      'no impressions to validate on in [1970-01-01T00:00:07.142Z, 1970-01-01T00:00:08.571Z)',
    );
    const bad = splitByTime(log, { protocol: 'ads', validFraction: 1 });
    expect(!bad.ok && bad.reason).toBe('validFraction = 1: must lie in [0, 1)');
    const one = splitByTime(logAt([5, 5]), { protocol: 'ads' });
    expect(!one.ok && one.code).toBe('too-short');
    const empty = splitByTime(logAt([]), { protocol: 'ads' });
    expect(!empty.ok && empty.code).toBe('empty-log');
  });
});
