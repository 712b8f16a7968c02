import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run';
import { UsageError } from '../command';
import { movieLens } from '../../testing/sharedData';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rimw run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rimw-run-'));
  /** 12 users walking a 6-item ring: tiny, so the WASM self-test and one epoch take about a second. */
  const ringLog = (name: string) => {
    const rows = ['user,item,rating,timestamp'];
    for (let u = 0; u < 12; u++)
      for (let k = 0; k < 10; k++) rows.push(`${u},${(u + k) % 6},5,${1_000_000 + u * 10 + k * 3600}`);
    writeFileSync(join(dir, name), rows.join('\n') + '\n');
    return join(dir, name);
  };
  /** Pop and a tiny RNN, one epoch. */
  const seqConfig = (name: string) => {
    const sequence = { hidden: 8, layers: 1, maxLen: 8 };
    writeFileSync(
      join(dir, name),
      JSON.stringify({ split: { kind: 'user' }, models: ['Pop', 'RNN'], seed: 1, epochs: 1, sequence }),
    );
    return join(dir, name);
  };

  it('runs a config on a synthetic world and writes rime-style results', async () => {
    const cfg = join(dir, 'cfg.json');
    const out = join(dir, 'res.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        split: { kind: 'temporal', horizon: 7 * 86400 },
        models: ['Pop', 'Hawkes', 'Rand', 'ALS'],
        seed: 2,
        itemRecTopK: 10,
        epochs: 2,
      }),
    );
    const c = capture();
    expect(await run.run(['synth:small:5', '--config', cfg, '--out', out], c.io)).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(res.item_rec)).toEqual(['Pop', 'Hawkes', 'Rand', 'ALS']);
    expect(Object.keys(res.user_rec)).toEqual(['Pop', 'Hawkes', 'Rand', 'ALS']);
    expect(res.item_rec.Pop['recs/user']).toBe(10);
    expect(res.failed).toEqual({});
    expect(res.meta.ALS.epochs).toBe(2);
    expect(res.meta.Hawkes.hawkes.mu).toBeGreaterThanOrEqual(0);
    expect(res.split.horizon).toBe(7 * 86400);
    expect(res.user_rec.Hawkes.recall).toBeGreaterThan(res.user_rec.Rand.recall);
    expect(c.err.join('\n')).toMatch(/Hawkes +ItemRec prec/);
  });

  it('reads a MovieLens ratings.csv in place and evaluates on a user split', async ({ skip }) => {
    const cfg = join(dir, 'ml.json');
    const out = join(dir, 'ml-res.json');
    writeFileSync(cfg, JSON.stringify({ split: { kind: 'user' }, models: ['Pop', 'Hawkes', 'Rand'], seed: 1 }));
    const c = capture();
    const file = join(movieLens(skip, 'ratings.csv'), 'ratings.csv');
    expect(await run.run([file, '--config', cfg, '--out', out], c.io)).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8'));
    expect(res.split.trainUsers).toBe(610);
    expect(res.user_rec.Hawkes.recall).toBeGreaterThan(res.user_rec.Pop.recall);
    expect(res.item_rec.Pop.recall).toBeGreaterThan(res.item_rec.Rand.recall);
    const c2 = capture();
    expect(await run.run([join(dir, 'missing.csv')], c2.io)).toBe(1);
    expect(c2.err.join('')).toContain('missing.csv');
  });

  it('--protocol ml-1m filters the log (each user keeps the second half of its ring walk) and splits by user', async () => {
    const out = join(dir, 'protocol.json');
    const c = capture();
    expect(
      await run.run([ringLog('ring-protocol.csv'), '--protocol', 'ml-1m', '--models', 'Pop', '--out', out], c.io),
    ).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    // 12 users × 10 events; positions 5…10 of 10 stay (j/10 ≥ ½).
    expect(r.protocol).toMatchObject({ name: 'ml-1m', before: { events: 120 }, after: { events: 72 } });
    expect(r.config).toMatchObject({ protocol: 'ml-1m', split: { kind: 'user' } });
    expect(r.split.trainEvents + r.split.testEvents).toBeLessThanOrEqual(72);
    await expect(run.run(['synth:small', '--protocol', 'ml-20m'], capture().io)).rejects.toThrow(
      /--protocol 'ml-20m' must be one of ml-1m, netflix, yoochoose/,
    );
  });

  it('refuses a bad config naming the field and value, and a bad dataset name', async () => {
    const cfg = join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ split: { kind: 'temporal' }, models: ['Pop'], seed: 1, itemRecTopK: -3 }));
    const c = capture();
    expect(await run.run(['synth:small', '--config', cfg], c.io)).toBe(1);
    expect(c.err.join('')).toContain('itemRecTopK = -3');
    const c2 = capture();
    expect(await run.run(['synth:nope', '--models', 'Pop'], c2.io)).toBe(1);
    expect(c2.err.join('')).toContain("unknown synthetic preset 'nope'");
    const c3 = capture();
    expect(await run.run(['synth:small', '--models', 'Pop,Nope'], c3.io)).toBe(1);
    expect(c3.err.join('')).toContain('models[1] = "Nope"');
    await expect(run.run(['synth:small', '--bogus'], capture().io)).rejects.toThrow(UsageError);
    await expect(run.run(['synth:small', '--backend', 'webgl'], capture().io)).rejects.toThrow(
      /--backend 'webgl' must be one of cpu, wasm, webgpu, auto/,
    );
  });

  it('trains sequence models on the backend --backend asks for and says which one, as the app does', async () => {
    const log = ringLog('ring.csv');
    const cfg = seqConfig('seq.json');
    const c = capture();
    expect(await run.run([log, '--config', cfg, '--backend', 'wasm'], c.io)).toBe(0);
    expect(c.err[0]).toMatch(/^backend: wasm \(self-test diff \d/);
    const res = JSON.parse(c.out.join(''));
    expect(res.meta.RNN.backend).toBe('wasm');
    expect(res.meta.Pop.backend).toBe('js');
    const c2 = capture();
    expect(await run.run([log, '--config', cfg, '--models', 'Pop'], c2.io)).toBe(0);
    expect(c2.err.join('\n')).not.toMatch(/backend:/);
  });

  it('--threads N trains the sequence models on N worker threads, says so after the backend, and 1 means none', async () => {
    const log = ringLog('ring-threads.csv');
    const cfg = seqConfig('seq-threads.json');
    const two = capture();
    expect(await run.run([log, '--config', cfg, '--backend', 'wasm', '--threads', '2'], two.io)).toBe(0);
    expect(two.err[1]).toMatch(/^threads: 2 \(worker threads, each batch split among model replicas/);
    const one = capture();
    expect(await run.run([log, '--config', cfg, '--backend', 'wasm', '--threads', '1'], one.io)).toBe(0);
    expect(one.err[1]).toBe('threads: 1');
    const [a, b] = [two, one].map((c) => JSON.parse(c.out.join('')).meta.RNN);
    expect([a.threads, b.threads]).toEqual([2, 1]);
    expect(a.finalLoss).toBeCloseTo(b.finalLoss, 4);
    await expect(run.run([log, '--threads', '0'], capture().io)).rejects.toThrow(
      /--threads '0' must be an integer from 1 to 64/,
    );
  });

  it('trains sequence models on the fastest backend that passes its self-test when --backend is not given', async () => {
    const c = capture();
    expect(await run.run([ringLog('ring-auto.csv'), '--config', seqConfig('seq-auto.json')], c.io)).toBe(0);
    const used = JSON.parse(c.out.join('')).meta.RNN.backend;
    // WASM works in Node; WebGPU wins only on a real GPU (a software adapter is passed over, and the line says why).
    expect(['wasm', 'webgpu']).toContain(used);
    expect(c.err[0]).toMatch(new RegExp(`^backend: ${used} \\(.*self-test diff \\d`));
    if (used === 'wasm') expect(c.err[0]).toMatch(/\(skipped: webgpu: .+\)$/);
  });
});
