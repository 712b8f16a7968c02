import { describe, expect, it } from 'vitest';
import { tf } from '../models/sequence/testing.tf';
import { generateSynthetic } from '../data/synthetic/index';
import { makeSplit } from '../data/split';
import { SequenceModel } from '../models/sequence/index';
import { createRng } from '../util/rng';
import { runExperiment } from '../pipeline/run';
import { defaultRegistry } from '../pipeline/defaultRegistry';
import { DEFAULT_TUNE_SPACE, drawSettings, tuneSequenceModel, validationScore, type TuneProgress } from './tune';
import { resolveSeqConfig } from '../models/sequence/config';

const DAY = 86_400;
const g = generateSynthetic({ nUsers: 120, nItems: 20, targetEvents: 3_000, recency: 0.5, seed: 2 });
if (!g.ok) throw new Error(g.reason);
const { dataset } = g.data;
const sp = makeSplit(dataset, { kind: 'temporal', horizon: 60 * DAY });
if (!sp.ok) throw new Error(sp.reason);
const split = sp.data;
/** Tiny models, two epochs: the search's mechanics, not its quality (bench quality measures that). */
const BASE = { kind: 'gru' as const, hidden: 8, layers: 1, maxLen: 16, bptt: 16, epochs: 2 };
const SPACE = { hidden: [4, 8] };

describe('tuneSequenceModel', () => {
  it('draws seeded settings (the first trial the base config) and keeps the trial of lowest validation NLL', async () => {
    const base = resolveSeqConfig(BASE);
    if (!base.ok) throw new Error(base.reason);
    const rng = createRng(1);
    const draws = Array.from({ length: 40 }, (_, i) => drawSettings(i, base.data, DEFAULT_TUNE_SPACE, rng));
    expect(draws[0]).toEqual({ lr: 0.1, hidden: 8, dropout: 0, weightDecay: 0 });
    for (const d of draws.slice(1)) {
      expect(d.lr).toBeGreaterThanOrEqual(0.01);
      expect(d.lr).toBeLessThanOrEqual(0.3);
      expect(DEFAULT_TUNE_SPACE.hidden).toContain(d.hidden);
      expect(d.dropout).toBeGreaterThanOrEqual(0);
      expect(d.dropout).toBeLessThan(0.5);
      expect(d.weightDecay === 0 || (d.weightDecay >= 1e-7 && d.weightDecay <= 1e-3)).toBe(true);
    }
    expect(draws.some((d) => d.weightDecay === 0) && draws.some((d) => d.weightDecay > 0)).toBe(true);

    const seen: TuneProgress[] = [];
    const before = tf.memory().numTensors;
    const run = () => tuneSequenceModel(dataset, split, BASE, { trials: 2, seed: 4, space: SPACE });
    const a = await tuneSequenceModel(dataset, split, BASE, {
      trials: 2,
      seed: 4,
      space: SPACE,
      onProgress: (p) => seen.push(p),
    });
    if (!a.ok) throw new Error(a.reason);
    expect(tf.memory().numTensors).toBe(before);
    expect(a.data.stopped).toBe('done');
    expect(a.data.trials.map((t) => t.index)).toEqual([0, 1]);
    expect(a.data.trials[0].settings).toEqual({ lr: 0.1, hidden: 8, dropout: 0, weightDecay: 0 });
    const bestNll = Math.min(...a.data.trials.map((t) => t.validNll));
    expect(a.data.best?.validNll).toBe(bestNll);
    for (const t of a.data.trials) {
      expect(Number.isFinite(t.validNll)).toBe(true);
      expect(t.validRecall).toBeGreaterThanOrEqual(0);
    }
    // Progress: trials counted up, per-epoch reports inside a trial, the best so far never worse.
    expect(seen[seen.length - 1].done).toBe(2);
    expect(seen.some((p) => p.current?.fit?.validLoss !== undefined)).toBe(true);
    let last = Infinity;
    for (const p of seen) {
      const v = p.best?.validNll ?? Infinity;
      expect(v).toBeLessThanOrEqual(last);
      last = v;
    }
    // Seeded: the same search again gives the same trials.
    const b = await run();
    if (!b.ok) throw new Error(b.reason);
    expect(b.data.trials.map((t) => [t.settings, t.validNll])).toEqual(
      a.data.trials.map((t) => [t.settings, t.validNll]),
    );
  });

  it('stops on the signal within a trial and on the time budget, returning the trials done', async () => {
    const signal = { aborted: false };
    const r = await tuneSequenceModel(dataset, split, BASE, {
      trials: 5,
      seed: 1,
      space: SPACE,
      signal,
      onProgress: (p) => {
        if (p.done === 1 && p.current?.fit) signal.aborted = true;
      },
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.stopped).toBe('aborted');
    expect(r.data.trials.length).toBe(1);
    const t = await tuneSequenceModel(dataset, split, BASE, { trials: 5, seed: 1, space: SPACE, minutes: 1e-6 });
    if (!t.ok) throw new Error(t.reason);
    expect(t.data.stopped).toBe('time');
    expect(t.data.trials.length).toBe(0);
    expect(t.data.best).toBeNull();
  });

  it('refuses a bad budget and a split without validation events, as values', async () => {
    const bad = await tuneSequenceModel(dataset, split, BASE, { trials: 0, seed: 1 });
    expect(bad.ok ? '' : bad.code).toBe('bad-config');
    const empty = { ...split, valid: { ...split.valid, users: new Int32Array(0) } };
    const none = await tuneSequenceModel(dataset, empty, BASE, { trials: 1, seed: 1 });
    expect(none.ok ? '' : none.code).toBe('no-data');
  });
});

describe('validationScore', () => {
  it('is the mean −log p(y|x) over the window events, p recomputed from the factors by hand', async () => {
    const m = SequenceModel.create({ ...BASE, mixture: false }, dataset.nItems, 3);
    if (!m.ok) throw new Error(m.reason);
    m.data.bindDataset(dataset);
    const rows = split.valid;
    const s = await validationScore(m.data, dataset, rows);
    const f = await m.data.factors(rows);
    let sum = 0;
    let n = 0;
    for (let r = 0; r < rows.users.length; r++) {
      const z = Array.from({ length: dataset.nItems }, (_, y) => {
        let v = f.itemBias[y];
        for (let d = 0; d < f.dim; d++) v += f.hidden[r * f.dim + d] * f.itemEmb[y * f.dim + d];
        return v;
      });
      const mx = Math.max(...z);
      const lse = mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0));
      for (let q = rows.target.indptr[r]; q < rows.target.indptr[r + 1]; q++) {
        sum -= rows.target.data[q] * (z[rows.target.indices[q]] - lse);
        n += rows.target.data[q];
      }
    }
    expect(s.nll).toBeCloseTo(sum / n, 4);
    m.data.dispose();
  });
});

describe('tune in a run', () => {
  it('"tune": {"trials": 2} trains the RNN with the chosen settings and records the trials in its metadata', async () => {
    const res = await runExperiment(
      dataset,
      { split: { kind: 'temporal', horizon: 60 * DAY }, models: ['RNN'], seed: 2, tune: { trials: 2 } },
      { registry: defaultRegistry({ sequence: { layers: 1, maxLen: 16, bptt: 16, epochs: 2, hidden: 8 } }) },
    );
    if (!res.ok) throw new Error(res.reason);
    const tune = res.data.meta.RNN.tune;
    expect(tune?.trials.length).toBe(2);
    expect(tune?.best).toEqual(
      tune?.trials.reduce((a, t) => (t.validNll < a.validNll ? t : a), tune.trials[0]).settings,
    );
    expect(res.data.item_rec.RNN.recall).toBeGreaterThanOrEqual(0);
  });
});
