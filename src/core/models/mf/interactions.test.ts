import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../data/types';
import { buildInteractions } from './interactions';
import { mfScorer } from './scorer';
import { evalRows } from './planted.testutil';

// 3 users × 4 items; user 0 has a held-out last event (trainEnd stops before it), user 2 has no training events.
const dataset: Dataset = {
  userIds: ['a', 'b', 'c'],
  itemIds: ['w', 'x', 'y', 'z'],
  user: Int32Array.of(0, 0, 0, 0, 1, 1, 2),
  item: Int32Array.of(2, 0, 2, 3, 1, 1, 0),
  time: Float64Array.of(1, 2, 3, 4, 1, 2, 5),
  userOffsets: Int32Array.of(0, 4, 6, 7),
  itemCounts: Int32Array.of(2, 2, 2, 1),
  nUsers: 3,
  nItems: 4,
};
const trainEnd = Int32Array.of(3, 6, 6);

describe('training interactions', () => {
  it('counts (user, item) pairs of training events only, in both orientations', () => {
    const R = buildInteractions({ dataset, trainEnd });
    // Hand-written: user 0 → {0: 1, 2: 2}; user 1 → {1: 2}; user 2 → {}.
    expect(Array.from(R.byUser.indptr)).toEqual([0, 2, 3, 3]);
    expect(Array.from(R.byUser.indices)).toEqual([0, 2, 1]);
    expect(Array.from(R.byUser.data)).toEqual([1, 2, 2]);
    expect(Array.from(R.byItem.indptr)).toEqual([0, 1, 2, 3, 3]);
    expect(Array.from(R.byItem.indices)).toEqual([0, 1, 0]);
    expect(Array.from(R.byItem.data)).toEqual([1, 2, 2]);
    expect(Array.from(R.userCounts)).toEqual([3, 2, 0]);
    expect(Array.from(R.itemCounts)).toEqual([1, 2, 2, 0]);
    expect(R.nEvents).toBe(5);
  });

  it('the MF scorer gathers each row’s user factors: f(U_u·V_i + b_u + b_i)', async () => {
    const f = {
      nUsers: 3,
      nItems: 2,
      dim: 2,
      U: Float32Array.of(1, 0, 0, 2, -1, 1),
      V: Float32Array.of(3, 1, -1, 4),
      userBias: Float32Array.of(0, 0.5, 0),
      itemBias: Float32Array.of(0, -1),
    };
    const src = await mfScorer('t', f, 'max0').scores(evalRows(Int32Array.of(2, 1, 2), 2));
    const out = new Float32Array(6);
    src.fillRows(0, 3, out);
    // Row 0 = user 2: (-3+1, 1+4-1) → (0 clipped, 4); row 1 = user 1: (2+0.5, 8+0.5-1) = (2.5, 7.5).
    expect(Array.from(out)).toEqual([0, 4, 2.5, 7.5, 0, 4]);
  });
});
