import { describe, expect, it } from 'vitest';
import { buildImpressionLog, repeatFlags, summariseImpressions, type ImpressionColumnsIn } from './log';

/** Columns from [user, item, time, click, conversion] rows in the given (file) order. */
function columns(rows: [number, number, number, number, number][]): ImpressionColumnsIn {
  return {
    userIds: ['a', 'b', 'c'],
    itemIds: ['x', 'y', 'z'],
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    time: Float64Array.from(rows, (r) => r[2]),
    click: Uint8Array.from(rows, (r) => r[3]),
    conversion: Uint8Array.from(rows, (r) => r[4]),
    context: Int32Array.from(rows, (_, k) => (k % 3 === 2 ? -1 : k % 2)),
    contextIds: ['p', 'q'],
    negatives: 'logged',
  };
}

describe('buildImpressionLog', () => {
  it('sorts by user, then time, keeping file order among equal times; CSR offsets; users without rows empty', () => {
    const log = buildImpressionLog(
      columns([
        [1, 0, 30, 1, 0],
        [0, 1, 20, 0, 0],
        [1, 2, 10, 0, 0],
        [0, 0, 20, 1, 1],
        [1, 1, 30, 0, 0],
      ]),
    );
    expect(Array.from(log.user)).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(log.item)).toEqual([1, 0, 2, 0, 1]);
    expect(Array.from(log.time)).toEqual([20, 20, 10, 30, 30]);
    expect(Array.from(log.click)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(log.conversion)).toEqual([0, 1, 0, 0, 0]);
    // Contexts travel with their rows: file rows 1, 3, 2, 0, 4 had contexts 1, 1, −1, 0, 0.
    expect(Array.from(log.context!)).toEqual([1, 1, -1, 0, 0]);
    expect(Array.from(log.userOffsets)).toEqual([0, 2, 5, 5]);
    expect([log.nUsers, log.nItems]).toEqual([3, 3]);
  });

  it('input already in order is kept as it is (no copy)', () => {
    const c = columns([
      [0, 0, 1, 1, 0],
      [0, 1, 2, 0, 0],
      [2, 0, 1, 0, 0],
    ]);
    const log = buildImpressionLog(c);
    expect(log.item).toBe(c.item);
    expect(Array.from(log.userOffsets)).toEqual([0, 2, 2, 3]);
  });
});

describe('repeatFlags and the summary', () => {
  it('a repeat is an impression of an item the user clicked at a strictly earlier time', () => {
    const log = buildImpressionLog(
      columns([
        [0, 0, 10, 1, 0], // first click on x
        [0, 0, 10, 1, 0], // same time: not a repeat
        [0, 1, 11, 0, 0],
        [0, 0, 12, 1, 1], // repeat click
        [0, 1, 13, 1, 0], // y was shown before but never clicked: not a repeat
        [0, 0, 14, 0, 0], // x shown again, not clicked: a repeat impression, not a repeat click
        [1, 0, 15, 1, 0], // another user's first click on x
      ]),
    );
    expect(Array.from(repeatFlags(log))).toEqual([0, 0, 0, 1, 0, 1, 0]);
    const s = summariseImpressions(log, { kind: 'impressions', labels: 'logged', columns: { context: 'pid' } });
    expect([s.impressions, s.users, s.items, s.clicks, s.conversions]).toEqual([7, 2, 2, 5, 1]);
    expect([s.clickRate, s.conversionPerClick, s.conversionPerImpression, s.repeatRate]).toEqual([
      5 / 7,
      0.2,
      1 / 7,
      0.2,
    ]);
    expect([s.tMin, s.tMax, s.days, s.context, s.category, s.negatives, s.notes]).toEqual([
      10,
      15,
      1,
      { column: 'pid', cardinality: 2 },
      null,
      'logged',
      [],
    ]);
  });
});
