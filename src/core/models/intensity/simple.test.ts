import { describe, expect, it } from 'vitest';
import { emaIntensity, popIntensity } from './simple';
import { datasetFrom, temporalEvalSet } from './testSupport';

describe('Pop and EMA intensities', () => {
  // user 0: events at 0, 50, 90; user 1: none before T = 100; user 2: one event at 99.
  const d = datasetFrom(
    [
      [0, 0, 0],
      [0, 1, 50],
      [0, 0, 90],
      [0, 1, 120],
      [1, 0, 130],
      [2, 1, 99],
    ],
    3,
    2,
  );
  const rows = temporalEvalSet(d, 100, 40);

  it('Pop counts the history, floored at 0.01', () => {
    expect(Array.from(popIntensity(d).predict(rows))).toEqual([3, 0.01, 1]);
  });

  it('EMA sums exp(−(T − t)/horizon) over the history (hand-computed)', () => {
    const got = emaIntensity(d).predict(rows);
    expect(got[0]).toBeCloseTo(Math.exp(-100 / 40) + Math.exp(-50 / 40) + Math.exp(-10 / 40), 12);
    expect(got[1]).toBe(0);
    expect(got[2]).toBeCloseTo(Math.exp(-1 / 40), 12);
  });
});
