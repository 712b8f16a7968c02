import { describe, expect, it } from 'vitest';
import { exposureHistogram, topBoosted, vCsv } from './report';

describe('planner report', () => {
  it('bins exposure counts from 0 and counts items within one exposure of the target', () => {
    // max 5, target 2: 6 bins of width 1; items with ≥ 1 exposure are within one of the target.
    expect(exposureHistogram(Int32Array.from([0, 1, 2, 5]), 2)).toEqual({
      lo: [0, 1, 2, 3, 4, 5],
      width: 1,
      count: [1, 1, 1, 0, 0, 1],
      target: 2,
      atTarget: 3,
    });
    // max 99: width ceil(100 / 20) = 5, 20 bins; 99 lands in the last.
    const h = exposureHistogram(Int32Array.from([0, 4, 5, 99]), 0);
    expect(h.width).toBe(5);
    expect(h.count.length).toBe(20);
    expect(h.count[0]).toBe(2);
    expect(h.count[1]).toBe(1);
    expect(h.count[19]).toBe(1);
  });

  it('lists the most negative v first, only items the dual raised', () => {
    const b = topBoosted(
      Float64Array.from([0, -2, -1, 0.5, -3]),
      Int32Array.from([1, 2, 3, 4, 5]),
      ['a', 'b', 'c', 'd', 'e'],
      2,
    );
    expect(b).toEqual([
      { id: 'e', v: -3, exposure: 5 },
      { id: 'b', v: -2, exposure: 2 },
    ]);
    expect(topBoosted(new Float64Array(3), new Int32Array(3), ['a', 'b', 'c'])).toEqual([]);
  });

  it('writes v as CSV with quoted ids', () => {
    expect(vCsv(['a', 'b,c', 'd"e'], Float64Array.from([1, -0.5, 0]))).toBe('item,v\na,1\n"b,c",-0.5\n"d""e",0\n');
  });
});
