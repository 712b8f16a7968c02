import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../../core/util/rng';
import { denseScores, materialize } from '../../core/models/scores';
import { factorSource, type Factors } from '../../core/planner/factors';
import { solveGreedy } from '../../core/planner/greedy';
import { dual } from './dual';
import { run } from './run';
import { loadFactors, saveFactors } from './factored';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

function factors(): Factors {
  const rng = createRng(11);
  const n = 400;
  const p = 60;
  const D = 4;
  return {
    nUsers: n,
    nItems: p,
    dim: D,
    users: Float32Array.from({ length: n * D }, () => rng.next()),
    items: Float32Array.from({ length: p * D }, () => rng.next() ** 2),
    lambda: Float32Array.from({ length: n }, () => 0.5 + rng.next()),
    itemBias: Float32Array.from({ length: p }, () => 0.01 * rng.next()),
    link: 'linear',
  };
}

describe('factored input (rimw dual --factors, rimw run)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rimw-factors-'));
  const f = factors();
  const fdir = join(dir, 'f');
  saveFactors(fdir, f);

  it('a factors directory reads back as written', () => {
    const r = loadFactors(fdir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.nUsers).toBe(400);
    expect(Array.from(r.data.users)).toEqual(Array.from(f.users));
    expect(Array.from(r.data.itemBias!)).toEqual(Array.from(f.itemBias!));
    expect(Array.from(r.data.lambda!)).toEqual(Array.from(f.lambda!));
  });

  it('greedy on factors: the dense greedy decisions (objective, exposures) on the same scores', async () => {
    const out = join(dir, 'greedy.json');
    const c = capture();
    const code = await dual.run(
      ['--factors', fdir, '--alpha', String(6 / 60), '--beta', '0.02', '--mode', 'greedy', '--out', out],
      c.io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const data = materialize(factorSource(f))!;
    const dense = solveGreedy(denseScores(400, 60, data), { alpha: 6 / 60, beta: 0.02 });
    expect(r.mode).toBe('greedy');
    expect(r.objective).toBeCloseTo(dense.objective, 2);
    expect(r.itemExposures).toEqual(Array.from(dense.itemExposure));
    expect(r.report.uncertifiedRows).toBe(0);
    expect(r.assignments).toBe(400 * 6);
  });

  it('offline on factors: v per item, every user at capacity, the summary and peak memory', async () => {
    const c = capture();
    expect(await dual.run(['--factors', fdir, '--alpha', '0.1', '--beta', '0.02', '--passes', '2'], c.io)).toBe(0);
    const r = JSON.parse(c.out[0]);
    expect(r.mode).toBe('offline');
    expect(r.v).toHaveLength(60);
    expect(r.v.every((v: number) => v <= 0)).toBe(true);
    expect(r.userLoad).toEqual({ min: 6, max: 6 });
    expect(r.report.shortUsers).toHaveLength(2);
    expect(r.peakRssMiB).toBeGreaterThan(0);
  });

  it('rimw run on a factors directory runs the planner at the config K and first β', async () => {
    const cfg = join(dir, 'cfg.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        split: { kind: 'temporal' },
        models: ['Pop'],
        seed: 1,
        itemRecTopK: 3,
        match: { betas: [0.01], alphas: [0.01], mode: 'greedy' },
      }),
    );
    const c = capture();
    expect(await run.run([fdir, '--config', cfg], c.io), c.err.join('\n')).toBe(0);
    const r = JSON.parse(c.out[0]);
    expect(r.planner.K).toBe(3);
    expect(r.planner.beta).toBe(0.01);
    expect(r.planner.mode).toBe('greedy');
  });

  it("world:PRESET/DIV divides the preset's users and items", () => {
    const f10 = loadFactors('world:small:2/10');
    expect(f10.ok && [f10.data.nUsers, f10.data.nItems]).toEqual([200, 50]);
  });

  it('bad factors name the file and what was expected', async () => {
    const bad = join(dir, 'bad');
    saveFactors(bad, f);
    writeFileSync(join(bad, 'items.f32'), new Uint8Array(12));
    const c = capture();
    expect(await dual.run(['--factors', bad, '--alpha', '0.1', '--beta', '0'], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/items\.f32: 12 bytes, expected 240 float32 values \(960 bytes\)/);
    const w = capture();
    expect(await dual.run(['--factors', 'world:nope', '--alpha', '0.1', '--beta', '0'], w.io)).toBe(1);
    expect(w.err.join('\n')).toMatch(/unknown synthetic preset 'nope'/);
    expect(await dual.run(['--factors', 'world:small/0', '--alpha', '0.1', '--beta', '0'], w.io)).toBe(1);
    expect(w.err.join('\n')).toMatch(/with \/DIV \(a whole number\)/);
    await expect(dual.run(['--factors', fdir, '--alpha', '0.1', '--beta', '0', '--mode', 'x'], w.io)).rejects.toThrow(
      /--mode 'x'/,
    );
  });
});
