import { describe, expect, it } from 'vitest';
import { tf } from '../../models/sequence/testing.tf';
import { createRng } from '../../util/rng';
import { CTR_MODEL_NAMES, type CtrModelName, createCtrModel, ctrDims, resolveCtrOptions } from './index';
import { auc, fixtureLog, fixtureSplit } from './testing.fixtures';

// One small world for every model: 300 users × 30 impressions, 3 hidden scenarios (with 20 impressions per user the
// multi-task conversion heads, which learn from all impressions through pCTR·pCVR, stayed near chance in 3 epochs).
const log = fixtureLog({ nUsers: 300, impressionsPerUser: 30, seed: 3 });
const split = fixtureSplit(log);
const dims = ctrDims(log);
const clicks = Array.from(split.test, (i) => log.click[i]);
const clickedTest = Array.from(split.test.keys()).filter((r) => clicks[r] === 1);
const conversions = clickedTest.map((r) => log.conversion[split.test[r]]);

/** The bar a model must pass and a random scorer must fail on the same labels. */
const CTR_BAR = 0.65;
const CVR_BAR = 0.6;
const randomAuc = (labels: number[], seed: number) => {
  const rng = createRng(seed);
  return auc(
    labels.map(() => rng.next()),
    labels,
  );
};

/** Tiny sizes so that each model fits in seconds on the CPU backend. */
const SMALL = { epochs: 3, batchSize: 64, lr: 0.01, patience: 1 };
const SEQ = { ...SMALL, maxLen: 6, embeddingDim: 8 };
const small: Record<CtrModelName, object> = {
  LR: SMALL,
  DeepFM: { ...SEQ, hidden: [16] },
  DIN: { ...SEQ, attentionHidden: 8, hidden: [16] },
  MMoE: { ...SEQ, experts: 3, expertDim: 8, towerHidden: [8] },
  'MT-RNN': { ...SEQ, gruHidden: 8, towerHidden: [8] },
  'MuseNet-soft': { ...SEQ, projectionDim: 8, hidden: 8 },
  'MuseNet-hard': { ...SEQ, projectionDim: 8, hidden: 8 },
  'MuseNet-noscenario': { ...SEQ, projectionDim: 8, hidden: 8 },
  'MuseNet-norepeat': { ...SEQ, projectionDim: 8, hidden: 8 },
};

const build = (name: CtrModelName, extra: object = {}, seed = 1) => {
  const m = createCtrModel(name, dims, { ...small[name], ...extra } as never, seed);
  if (!m.ok) throw new Error(m.reason);
  return m.data;
};

describe('the fixture world and its bars', () => {
  it('a random scorer fails both bars; the true probabilities pass them', () => {
    expect(randomAuc(clicks, 1)).toBeLessThan(CTR_BAR - 0.05);
    expect(randomAuc(conversions, 2)).toBeLessThan(CVR_BAR - 0.03);
    expect(
      auc(
        Array.from(split.test, (i) => log.truth!.pClick[i]),
        clicks,
      ),
    ).toBeGreaterThan(CTR_BAR + 0.1);
    expect(
      auc(
        clickedTest.map((r) => log.truth!.pConvGivenClick[split.test[r]]),
        conversions,
      ),
    ).toBeGreaterThan(CVR_BAR + 0.05);
  });
});

describe.each(CTR_MODEL_NAMES)('%s on the fixture world', (name) => {
  it('learns (test AUC above the bars), leaks no tensors, and says what its conversion head learned from', async () => {
    const start = tf.memory().numTensors;
    const m = build(name);
    const fit = await m.fit(log, split, { rng: createRng(2) });
    if (!fit.ok) throw new Error(fit.reason);
    const p = await m.predict(log, split.test);
    if (!p.ok) throw new Error(p.reason);
    expect(auc(p.data.pCtr, clicks)).toBeGreaterThan(CTR_BAR);
    const info = m.info;
    if (info.heads.includes('cvr')) {
      expect(p.data.pCvr).toBeDefined();
      const cvr = clickedTest.map((r) => p.data.pCvr![r]);
      expect(auc(cvr, conversions)).toBeGreaterThan(CVR_BAR);
    } else expect(p.data.pCvr).toBeUndefined();

    if (info.kind === 'single-task' && info.heads.includes('cvr')) {
      // One network per label; the conversion one saw the clicked impressions only.
      expect(info.conversionSamples).toBe('clicked-only');
      expect(info.options.conversionSamples).toBe('clicked-only');
      const [click, conversion] = fit.data.nets;
      expect(click.trainRows).toBe(split.train.length);
      expect(conversion.trainRows).toBe(split.train.filter((i) => log.click[i] === 1).length);
      expect(conversion.validRows).toBe(split.valid.filter((i) => log.click[i] === 1).length);
    } else if (info.heads.includes('cvr')) {
      expect(info.conversionSamples).toBe('all-impressions');
      expect(fit.data.nets.map((n) => n.trainRows)).toEqual([split.train.length]);
    }

    if (name.startsWith('MuseNet')) {
      const s = p.data.scenarios!;
      const K = name === 'MuseNet-noscenario' ? 1 : 4;
      expect(s.k).toBe(K);
      expect(s.assignment.length).toBe(split.test.length);
      expect(s.assignment.every((k) => k >= 0 && k < K)).toBe(true);
      expect(s.size.reduce((a, b) => a + b, 0)).toBe(split.test.length);
      s.size.forEach((n, k) => {
        if (n === 0) return;
        const rows = Array.from(s.assignment.keys()).filter((r) => s.assignment[r] === k);
        expect(n).toBe(rows.length);
        expect(s.repeatRate[k]).toBeGreaterThanOrEqual(0);
        expect(s.repeatRate[k]).toBeLessThanOrEqual(1);
        if (name === 'MuseNet-norepeat') expect(s.repeatIntention[k]).toBeNaN();
        else expect(s.repeatIntention[k]).toBeGreaterThan(0);
      });
    } else expect(p.data.scenarios).toBeUndefined();

    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  }, 240_000);
});

describe('determinism and bad input', () => {
  it.each(['MT-RNN', 'MuseNet-hard'] as const)(
    '%s: the same seeds give the same predictions',
    async (name) => {
      // A slice of the rows keeps the three fits short.
      const part = { train: split.train.subarray(0, 1500), valid: split.valid.subarray(0, 300) };
      const once = async (seed: number) => {
        const m = build(name, { epochs: 1 });
        await m.fit(log, part, { rng: createRng(seed) });
        const p = await m.predict(log, split.test.subarray(0, 200));
        m.dispose();
        if (!p.ok) throw new Error(p.reason);
        return Array.from(p.data.pCtr);
      };
      const a = await once(5);
      expect(await once(5)).toEqual(a);
      expect(await once(6)).not.toEqual(a);
    },
    240_000,
  );

  it('refuses a log with more users, items or categories than the model was built for', async () => {
    const m = createCtrModel('LR', { ...dims, nItems: dims.nItems - 1 }, {}, 1);
    if (!m.ok) throw new Error(m.reason);
    const f = await m.data.fit(log, split, { rng: createRng(1) });
    expect(f.ok ? '' : f.reason).toMatch(/nItems/);
    const p = await m.data.predict(log, split.test);
    expect(p.ok ? '' : p.code).toBe('bad-data');
    m.data.dispose();
  });

  it('checks options at the edge: messages name the model, the field and the value', () => {
    const bad = (name: CtrModelName, o: object) => {
      const r = resolveCtrOptions(name, o as never);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(bad('LR', { batchSize: 0 })).toBe('LR batchSize: expected a positive integer, got 0');
    expect(bad('DeepFM', { hidden: [16, -1] })).toMatch(/^DeepFM hidden: expected a list of positive integers/);
    expect(bad('MuseNet-soft', { bata: 1 })).toMatch(/^MuseNet-soft bata: expected one of the fields/);
    expect(bad('MuseNet-soft', { alpha: 0 })).toMatch(/^MuseNet-soft alpha: expected a number in \(0, 1\]/);
    expect(bad('MuseNet-hard', { tau: -1 })).toMatch(/tau: expected a number > 0/);
    expect(bad('MuseNet-hard', { assignment: 'soft' })).toMatch(
      /assignment: expected "hard" \(fixed by MuseNet-hard\)/,
    );
    expect(bad('MuseNet-noscenario', { scenarios: 4 })).toMatch(/scenarios: expected 1/);
    expect(bad('DIN', { conversionSamples: 'all' })).toMatch(/conversionSamples: expected 'clicked-only'/);
    expect(bad('MMoE', { lr: -0.1 })).toMatch(/lr: expected a number > 0/);
    expect(bad('MT-RNN', { patience: 1.5 })).toMatch(/patience: expected an integer ≥ 0/);
    expect(bad('MuseNet-soft', { scenarios: 3, beta: 0 })).toBe('accepted');
    const r = resolveCtrOptions('MuseNet-hard');
    expect(r.ok && [r.data.scenarios, r.data.beta, r.data.alpha, r.data.tau, r.data.lr]).toEqual([
      4, 0.5, 0.2, 0.1, 0.001,
    ]);
    const d = createCtrModel('MMoE', { ...dims, nUsers: 0 });
    expect(d.ok ? '' : d.reason).toBe('dims.nUsers: expected a positive integer, got 0');
  });
});
