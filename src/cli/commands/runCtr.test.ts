import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run';
import { generateCtrWorld, impressionCsv } from '../../core/ctr/index';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rimw run with "task": "ctr"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rimw-ctr-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const world = generateCtrWorld({
    seed: 2,
    nUsers: 80,
    nItems: 40,
    nCategories: 4,
    nScenarios: 2,
    targetImpressions: 3000,
  });
  if (!world.ok) throw new Error(world.reason);
  const csv = [...impressionCsv(world.data.log)].join('');
  const tiny = file(
    'cfg.json',
    JSON.stringify({ task: 'ctr', models: ['LR', 'MT-RNN'], seed: 1, epochs: 1, embeddingDim: 4, maxLen: 4 }),
  );

  it('trains on an impression file and writes the ctr section; a bad label row is left out and named by line', async () => {
    const lines = csv.split('\n');
    // Line 3 gets a label that is not 0/1; line 5 a conversion without a click.
    lines[2] = lines[2].replace(/,[01],([01])(,|$)/, ',maybe,$1$2');
    const f5 = lines[4].split(',');
    f5[3] = '0';
    f5[4] = '1';
    lines[4] = f5.join(',');
    const f = file('impressions.csv', lines.join('\n'));
    const out = join(dir, 'res.json');
    const c = capture();
    expect(await run.run([f, '--config', tiny, '--out', out], c.io)).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(res.ctr.models)).toEqual(['LR', 'MT-RNN']);
    expect(res.ctr.models['MT-RNN'].tasks.clickConversion.auc).toBeGreaterThan(0);
    expect(res.ctr.oracle).toBeUndefined();
    // Every other row is kept.
    expect(res.data.impressions).toBe(world.data.log.user.length - 2);
    const stderr = c.err.join('\n');
    expect(stderr).toMatch(/impressions\.csv: 1 row\(s\) with a label that is not 0, 1, true or false.*line 3/);
    expect(stderr).toMatch(/impressions\.csv: 1 row\(s\) with a conversion but no click.*line 5/);
  }, 60_000);

  it('reads synth-ctr:PRESET:SEED and scores the oracle beside the models', async () => {
    const c = capture();
    expect(await run.run(['synth-ctr:small:3', '--config', tiny, '--models', 'LR'], c.io)).toBe(0);
    const res = JSON.parse(c.out.join(''));
    expect(res.data.impressions).toBeGreaterThan(10_000);
    expect(res.ctr.oracle.tasks.click.auc).toBeGreaterThan(0.6);
    // One epoch at Adam's 0.001 barely moves LR: its AUC is defined, not necessarily above chance.
    expect(res.ctr.models.LR.tasks.click.auc).toEqual(expect.any(Number));
    expect(res.ctr.models.LR.tasks.click.roc.fpr.length).toBeGreaterThan(2);
  }, 60_000);

  it('refuses a bad config, an unknown world and an empty file with a message naming what was wrong', async () => {
    const bad = file('bad.json', JSON.stringify({ task: 'ctr', models: ['LR', 'Pop'], seed: 1 }));
    let c = capture();
    expect(await run.run(['synth-ctr:small', '--config', bad], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/models\[1\] = "Pop": unknown model; expected one of LR, DeepFM/);
    c = capture();
    expect(await run.run(['synth-ctr:huge'], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/unknown synthetic impression world 'huge'; have small, 1m, high-repeat/);
    c = capture();
    const empty = file('empty.csv', '');
    expect(await run.run([empty, '--config', tiny], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(/empty\.csv: /);
  });
});
