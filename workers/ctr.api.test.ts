import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ctrApi, type RunProgress } from './ctr.api';
import { createWorkspaceStore } from './workspace';
import { checkInput } from '../src/core/planner/inputCheck';

/** A small impression CSV: 40 users over 14 days, 10 items; clicks where (user + item) % 4 = 0, converting every third. */
function csv(): string[] {
  const lines = ['user_id,item_id,timestamp,click,conversion'];
  for (let u = 0; u < 40; u++)
    for (let k = 0; k < 14; k++) {
      const item = (u * 7 + k * 3) % 10;
      const click = (u + item) % 4 === 0 ? 1 : 0;
      const conv = click && (u + k) % 3 === 0 ? 1 : 0;
      lines.push(`u${u},i${item},${1_700_000_000 + k * 86_400 + u * 60},${click},${conv}`);
    }
  return lines;
}

describe('ctrApi', () => {
  it('reads an impression file, leaves out a bad row and names its line and what was expected', async () => {
    const lines = csv();
    lines[2] = lines[2].replace(/,([01]),([01])$/, ',2,$2');
    lines[6] = lines[6].replace(/,([01]),([01])$/, ',0,1');
    const r = await ctrApi.loadFile(new Blob([lines.join('\n') + '\n']), 'log.csv');
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.summary.impressions).toBe(lines.length - 1 - 2);
    expect(r.data.problems).toEqual([
      { line: 3, reason: 'label not 0, 1, true or false', text: '' },
      { line: 7, reason: 'conversion without a click', text: '' },
    ]);
    expect(r.data.skipped).toBe(2);
    expect(r.data.summary.notes.join(' ')).toMatch(/line 3/);
  });

  it('keeps the log it holds when a file is refused', async () => {
    const good = await ctrApi.loadFile(new Blob([csv().join('\n')]), 'good.csv');
    expect(good.ok).toBe(true);
    const r = await ctrApi.loadFile(new Blob(['user_id,item_id,timestamp,click\n']), 'header-only.csv');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^header-only\.csv: .*previous data kept$/);
    expect(ctrApi.data()?.source).toBe('good.csv');
  });

  it('runs a config with batched progress and a row per model, and cancels within a batch', async () => {
    ctrApi.configure({ order: ['cpu'] });
    const g = ctrApi.generate('small', 2);
    if (!g.ok) throw new Error(g.reason);
    expect(g.data.trueScenarios).toBe(2);
    const progress: RunProgress[] = [];
    const rows: string[] = [];
    const config = { task: 'ctr' as const, models: ['LR' as const], seed: 1, epochs: 1, batchSize: 1024 };
    const r = await ctrApi.run(
      config,
      (p) => progress.push(p),
      (name) => rows.push(name),
    );
    if (!r.ok) throw new Error(r.reason);
    expect(rows).toEqual(['LR']);
    expect(new Set(progress.filter((p) => p.epochs > 0).map((p) => p.model))).toEqual(
      new Set(['LR · click', 'LR · conversion']),
    );
    expect(progress.at(-1)?.fraction).toBe(1);
    expect(r.data.oracle?.tasks.click?.auc).toBeGreaterThan(0.6);

    const running = ctrApi.run({ ...config, epochs: 5, batchSize: 64 }, () => ctrApi.cancel());
    expect(await ctrApi.run(config)).toMatchObject({ ok: false, code: 'busy' });
    const s = await running;
    expect(s.ok ? 'finished' : s.code).toBe('aborted');
  }, 60_000);

  it('refuses a bad config with the field named, and a run without data', async () => {
    const bad = await ctrApi.run({ task: 'ctr', models: ['LR'], seed: 1, epochs: 0 });
    expect(bad).toMatchObject({ ok: false, code: 'bad-config' });
    if (!bad.ok) expect(bad.reason).toMatch(/epochs = 0/);
    ctrApi.clear();
    expect(await ctrApi.run({ task: 'ctr', models: ['LR'], seed: 1 })).toMatchObject({ ok: false, code: 'no-data' });
  });
});

describe('ctrApi saved in IndexedDB', () => {
  it('restores the log and the run after a reload only for the same data, split and config', async () => {
    ctrApi.configure({ order: ['cpu'] }, createWorkspaceStore('t-ctr', 'ws'));
    const g = ctrApi.generate('tiny', 1);
    if (!g.ok) throw new Error(g.reason);
    const config = { task: 'ctr' as const, models: ['LR' as const], seed: 1, epochs: 1, embeddingDim: 4 };
    const progress: RunProgress[] = [];
    const r = await ctrApi.run(config, (p) => progress.push(p));
    if (!r.ok) throw new Error(r.reason);

    // The conversion model's scores for the planner: test users × items, shapes the planner accepts, probabilities.
    const input = ctrApi.plannerInput();
    // Their scoring was reported, the last message at every test user.
    const scoring = progress.filter((p) => p.scoring);
    expect(scoring.length).toBeGreaterThan(0);
    expect(scoring.at(-1)).toMatchObject({
      model: 'LR',
      scoring: { users: input!.target.nRows, of: input!.target.nRows },
      etaSeconds: 0,
    });
    expect(input?.models.map((m) => m.model)).toEqual(['LR (pCTR×pCVR)']);
    expect(checkInput(input!)).toBeNull();
    expect(input!.target.nCols).toBe(g.data.summary.items);
    expect(input!.models[0].test.every((x) => x > 0 && x < 1)).toBe(true);

    // A reload: the worker starts empty.
    ctrApi.clear();
    expect(ctrApi.plannerInput()).toBeNull();
    const back = await ctrApi.restore(config);
    expect(back?.data).toEqual(g.data);
    expect(back?.result).toEqual(r.data);
    expect(ctrApi.plannerInput()).toEqual(input);
    expect(ctrApi.data()?.source).toBe(g.data.source);

    for (const other of [
      { ...config, seed: 2 },
      { ...config, split: { protocol: 'ads' as const, validFraction: 0.3 } },
      { ...config, epochs: 2 },
    ]) {
      ctrApi.clear();
      const b = await ctrApi.restore(other);
      expect(b?.data.source).toBe(g.data.source);
      expect(b?.result).toBeNull();
      expect(ctrApi.plannerInput()).toBeNull();
    }

    // Another world saved since: the run was of the old one.
    expect(ctrApi.generate('tiny', 2).ok).toBe(true);
    ctrApi.clear();
    const stale = await ctrApi.restore(config);
    expect(stale?.data.source).toBe('synthetic impressions tiny (seed 2)');
    expect(stale?.result).toBeNull();

    // A log loaded meanwhile wins over the saved one.
    expect(await ctrApi.restore(config)).toBeNull();
    ctrApi.configure({ order: ['cpu'] });
  }, 60_000);
});
