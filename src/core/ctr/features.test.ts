import { describe, expect, it } from 'vitest';
import { ctrBatch, featureIndex, indexCtrLog } from './features';
import { testWorld } from './testing.world';
import { createRng, shuffleInPlace } from '../util/rng';
import type { ImpressionLog } from './types';

/** The features of one impression by a scan of the whole log (no index, no single pass). */
function bruteForce(log: ImpressionLog, i: number, maxLen: number) {
  const past: number[] = [];
  for (let j = 0; j < log.user.length; j++)
    if (log.user[j] === log.user[i] && log.time[j] < log.time[i] && log.click[j]) past.push(log.item[j]);
  const window = past.slice(Math.max(0, past.length - maxLen));
  let repeats = 0;
  past.forEach((it, k) => {
    if (past.slice(0, k).includes(it)) repeats++;
  });
  const history = new Array(maxLen - window.length).fill(0).concat(window.map((x) => x + 1));
  return {
    history,
    len: window.length,
    repeat: window.includes(log.item[i]) ? 1 : 0,
    share: past.length ? repeats / past.length : 0,
  };
}

/** Context shares over the user's impressions at its last W distinct times before row i, by a scan of the log. */
function bruteRecentContexts(log: ImpressionLog, i: number, W: number): number[] {
  const C = log.contextIds!.length;
  const mine = Array.from(log.user.keys()).filter((j) => log.user[j] === log.user[i] && log.time[j] < log.time[i]);
  const times = [...new Set(mine.map((j) => log.time[j]))].sort((a, b) => a - b).slice(-W);
  const at = mine.filter((j) => times.includes(log.time[j]));
  const shares = new Array(C).fill(0);
  for (const j of at) shares[log.context![j]] += 1 / at.length;
  return shares;
}

/** A tiny hand-made log: user 0 has a tie in time between a click and a later-listed impression. */
function tinyLog(): ImpressionLog {
  // user 0: (t1 item 2 click) (t2 item 2 click) (t2 item 3) (t3 item 2) (t4 item 3 click) (t5 item 1)
  // user 1: (t1 item 3) (t2 item 0 click) (t3 item 0)
  const user = Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1]);
  const item = Int32Array.from([2, 2, 3, 2, 3, 1, 3, 0, 0]);
  const time = Float64Array.from([1, 2, 2, 3, 4, 5, 1, 2, 3]);
  const click = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 1, 0]);
  return {
    userIds: ['a', 'b'],
    itemIds: ['w', 'x', 'y', 'z'],
    user,
    item,
    time,
    click,
    conversion: new Uint8Array(9),
    userOffsets: Int32Array.from([0, 6, 9]),
    nUsers: 2,
    nItems: 4,
    negatives: 'logged',
    itemCategory: Int32Array.from([0, 1, 1, 0]),
    categoryIds: ['p', 'q'],
  };
}

describe('ctr features', () => {
  it('hand example: strictly earlier clicks, right-aligned +1 items, repeat indicator and share', () => {
    const log = tinyLog();
    const b = ctrBatch(log, indexCtrLog(log, 2), Int32Array.from([2, 3, 5, 8, 6]));
    // row 2 (t2): only the t1 click counts (the t2 click is not strictly before) → [0, 3]; item 3 not in it.
    // row 3 (t3): clicks item 2, item 2 → [3, 3]; target 2 repeats; 1 of 2 clicks re-clicks → share 0.5.
    // row 5 (t5): clicks 2, 2, 3, last 2 → [3, 4]; target 1 no; share 1/3.
    // row 8 (user 1, t3): [0, 1]; target 0 repeats; share 0. row 6: empty history.
    expect(Array.from(b.history)).toEqual([0, 3, 3, 3, 3, 4, 0, 1, 0, 0]);
    expect(Array.from(b.historyLen)).toEqual([1, 2, 2, 1, 0]);
    expect(Array.from(b.repeat)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(b.repeatShare)).toEqual([0, 0.5, Math.fround(1 / 3), 0, 0]);
    expect(Array.from(b.category)).toEqual([0, 1, 1, 0, 0]);
    expect(Array.from(b.context)).toEqual([-1, -1, -1, -1, -1]);
  });

  it('equals a brute-force scan on a synthetic world, in shuffled row order, for several window lengths', () => {
    const { log } = testWorld('high-repeat', {
      nUsers: 25,
      nItems: 15,
      nCategories: 3,
      targetImpressions: 500,
      seed: 4,
    });
    // Ties in time inside a user, to exercise the strict "before".
    for (let i = 1; i < log.time.length; i += 7) if (log.user[i] === log.user[i - 1]) log.time[i] = log.time[i - 1];
    const rows = shuffleInPlace(
      Int32Array.from({ length: log.user.length }, (_, i) => i),
      createRng(2),
    );
    for (const maxLen of [1, 3, 8]) {
      const b = ctrBatch(log, indexCtrLog(log, maxLen), rows);
      let repeats = 0;
      rows.forEach((i, r) => {
        const want = bruteForce(log, i, maxLen);
        expect(Array.from(b.history.subarray(r * maxLen, (r + 1) * maxLen))).toEqual(want.history);
        expect(b.historyLen[r]).toBe(want.len);
        expect(b.repeat[r]).toBe(want.repeat);
        expect(b.repeatShare[r]).toBeCloseTo(want.share, 6);
        expect(b.user[r]).toBe(log.user[i]);
        expect(b.item[r]).toBe(log.item[i]);
        expect(b.category[r]).toBe(log.itemCategory![log.item[i]]);
        expect(b.context[r]).toBe(log.context![i]);
        expect(b.click[r]).toBe(log.click[i]);
        expect(b.conversion[r]).toBe(log.conversion[i]);
        repeats += want.repeat;
      });
      // The world re-shows clicked items: the comparison covers both indicator values.
      expect(repeats).toBeGreaterThan(10);
    }
    for (const W of [1, 3]) {
      const b = ctrBatch(log, indexCtrLog(log, 2), rows, W);
      const C = log.contextIds!.length;
      rows.forEach((i, r) =>
        bruteRecentContexts(log, i, W).forEach((v, c) => expect(b.recentContext![r * C + c]).toBeCloseTo(v, 6)),
      );
    }
    expect(ctrBatch(log, indexCtrLog(log, 2), rows).recentContext).toBeUndefined();
  });

  it('memoises the index per log and length, and refuses a bad length', () => {
    const log = tinyLog();
    expect(featureIndex(log, 2)).toBe(featureIndex(log, 2));
    expect(featureIndex(log, 3)).not.toBe(featureIndex(log, 2));
    expect(() => indexCtrLog(log, 0)).toThrow(/maxLen/);
  });
});
