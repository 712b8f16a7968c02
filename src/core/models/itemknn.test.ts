import { describe, expect, it } from 'vitest';
import { materialize } from './scores';
import { fitItemKnn, itemKnnScores } from './itemknn';
import { datasetFrom, temporalEvalSet } from './intensity/testSupport';

describe('ItemKNN', () => {
  // Users' training items: u0 {0, 1}, u1 {0, 1, 2}, u2 {2, 3}, u3 {0} (and a later test event each at time 100).
  const d = datasetFrom(
    [
      [0, 0, 1],
      [0, 1, 2],
      [1, 0, 1],
      [1, 1, 2],
      [1, 2, 3],
      [2, 2, 1],
      [2, 3, 2],
      [3, 0, 1],
      [3, 0, 2],
      [0, 3, 100],
    ],
    4,
    5,
  );
  const trainEnd = Int32Array.from({ length: 4 }, (_, u) => {
    let e = d.userOffsets[u];
    while (e < d.userOffsets[u + 1] && d.time[e] < 50) e++;
    return e;
  });

  it('similarities are co-consumers / (√(n_i n_j) + shrink), neighbours most similar first', () => {
    const m = fitItemKnn(d, trainEnd, { shrink: 1 });
    // Users per item: 0 → 3 (u0, u1, u3), 1 → 2, 2 → 2, 3 → 1, 4 → 0.
    expect(Array.from(m.itemUsers)).toEqual([3, 2, 2, 1, 0]);
    const simOf = (i: number, j: number) => {
      for (let p = m.ptr[i]; p < m.ptr[i + 1]; p++) if (m.nbr[p] === j) return m.sim[p];
      return 0;
    };
    expect(simOf(0, 1)).toBeCloseTo(2 / (Math.sqrt(6) + 1), 6);
    expect(simOf(1, 2)).toBeCloseTo(1 / (2 + 1), 6);
    expect(simOf(2, 3)).toBeCloseTo(1 / (Math.sqrt(2) + 1), 6);
    expect(simOf(0, 3)).toBe(0);
    // An item is not its own neighbour.
    expect(simOf(0, 0)).toBe(0);
    for (let i = 0; i < 5; i++)
      for (let p = m.ptr[i] + 1; p < m.ptr[i + 1]; p++) expect(m.sim[p - 1]).toBeGreaterThanOrEqual(m.sim[p]);
    // Keeping one neighbour keeps the most similar.
    const one = fitItemKnn(d, trainEnd, { shrink: 1, neighbors: 1 });
    expect(Array.from(one.ptr)).toEqual([0, 1, 2, 3, 4, 4]);
    expect(one.nbr[0]).toBe(1);
  });

  it('scores a history by decayed neighbour similarities, popularity breaking ties', () => {
    const m = fitItemKnn(d, trainEnd, { shrink: 1 });
    const rows = temporalEvalSet(d, 50, 100);
    const s = materialize(itemKnnScores(m, d, rows, { shrink: 1, decay: 0.5 }))!;
    const sim = (i: number, j: number) => {
      for (let p = m.ptr[i]; p < m.ptr[i + 1]; p++) if (m.nbr[p] === j) return m.sim[p];
      return 0;
    };
    // Row of u2: history 2 (weight 0.5), 3 (weight 1, the last event).
    const r = Array.from(rows.users).indexOf(2);
    for (let y = 0; y < 5; y++) expect(s[r * 5 + y]).toBeCloseTo(0.5 * sim(2, y) + sim(3, y), 6);
    // Item 4 was never consumed: score 0 (no neighbour, no popularity); item 0 shares user u1 with item 2.
    expect(s[r * 5 + 4]).toBe(0);
    expect(s[r * 5 + 0]).toBeGreaterThan(0);
  });
});
