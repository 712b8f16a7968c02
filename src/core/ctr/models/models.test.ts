import { describe, expect, it } from 'vitest';
import { tf } from '../../models/sequence/testing.tf';
import { createRng } from '../../util/rng';
import { adjustedRandIndex, auc, type Metric } from '../metrics';
import { testWorld } from '../testing.world';
import { CTR_MODEL_NAMES, type CtrModelName, createCtrModel, ctrDims, resolveCtrOptions } from './index';

// One small synthetic world for every model (world.ts, the `scenarios` preset: K = 2 scenarios that the page shows
// with p 0.8), shrunk to 300 users and 60 items with stronger item effects so that a few epochs learn something,
// and conversions made common enough (convBias −1) to score. Split by MuseNet's ADS protocol.
const { log, split } = testWorld('scenarios', {
  nUsers: 300,
  nItems: 60,
  nCategories: 6,
  targetImpressions: 15_000,
  itemQuality: 1.5,
  convBias: -1,
  itemConversion: 1.5,
});
const dims = ctrDims(log);
const n = log.click.length;
const clickConv = Uint8Array.from(log.click, (c, i) => (c && log.conversion[i] ? 1 : 0));
/** Scores of the test rows spread over every impression (metrics.ts takes per-impression arrays and rows). */
const full = (testScores: ArrayLike<number>) => {
  const f = new Float64Array(n);
  split.test.forEach((r, k) => (f[r] = testScores[k]));
  return f;
};
const value = (m: Metric) => {
  if (!m.ok) throw new Error(m.reason);
  return m.data;
};
const truth = log.truth!;

/** The bars a model must pass, and a random scorer must fail, on the same test rows. */
const CTR_BAR = 0.6;
const CTCVR_BAR = 0.6;
const randomScores = (seed: number) => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.next());
};

/** Tiny sizes so that each model fits in seconds on the CPU backend. */
const SMALL = { epochs: 3, batchSize: 64, lr: 0.01, patience: 1 };
const SEQ = { ...SMALL, maxLen: 6, embeddingDim: 8 };
const MUSE = { ...SEQ, projectionDim: 8, hidden: 8 };
const small: Record<CtrModelName, object> = {
  LR: SMALL,
  DeepFM: { ...SEQ, hidden: [16] },
  DIN: { ...SEQ, attentionHidden: 8, hidden: [16] },
  MMoE: { ...SEQ, experts: 3, expertDim: 8, towerHidden: [8] },
  'MT-RNN': { ...SEQ, gruHidden: 8, towerHidden: [8] },
  'MuseNet-soft': MUSE,
  'MuseNet-hard': MUSE,
  'MuseNet-noscenario': MUSE,
  'MuseNet-norepeat': MUSE,
};

const build = (name: CtrModelName, extra: object = {}, seed = 1) => {
  const m = createCtrModel(name, dims, { ...small[name], ...extra } as never, seed);
  if (!m.ok) throw new Error(m.reason);
  return m.data;
};

describe('the test world and its bars', () => {
  it('a random scorer fails both bars; the true probabilities pass them', () => {
    expect(value(auc(log.click, randomScores(1), split.test))).toBeLessThan(CTR_BAR - 0.05);
    expect(value(auc(clickConv, randomScores(2), split.test))).toBeLessThan(CTCVR_BAR - 0.05);
    expect(value(auc(log.click, truth.pClick, split.test))).toBeGreaterThan(CTR_BAR + 0.15);
    const joint = Float64Array.from(truth.pClick, (p, i) => p * truth.pConvGivenClick[i]);
    expect(value(auc(clickConv, joint, split.test))).toBeGreaterThan(CTCVR_BAR + 0.15);
  });
});

describe.each(CTR_MODEL_NAMES)('%s on the test world', (name) => {
  it('learns (test AUC above the bars), leaks no tensors, and says what its conversion head learned from', async () => {
    const start = tf.memory().numTensors;
    const m = build(name);
    const fit = await m.fit(log, split, { rng: createRng(2) });
    if (!fit.ok) throw new Error(fit.reason);
    const p = await m.predict(log, split.test);
    if (!p.ok) throw new Error(p.reason);
    expect(value(auc(log.click, full(p.data.pCtr), split.test))).toBeGreaterThan(CTR_BAR);
    const info = m.info;
    if (info.heads.includes('cvr')) {
      expect(p.data.pCvr).toBeDefined();
      // pCTR·pCVR against click·conversion over every test impression (too few conversions for a CVR AUC).
      const joint = full(Float64Array.from(p.data.pCtr, (c, k) => c * p.data.pCvr![k]));
      expect(value(auc(clickConv, joint, split.test))).toBeGreaterThan(CTCVR_BAR);
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
      const ari = value(
        adjustedRandIndex(
          s.assignment,
          Array.from(split.test, (i) => truth.scenario[i]),
        ),
      );
      expect(ari).toBeGreaterThanOrEqual(-0.1);
      expect(ari).toBeLessThanOrEqual(1);
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

describe('MuseNet finds the true scenarios', () => {
  it('MuseNet-hard with K = 2 agrees with the world’s scenarios (adjusted Rand index ≥ 0.4; a collapse gives ≈ 0)', async () => {
    const m = build('MuseNet-hard', { scenarios: 2 });
    const fit = await m.fit(log, split, { rng: createRng(2) });
    if (!fit.ok) throw new Error(fit.reason);
    const p = await m.predict(log, split.test);
    if (!p.ok) throw new Error(p.reason);
    const s = p.data.scenarios!;
    // The page alone (the best single cue here) agrees to about 0.6; a collapsed learner to about 0.
    const byPage = value(
      adjustedRandIndex(
        Array.from(split.test, (i) => log.context![i]),
        Array.from(split.test, (i) => truth.scenario[i]),
      ),
    );
    expect(byPage).toBeGreaterThan(0.5);
    expect(
      value(
        adjustedRandIndex(
          s.assignment,
          Array.from(split.test, (i) => truth.scenario[i]),
        ),
      ),
    ).toBeGreaterThanOrEqual(0.4);
    expect(Math.min(...s.size)).toBeGreaterThan(split.test.length / 4);
    m.dispose();
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
    expect(bad('MT-RNN', { tasks: 'click' })).toMatch(/tasks: expected 'click-and-conversion' or 'click-only'/);
    const clickOnly = createCtrModel('MT-RNN', dims, { tasks: 'click-only' });
    expect(clickOnly.ok && [clickOnly.data.info.kind, clickOnly.data.info.heads]).toEqual(['single-task', ['ctr']]);
    if (clickOnly.ok) clickOnly.data.dispose();
    expect(bad('MuseNet-soft', { scenarios: 3, beta: 0 })).toBe('accepted');
    const r = resolveCtrOptions('MuseNet-hard');
    expect(r.ok && [r.data.scenarios, r.data.beta, r.data.alpha, r.data.tau, r.data.lr]).toEqual([
      4, 0.5, 0.2, 0.1, 0.001,
    ]);
    const d = createCtrModel('MMoE', { ...dims, nUsers: 0 });
    expect(d.ok ? '' : d.reason).toBe('dims.nUsers: expected a positive integer, got 0');
  });
});
