import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../src/core/data/synthetic';
import { makeSplit } from '../src/core/data/split';
import type { ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import { createRng } from '../src/core/util/rng';
import { lastRun } from './lastRun';
import { paradoxModels, paradoxOfRun, PARADOX_GAMMA_STEPS } from './runParadox';

describe('paradoxOfRun', () => {
  it('sweeps γ on a kept composition: endpoints counted by hand from the raw test events', async () => {
    const g = generateSynthetic({ nUsers: 120, nItems: 30, targetEvents: 5_000, seed: 5 });
    if (!g.ok) throw new Error(g.reason);
    const d = g.data.dataset;
    const sp = makeSplit(d, { kind: 'temporal' });
    if (!sp.ok) throw new Error(sp.reason);
    const t = sp.data.test;
    const nRows = t.users.length;
    const nCols = t.target.nCols;
    // A made-up composition: λ(x) and p(y|x) drawn at random, kept as λ(x)·p(y|x).
    const rng = createRng(9);
    const lambda = Float64Array.from({ length: nRows }, () => rng.next() * 3);
    const p = Float64Array.from({ length: nRows * nCols }, () => rng.next());
    for (let r = 0; r < nRows; r++) {
      let z = 0;
      for (let c = 0; c < nCols; c++) z += p[r * nCols + c];
      for (let c = 0; c < nCols; c++) p[r * nCols + c] /= z;
    }
    const test = Float32Array.from(p, (v, i) => v * lambda[Math.floor(i / nCols)]);
    const kept = new Map<string, KeptScores>([
      ['RNN-Hawkes', { test, valid: null, lambda, hasP: true }],
      ['Hawkes', { test, valid: null, lambda, hasP: false }],
    ]);
    const run = lastRun(d, sp.data, {} as ExperimentResult, kept, 0);
    expect(paradoxModels(run)).toEqual(['RNN-Hawkes']);

    const items = [0, 1].map((i) => d.itemIds[i]);
    const read = async (_: string, k: KeptScores) => k.test;
    const r = await paradoxOfRun(run, d, 'RNN-Hawkes', items, 10, read);
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.points).toHaveLength(PARADOX_GAMMA_STEPS + 1);

    // By hand: who came for items 0 or 1 (from the CSR), and the top 10 by p and by λ·p (sorted here by a full sort).
    const came = new Set<number>();
    for (let row = 0; row < nRows; row++)
      for (let e = t.target.indptr[row]; e < t.target.indptr[row + 1]; e++) if (t.target.indices[e] <= 1) came.add(row);
    expect(r.data.positives).toBe(came.size);
    const score = (row: number, gamma: number) =>
      (p[row * nCols] + p[row * nCols + 1]) * (gamma === 0 ? 1 : lambda[row]);
    for (const [gamma, at] of [
      [0, 0],
      [1, PARADOX_GAMMA_STEPS],
    ] as const) {
      const ranked = Array.from({ length: nRows }, (_, row) => row).sort(
        (a, b) => score(b, gamma) - score(a, gamma) || a - b,
      );
      const hits = ranked.slice(0, 10).filter((row) => came.has(row)).length;
      expect(r.data.points[at]).toMatchObject({ gamma, hits });
    }

    // Defaults and refusals.
    const byPositives = await paradoxOfRun(run, d, 'RNN-Hawkes', items, null, read);
    expect(byPositives.ok && byPositives.data.topC).toBe(Math.max(1, came.size));
    const noP = await paradoxOfRun(run, d, 'Hawkes', items, 10, read);
    expect(noP.ok === false && noP.reason).toMatch(/RIM composition/);
    const badItem = await paradoxOfRun(run, d, 'RNN-Hawkes', ['no-such-item'], 10, read);
    expect(badItem.ok === false && badItem.reason).toMatch(/no-such-item/);
    const badC = await paradoxOfRun(run, d, 'RNN-Hawkes', items, 0, read);
    expect(badC.ok === false && badC.reason).toMatch(/top C = 0/);
    const gone = await paradoxOfRun(run, d, 'RNN-Hawkes', items, 10, async () => null);
    expect(gone.ok === false && gone.reason).toMatch(/no longer here/);
  });
});
