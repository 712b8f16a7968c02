/**
 * A run whose IndexedDB save fails (a full disk) after the planner took its scores: the run worker (its real API) and
 * the planner worker (its real API over the package's solvers) wired as the page wires them.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../src/core/data/synthetic';
import { defaultSolvers } from '../src/core/planner/solvers';
import type { PlannerSolvers } from '../src/core/planner/solvers';
import { runApi } from './run.api';
import { createPlannerApi } from './planner.api';
import { createWorkspaceStore, loadValidScores, type WorkspaceStore } from './workspace';

/** 150 users, 40 items, ~6,000 events (the fast models run in well under a second). */
function world() {
  const g = generateSynthetic({ nUsers: 150, nItems: 40, targetEvents: 6_000, seed: 3 });
  if (!g.ok) throw new Error(g.reason);
  return g.data.dataset;
}

describe('a failed save of the workspace', () => {
  it('the planner took the scores while the save went on; the save fails; the online mode still gets the validation scores', async () => {
    const real = createWorkspaceStore('t-ws-failed', 'ws');
    let open = () => {};
    const gate = new Promise<void>((r) => (open = r));
    /** What the save was asked to write: the run's validation scores, by model. */
    const written = new Map<string, Float32Array>();
    // A save that holds the write lock until the gate opens, then fails as on a full disk (nothing written).
    const full: WorkspaceStore = {
      ...real,
      saveData: async () => {},
      saveRun: async (r, _data, onLocked) => {
        onLocked?.();
        for (const [model, k] of r.kept) if (k.valid) written.set(model, k.valid.slice());
        await gate;
        throw new DOMException('', 'QuotaExceededError');
      },
    };
    runApi.configure({ order: ['cpu'], workspace: full });
    runApi.setDataset(world(), 'full disk');
    const r = await runApi.run({ split: { kind: 'temporal' }, models: ['Pop', 'HP'], seed: 2 });
    if (!r.ok) throw new Error(r.reason);

    // The planner's input while the save goes on: the shared test scores, the validation scores named as saved.
    const input = await runApi.plannerInput();
    if (!input) throw new Error('no planner input');
    const hp = input.models[1];
    expect(hp.test.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(hp.valid).toBeNull();
    expect(hp.validSaved).toBeGreaterThan(0);

    /** The validation scores each online solve calibrated v on, in the order solved. */
    const calibrated: Float32Array[] = [];
    const solvers: PlannerSolvers = {
      ...defaultSolvers,
      online: (valid, test, settings, warm) => {
        calibrated.push(valid.data.slice());
        return defaultSolvers.online!(valid, test, settings, warm);
      },
    };
    const planner = createPlannerApi(solvers, async (m) =>
      m.validSaved === undefined ? null : loadValidScores(m.validSaved, m.model, 't-ws-failed', 'ws'),
    );
    expect(planner.setInput(input).ok).toBe(true);

    open();
    const problem = await runApi.saved();
    // Nothing was saved: the planner cannot read them back.
    const before = await planner.solve({ mode: 'online', alpha: 0.1, beta: 0.02, seq: 1 });
    expect(before.ok && before.data.models.map((m) => m.reason ?? 'solved')).toEqual([
      expect.stringContaining('no longer saved'),
      expect.stringContaining('no longer saved'),
    ]);

    // The run worker kept its scores (the hand-over was undone): asked again, the planner's input carries them whole.
    const again = await runApi.plannerInput();
    expect(again!.models.map((m) => [m.validSaved, Array.from(m.valid ?? [])])).toEqual(
      ['Pop', 'HP'].map((m) => [undefined, Array.from(written.get(m)!)]),
    );
    expect(Array.from(again!.models[1].test)).toEqual(Array.from(hp.test));
    expect(runApi.explore('HP', runApi.exploreItems(1)[0].id, 5).ok).toBe(true);

    // What the page does once the save failed: the scores the planner was told are saved come from the run worker.
    const wanted = planner.validLeftSaved();
    expect(wanted.map((w) => w.model)).toEqual(['Pop', 'HP']);
    const given = await runApi.validScores(wanted[0].savedAt, ['Pop', 'HP']);
    expect(planner.giveValid(wanted[0].savedAt, given)).toEqual(['Pop', 'HP']);
    expect(planner.validLeftSaved()).toEqual([]);

    const after = await planner.solve({ mode: 'online', alpha: 0.1, beta: 0.02, seq: 2 });
    if (!after.ok) throw new Error(after.reason);
    expect(after.data.models.map((m) => [m.model, m.reason ?? 'solved'])).toEqual([
      ['Pop', 'solved'],
      ['HP', 'solved'],
    ]);
    expect(after.data.models.every((m) => m.metrics !== null && m.metrics.recall >= 0)).toBe(true);
    // v was calibrated on the very validation scores the run computed (what the save was asked to write).
    expect(calibrated.map((v) => Array.from(v))).toEqual(['Pop', 'HP'].map((m) => Array.from(written.get(m)!)));

    // The user is told the results will not survive a reload.
    expect(problem).toMatch(
      /^results not saved in this browser: .*QuotaExceededError.*\. They will be gone after a reload/,
    );
    runApi.configure({ order: ['cpu'] });
  });
});
