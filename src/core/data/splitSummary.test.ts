import { describe, expect, it } from 'vitest';
import { summariseSplit } from './splitSummary';
import { datasetFromEvents } from './split.fixtures';

describe('summariseSplit', () => {
  it('temporal split with a 2-unit window at T = 10: Table S1 counted by hand', () => {
    // Users a: t=1,5,11 ; b: t=2,10 ; c: t=12. Window [10, 12): a's 11 and b's 10 are targets; c starts after T.
    const d = datasetFromEvents(['a', 'a', 'a', 'b', 'b', 'c'], ['x', 'y', 'x', 'y', 'x', 'y'], [1, 5, 11, 2, 10, 12]);
    const r = summariseSplit(d, { kind: 'temporal', testStart: 10, horizon: 2 });
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.resolved).toMatchObject({ kind: 'temporal', testStart: 10, horizon: 2 });
    // Training events before T: a@1, a@5, b@2 → 3 events, 2 users.
    expect(r.data.stats.trainEvents).toBe(3);
    expect(r.data.stats.trainUsers).toBe(2);
    // Test rows are the users seen before T (a, b), with one target each.
    expect(r.data.stats.testUsers).toBe(2);
    expect(r.data.stats.testEvents).toBe(2);
    expect(r.data.warnings).toEqual(expect.any(Array));
    const bad = summariseSplit(d, { kind: 'temporal', horizon: -1 });
    expect(bad.ok ? '' : bad.code).toBe('bad-config');
  });
});
