import { describe, expect, it } from 'vitest';
import { denseScores } from '../models/scores';
import { createRng } from '../util/rng';
import { objectiveOf } from './common';
import { createDualWorkspace, solveDual } from './dual';
import { assignmentOfChoices } from './exact';
import { drawScores, scoreWorld } from './synthetic';

describe('assignmentOfChoices', () => {
  it('gives each row its chosen items ascending, with loads and exposures, against a per-row sort', () => {
    const r = createRng(4);
    for (let trial = 0; trial < 50; trial++) {
      const nRows = 1 + Math.floor(r.next() * 30);
      const nCols = 1 + Math.floor(r.next() * 20);
      const K = 1 + Math.floor(r.next() * Math.min(6, nCols));
      const chosen = new Int32Array(nRows * K).fill(-1);
      for (let x = 0; x < nRows; x++) {
        const items = Array.from({ length: nCols }, (_, y) => y).sort(() => r.next() - 0.5);
        // Some slots empty (−1), the rest distinct items in no order.
        for (let i = 0; i < K; i++) if (r.next() < 0.8) chosen[x * K + i] = items[i];
      }
      const { assignment: a, userLoad, itemExposure } = assignmentOfChoices(chosen, nRows, nCols, K);
      const exposure = new Array(nCols).fill(0);
      for (let x = 0; x < nRows; x++) {
        const want = Array.from(chosen.subarray(x * K, x * K + K))
          .filter((y) => y >= 0)
          .sort((p, q) => p - q);
        expect(Array.from(a.indices.subarray(a.indptr[x], a.indptr[x + 1]))).toEqual(want);
        expect(userLoad[x]).toBe(want.length);
        for (const y of want) exposure[y]++;
      }
      expect(Array.from(itemExposure)).toEqual(exposure);
    }
  });
});

describe("the offline Dual's objective", () => {
  it('equals Σ λ over its decisions (read from the matrix) along resumed slider steps', () => {
    const rng = createRng(8);
    const m = 400;
    const p = 150;
    const scores = denseScores(m, p, drawScores(scoreWorld(p, rng, 16, 1), m, rng));
    const workspace = createDualWorkspace();
    let sol = solveDual(scores, { alpha: 0.04, beta: 0.01 }, { workspace });
    for (const beta of [0.015, 0.02, 0.03, 0.04]) {
      sol = solveDual(scores, { alpha: 0.04, beta }, { workspace, warm: sol.state });
      const want = objectiveOf(scores.data, sol.assignment);
      expect(Math.abs(sol.objective - want)).toBeLessThan(1e-9 * want);
    }
  });

  it('keeps no values in its state, and a step resumed from it without the workspace makes the same decisions', () => {
    const rng = createRng(9);
    const m = 300;
    const p = 120;
    const scores = denseScores(m, p, drawScores(scoreWorld(p, rng, 16, 1), m, rng));
    const workspace = createDualWorkspace();
    let live = solveDual(scores, { alpha: 0.05, beta: 0.01 }, { workspace });
    let reread = live;
    for (const beta of [0.02, 0.03, 0.045]) {
      expect(live.state.auction?.chosen.length).toBe(m * 6);
      expect(live.state.auction && 'values' in live.state.auction).toBe(false);
      // One chain on the workspace's live assignment, one re-marking it from the state alone (an evicted workspace).
      live = solveDual(scores, { alpha: 0.05, beta }, { workspace, warm: live.state });
      reread = solveDual(scores, { alpha: 0.05, beta }, { warm: reread.state });
      expect(Array.from(reread.assignment.indices)).toEqual(Array.from(live.assignment.indices));
      expect(Array.from(reread.state.v)).toEqual(Array.from(live.state.v));
    }
  });
});
