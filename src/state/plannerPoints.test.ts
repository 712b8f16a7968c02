import { describe, expect, it } from 'vitest';
import type { MatchMetrics } from '../core/planner/types';
import { KnownPoints } from './plannerPoints';

/** Metrics told apart by recall (the rest is irrelevant to which answer a preview picks). */
const m = (recall: number) => ({ recall }) as MatchMetrics;

describe('KnownPoints', () => {
  it("draws a model's own answer at β, else its nearest solved β (lower on a tie) marked provisional", () => {
    const k = new KnownPoints();
    for (const b of [0, 0.004, 0.008]) k.add('offline', 0.01, b, 'A', m(b));
    k.add('offline', 0.01, 0.004, 'B', m(1));
    // Another mode and another α never stand in.
    k.add('greedy', 0.01, 0.006, 'A', m(9));
    k.add('offline', 0.012, 0.006, 'A', m(9));

    const exact = k.preview('offline', 0.01, 0.004, ['A', 'B']);
    expect(exact?.provisional).toBe(false);
    expect(exact?.models.map((x) => [x.model, x.metrics.recall, x.solvedAt, x.provisional])).toEqual([
      ['A', 0.004, 0.004, false],
      ['B', 1, 0.004, false],
    ]);

    // 0.0065: A's nearest is 0.008 (0.0015 away, 0.004 is 0.0025 away); B has only 0.004.
    const near = k.preview('offline', 0.01, 0.0065, ['A', 'B']);
    expect(near?.provisional).toBe(true);
    expect(near?.models.map((x) => [x.model, x.solvedAt, x.provisional])).toEqual([
      ['A', 0.008, true],
      ['B', 0.004, true],
    ]);
    // 0.006 lies halfway between 0.004 and 0.008: the lower one.
    expect(k.preview('offline', 0.01, 0.006, ['A'])?.models[0].solvedAt).toBe(0.004);
  });

  it('leaves out models never solved at that mode and α, and says so with null when none was', () => {
    const k = new KnownPoints();
    k.add('greedy', 0.01, 0.002, 'A', m(1));
    const part = k.preview('greedy', 0.01, 0.002, ['A', 'C']);
    expect(part?.models.map((x) => x.model)).toEqual(['A']);
    // A's own answer, but C's is missing: not yet the answer at β of every model.
    expect(part?.provisional).toBe(true);
    expect(k.preview('greedy', 0.01, 0.002, ['A'])?.provisional).toBe(false);
    expect(k.preview('greedy', 0.01, 0.002, ['C'])).toBeNull();
    expect(k.preview('offline', 0.01, 0.002, ['A'])).toBeNull();
    k.clear();
    expect(k.preview('greedy', 0.01, 0.002, ['A'])).toBeNull();
  });

  it('lists the β values where every model asked has an answer', () => {
    const k = new KnownPoints();
    k.add('greedy', 0.01, 0, 'A', m(1));
    k.add('greedy', 0.01, 0, 'B', m(1));
    k.add('greedy', 0.01, 0.002, 'A', m(1));
    expect([...k.solvedBetas('greedy', 0.01, ['A', 'B'])]).toEqual([0]);
    expect([...k.solvedBetas('greedy', 0.01, ['A'])].sort()).toEqual([0, 0.002]);
  });
});
