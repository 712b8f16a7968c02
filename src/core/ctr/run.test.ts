import { describe, expect, it } from 'vitest';
import { tf } from '../models/sequence/testing.tf';
import { ok } from '../util/result';
import { buildImpressionLog } from './log';
import type { CtrModel, CtrPrediction } from './models/index';
import type { CtrModelName } from './models/options';
import { runCtr, type CtrModelFactory } from './run';
import { validateCtrRunConfig, type CtrRunConfig } from './runConfig';
import { generateCtrWorld } from './world';
import type { ImpressionLog } from './types';

/**
 * A tiny log: users u0, u1; training impressions before t = 83.3 (custom split at 100, the default validation tail
 * 1/6 of [0, 100)), one validation impression at 90, and eight test impressions at 100…103 with the labels and
 * scores of the table below (scores keyed by user and time).
 */
const TEST = [
  // user, time, item, click, conversion, A's pCtr, A's pCvr, B's pCtr, A's scenario, true scenario
  [0, 100, 0, 1, 1, 0.9, 0.8, 0.8, 1, 0],
  [0, 101, 1, 1, 0, 0.4, 0.3, 0.3, 1, 0],
  [0, 102, 0, 0, 0, 0.5, 0.5, 0.5, 1, 0],
  [0, 103, 2, 0, 0, 0.1, 0.2, 0.1, 0, 0],
  [1, 100, 1, 1, 0, 0.7, 0.6, 0.6, 0, 1],
  [1, 101, 1, 0, 0, 0.7, 0.1, 0.7, 0, 1],
  [1, 102, 0, 1, 1, 0.6, 0.5, 0.55, 0, 1],
  [1, 103, 3, 0, 0, 0.2, 0.4, 0.2, 0, 1],
] as const;
const TRAIN = [
  [0, 0, 0, 1, 0],
  [0, 10, 1, 0, 0],
  [0, 20, 2, 1, 1],
  [1, 5, 3, 1, 0],
  [1, 15, 0, 0, 0],
  [0, 90, 1, 1, 0],
] as const;

function tinyLog(): ImpressionLog {
  const rows = [...TRAIN, ...TEST.map((r) => r.slice(0, 5))];
  const log = buildImpressionLog({
    userIds: ['u0', 'u1'],
    itemIds: ['i0', 'i1', 'i2', 'i3'],
    user: Int32Array.from(rows, (r) => r[0]),
    time: Float64Array.from(rows, (r) => r[1]),
    item: Int32Array.from(rows, (r) => r[2]),
    click: Uint8Array.from(rows, (r) => r[3]),
    conversion: Uint8Array.from(rows, (r) => r[4]),
    negatives: 'logged',
  });
  // The truth: A's scores as the true probabilities, and the true scenarios of the table.
  const pClick = new Float32Array(log.user.length);
  const pConv = new Float32Array(log.user.length);
  const scenario = new Int32Array(log.user.length);
  for (let e = 0; e < log.user.length; e++) {
    const t = TEST.find((r) => r[0] === log.user[e] && r[1] === log.time[e]);
    if (!t) continue;
    pClick[e] = t[5];
    pConv[e] = t[6];
    scenario[e] = t[9];
  }
  return { ...log, truth: { pClick, pConvGivenClick: pConv, scenario, nScenarios: 2 } };
}

const lookup = (log: ImpressionLog, e: number) => TEST.find((r) => r[0] === log.user[e] && r[1] === log.time[e])!;

/** A model whose predictions are the table's: 'A' multi-task with scenarios, 'B' click only. */
function tableModel(name: CtrModelName, which: 'A' | 'B', seen: { train?: number; valid?: number }): CtrModel {
  return {
    name,
    info: {
      name,
      kind: which === 'A' ? 'multi-task' : 'single-task',
      heads: which === 'A' ? ['ctr', 'cvr'] : ['ctr'],
      conversionSamples: which === 'A' ? 'all-impressions' : null,
      options: { epochs: 1, batchSize: 1, lr: 1, patience: 0 },
    },
    async fit(_log, split) {
      seen.train = split.train.length;
      seen.valid = split.valid.length;
      return ok({ nets: [], stopped: 'done' as const, seconds: 0 });
    },
    async predict(log, rows) {
      const t = Array.from(rows, (e) => lookup(log, e));
      const p: CtrPrediction = { rows, pCtr: Float32Array.from(t, (r) => (which === 'A' ? r[5] : r[7])) };
      if (which === 'A') {
        p.pCvr = Float32Array.from(t, (r) => r[6]);
        const assignment = Int32Array.from(t, (r) => r[8]);
        p.scenarios = {
          k: 2,
          assignment,
          size: Int32Array.from([5, 3]),
          repeatRate: Float32Array.from([0.25, NaN]),
          repeatIntention: Float32Array.from([0.5, 0.25]),
        };
      }
      return ok(p);
    },
    dispose() {},
  };
}

const config: CtrRunConfig = {
  task: 'ctr',
  models: ['LR', 'MT-RNN'],
  base: 'LR',
  split: { protocol: 'custom', testStart: 100 },
  seed: 1,
};

describe('runCtr on a hand-computed case', async () => {
  const seen = { train: 0, valid: 0 };
  const factory: CtrModelFactory = (name) => ok(tableModel(name, name === 'LR' ? 'B' : 'A', seen));
  const r = await runCtr(tinyLog(), config, { create: factory });
  if (!r.ok) throw new Error(r.reason);
  const res = r.data;
  const A = res.models['MT-RNN'];
  const B = res.models.LR;

  it('splits by time: five to train, one to validate, eight to test (four clicked, two converted)', () => {
    expect(seen).toEqual({ train: 5, valid: 1 });
    expect(res.split).toMatchObject({ train: 5, valid: 1, test: 8, testClicks: 4, testConversions: 2 });
  });

  it('click: AUC counts ties half, GAUC weights each user by impressions, Logloss is the mean cross-entropy', () => {
    // Positives 0.9, 0.4, 0.7, 0.6 against negatives 0.5, 0.1, 0.7, 0.2: 4 + 2 + 3.5 + 3 of 16 pairs.
    expect(A.tasks.click!.auc).toBeCloseTo(12.5 / 16, 12);
    // u0: 0.9 beats both, 0.4 beats 0.1: 3/4. u1: 0.7 ties 0.7 and beats 0.2, 0.6 beats 0.2: 2.5/4. Four rows each.
    expect(A.tasks.click!.gauc).toBeCloseTo((4 * 0.75 + 4 * 0.625) / 8, 12);
    expect(A.tasks.click!.gaucUsers).toBe(2);
    const ll =
      -(
        Math.log(0.9) +
        Math.log(0.4) +
        Math.log(0.5) +
        Math.log(0.9) +
        Math.log(0.7) +
        Math.log(0.3) +
        Math.log(0.6) +
        Math.log(0.8)
      ) / 8;
    expect(A.tasks.click!.logloss).toBeCloseTo(ll, 6);
    expect(A.tasks.click!.positives).toBe(4);
  });

  it('conversion is over the clicked impressions; click-and-conversion over all with pCTR·pCVR', () => {
    // Clicked rows: conversions at pCvr 0.8 and 0.5 against 0.3 and 0.6: 2 + 1 of 4 pairs.
    expect(A.tasks.conversion!.impressions).toBe(4);
    expect(A.tasks.conversion!.auc).toBeCloseTo(0.75, 12);
    // u0: 0.8 against 0.3 → 1; u1: 0.5 against 0.6 → 0; two rows each.
    expect(A.tasks.conversion!.gauc).toBeCloseTo(0.5, 12);
    // pCTR·pCVR: positives 0.72 and 0.30 against 0.12, 0.25, 0.02, 0.42, 0.07, 0.08: 6 + 5 of 12 pairs.
    expect(A.tasks.clickConversion!.auc).toBeCloseTo(11 / 12, 6);
    expect(A.tasks.clickConversion!.impressions).toBe(8);
  });

  it('RelaImpr against the base: ((AUC − 0.5) / (AUC_base − 0.5) − 1) × 100; undefined where the base has no head', () => {
    // B's click AUC: 0.8 beats 4, 0.3 beats 2, 0.6 beats 3, 0.55 beats 3: 12/16.
    expect(B.tasks.click!.auc).toBeCloseTo(0.75, 12);
    expect(B.tasks.click!.relaImpr).toBeNull();
    expect(A.tasks.click!.relaImpr).toBeCloseTo(((12.5 / 16 - 0.5) / 0.25 - 1) * 100, 9);
    expect(B.tasks.conversion).toBeUndefined();
    expect(A.tasks.conversion!.relaImpr).toBeNull();
    expect(A.tasks.conversion!.undefined.relaImpr).toMatch(/base model LR has no AUC/);
  });

  it('ROC from (0, 0) to (1, 1); calibration undefined with the reason when the rows cannot fill ten bins', () => {
    const roc = A.tasks.click!.roc!;
    expect([roc.fpr[0], roc.tpr[0]]).toEqual([0, 0]);
    expect([roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([1, 1]);
    // Distinct scores 0.9, 0.7, 0.6, 0.5, 0.4, 0.2, 0.1: seven thresholds after (0, 0).
    expect(roc.fpr.length).toBe(8);
    expect(A.tasks.click!.calibration).toBeNull();
    expect(A.tasks.click!.undefined.calibration).toMatch(/8 impressions cannot fill 10 bins/);
  });

  it('the oracle scores the true probabilities (here A’s), and MuseNet-style scenarios get the ARI', () => {
    expect(res.oracle!.tasks.click!.auc).toBeCloseTo(12.5 / 16, 12);
    expect(res.oracle!.tasks.click!.relaImpr).toBeCloseTo(A.tasks.click!.relaImpr!, 9);
    const s = A.scenarios!;
    // Contingency of (learned, true): (1,0) 3, (0,0) 1, (0,1) 4. ΣC(n_ij,2) = 9, rows 13, columns 12, C(8,2) = 28:
    // (9 − 13·12/28) / (½(13 + 12) − 13·12/28) = 48/97.
    expect(s.ari).toBeCloseTo(48 / 97, 12);
    expect(s.size).toEqual([5, 3]);
    expect(s.repeatRate).toEqual([0.25, null]);
    // Scenario 1 holds rows 0-2 (items i0, i1, i0); scenario 0 rows 3-7 (i2, i1, i1, i0, i3).
    expect(s.topItems).toEqual([
      ['i1', 'i0', 'i2', 'i3'],
      ['i0', 'i1'],
    ]);
  });

  it('the result is plain JSON (it survives a round trip unchanged)', () => {
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
  });
});

describe('runCtr with one class in the test', () => {
  it('reports AUC as undefined with the reason, never NaN', async () => {
    const log = tinyLog();
    log.click.fill(0);
    log.conversion.fill(0);
    const factory: CtrModelFactory = (name) => ok(tableModel(name, 'A', {}));
    const r = await runCtr(log, { ...config, models: ['MT-RNN'], base: undefined }, { create: factory });
    if (!r.ok) throw new Error(r.reason);
    const c = r.data.models['MT-RNN'].tasks.click!;
    expect(c.auc).toBeNull();
    expect(c.undefined.auc).toMatch(/all 8 impressions are negatives/);
    expect(c.gauc).toBeNull();
    expect(c.logloss).not.toBeNull();
    expect(r.data.models['MT-RNN'].tasks.conversion!.undefined.auc).toMatch(/no impressions to score/);
  });
});

describe('validateCtrRunConfig', () => {
  it.each([
    [{ ...config, task: 'rim' }, /task = "rim": must be "ctr"/],
    [{ ...config, models: [] }, /models = \[\]: must be a non-empty array/],
    [{ ...config, models: ['LR', 'GBDT'] }, /models\[1\] = "GBDT": unknown model/],
    [{ ...config, models: ['LR', 'LR'] }, /lists a model twice/],
    [{ ...config, seed: 1.5 }, /seed = 1.5: must be an integer/],
    [{ ...config, split: { protocol: 'weekly' } }, /split.protocol = "weekly"/],
    [{ ...config, split: { protocol: 'otp', trainDays: 0 } }, /split.trainDays = 0/],
    [{ ...config, split: { protocol: 'custom' } }, /split.testStart = undefined: must be a unix time/],
    [{ ...config, base: 'DIN' }, /base = "DIN": must be one of the run's models/],
    [{ ...config, tasks: ['purchase'] }, /tasks = \["purchase"\]/],
    [{ ...config, epochs: 0 }, /epochs = 0: must be a positive integer/],
    [{ ...config, options: { 'MT-RNN': { gruHidden: -1 } } }, /MT-RNN gruHidden: expected a positive integer/],
    [{ ...config, options: { LR: { hidden: 3 } } }, /LR hidden: expected one of the fields/],
    [{ ...config, colour: 'red' }, /colour = "red": unknown field/],
  ])('refuses %j', (bad, message) => {
    const r = validateCtrRunConfig(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(message);
  });

  it('takes shared overrides only where a model has the field (LR has no embeddingDim)', () => {
    expect(validateCtrRunConfig({ ...config, embeddingDim: 4, maxLen: 3, epochs: 2 }).ok).toBe(true);
  });
});

describe('runCtr with the real models on a small synthetic world', () => {
  const world = generateCtrWorld({
    seed: 3,
    nUsers: 150,
    nItems: 60,
    nCategories: 6,
    nScenarios: 2,
    targetImpressions: 6000,
  });
  if (!world.ok) throw new Error(world.reason);
  const log = world.data.log;

  it('trains LR and MT-RNN, stops on a signal, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const progress: string[] = [];
    const r = await runCtr(
      log,
      { task: 'ctr', models: ['LR', 'MT-RNN'], seed: 1, epochs: 1, embeddingDim: 4, maxLen: 5 },
      { onProgress: (m) => progress.push(m) },
    );
    if (!r.ok) throw new Error(r.reason);
    expect(new Set(progress)).toEqual(new Set(['LR', 'MT-RNN']));
    const lr = r.data.models.LR;
    expect(lr.conversionSamples).toBe('clicked-only');
    expect(r.data.models['MT-RNN'].conversionSamples).toBe('all-impressions');
    // The oracle knows p(click): its click AUC is well above chance on this world.
    expect(r.data.oracle!.tasks.click!.auc).toBeGreaterThan(0.6);
    expect(lr.tasks.click!.auc).toBeGreaterThan(0.5);
    expect(r.data.models['MT-RNN'].tasks.clickConversion!.auc).not.toBeNull();
    expect(tf.memory().numTensors).toBe(before);

    const stop = { aborted: false };
    const s = await runCtr(
      log,
      { task: 'ctr', models: ['LR', 'MT-RNN'], seed: 1, epochs: 3, batchSize: 64 },
      { signal: stop, onProgress: () => (stop.aborted = true) },
    );
    expect(s.ok ? 'finished' : s.code).toBe('aborted');
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
