import { describe, expect, it } from 'vitest';
import { tf } from './testing.tf';
import { SequenceModel, type SerializedSeqModel } from './model';
import { datasetOf, evalRows, top1 } from './testing.fixtures';
import { createRng } from '../../util/rng';
import type { SeqConfig } from './config';
import { dropoutMask } from './net';
import { Adagrad, type Params } from './params';
import { splitUsers, trainingSlices } from './data';
import { materialize } from '../scores';
import { rimScores } from '../compose';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Plain-JS GRU (torch gate order r, z, n) over tokens, from serialised weights; returns the top-layer state. */
function gruReference(s: SerializedSeqModel, tokens: number[]): number[] {
  const w = new Map(s.weights.map((x) => [x.name, x.data]));
  const H = s.config.hidden;
  const emb = w.get('emb')!;
  let xs = tokens.map((t) => Array.from(emb.subarray(t * H, (t + 1) * H)));
  for (let l = 0; l < s.config.layers; l++) {
    const wi = w.get(`gru${l}.wi`)!,
      wh = w.get(`gru${l}.wh`)!,
      bi = w.get(`gru${l}.bi`)!,
      bh = w.get(`gru${l}.bh`)!;
    let h = new Array(H).fill(0);
    const outs: number[][] = [];
    for (const x of xs) {
      const gi = Array.from({ length: 3 * H }, (_, j) => bi[j] + x.reduce((a, v, k) => a + v * wi[k * 3 * H + j], 0));
      const gh = Array.from({ length: 3 * H }, (_, j) => bh[j] + h.reduce((a, v, k) => a + v * wh[k * 3 * H + j], 0));
      h = h.map((hp, j) => {
        const r = sigmoid(gi[j] + gh[j]);
        const z = sigmoid(gi[H + j] + gh[H + j]);
        const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
        return (1 - z) * n + z * hp;
      });
      outs.push(h);
    }
    xs = outs;
  }
  return xs[xs.length - 1];
}

const small = (kind: SeqConfig['kind']): Partial<SeqConfig> & { kind: SeqConfig['kind'] } => ({
  kind,
  hidden: 16,
  layers: 2,
  heads: 2,
  ffn: 32,
  maxLen: 24,
  bptt: 8,
  batchSize: 8,
  lr: 0.1,
  epochs: 12,
  validFraction: 0.2,
  patience: 2,
});

/** Item i is always followed by i + 1 (mod nItems): a world a sequence model must learn exactly. */
function successorWorld(nUsers: number, nItems: number, len: number, seed: number) {
  const rng = createRng(seed);
  const seqs = Array.from({ length: nUsers }, () => {
    const s0 = rng.int(nItems);
    return Array.from({ length: len }, (_, t) => (s0 + t) % nItems);
  });
  return { seqs, ds: datasetOf(seqs, nItems) };
}

describe('SequenceModel factors', () => {
  it('GRU hidden states equal a plain-JS GRU over [start, history…] (empty, short and truncated histories)', async () => {
    const ds = datasetOf([[1, 2, 3, 4], [0], [4, 4, 3, 2, 1, 0, 1]], 5);
    const m = SequenceModel.create({ kind: 'gru', hidden: 4, layers: 2, maxLen: 5 }, 5, 7);
    if (!m.ok) throw new Error(m.reason);
    m.data.bindDataset(ds);
    // rows: user 0 after 3 events, user 1 with no history, user 2 after all 7 (only the last maxLen − 1 = 4 kept).
    const rows = evalRows([0, 1, 2], [3, 4, 12], 5);
    const f = await m.data.factors(rows);
    const w = await m.data.serialize();
    const expected = [gruReference(w, [0, 2, 3, 4]), gruReference(w, [0]), gruReference(w, [0, 3, 2, 1, 2])];
    expected.forEach((e, r) => e.forEach((v, d) => expect(f.hidden[r * 4 + d]).toBeCloseTo(v, 5)));
    // Item embeddings exclude the start token's row 0.
    const s = w.weights.find((x) => x.name === 'emb')!.data;
    expect(Array.from(f.itemEmb)).toEqual(Array.from(s.subarray(4)));
    expect(f.itemBias.length).toBe(5);
    m.data.dispose();
  });

  it('Transformer states do not depend on the other users of a batch (packed rows, no padding)', async () => {
    const ds = datasetOf([[1, 2, 3, 4, 0, 1], [2], [4, 3, 2]], 5);
    const m = SequenceModel.create({ ...small('transformer'), hidden: 8 }, 5, 3);
    if (!m.ok) throw new Error(m.reason);
    m.data.bindDataset(ds);
    const all = await m.data.factors(evalRows([0, 1, 2], [6, 7, 9], 5));
    for (const [k, u, end] of [
      [0, 0, 6],
      [1, 1, 7],
      [2, 2, 9],
    ]) {
      const alone = await m.data.factors(evalRows([u], [end], 5));
      const H = alone.hidden.length;
      const row = Array.from(all.hidden.subarray(k * H, (k + 1) * H));
      Array.from(alone.hidden).forEach((v, j) => expect(v).toBeCloseTo(row[j], 5));
    }
    m.data.dispose();
  });

  it('Transformer is causal: a row’s state ignores events after its history end', async () => {
    const ds = datasetOf([[1, 2, 3, 4, 0, 1]], 5);
    const m = SequenceModel.create({ ...small('transformer'), hidden: 8 }, 5, 3);
    if (!m.ok) throw new Error(m.reason);
    m.data.bindDataset(ds);
    const a = await m.data.factors(evalRows([0], [3], 5));
    ds.item[3] = 2; // change the first event after the history end
    ds.item[4] = 3;
    const b = await m.data.factors(evalRows([0], [3], 5));
    expect(Array.from(b.hidden)).toEqual(Array.from(a.hidden));
    const c = await m.data.factors(evalRows([0], [4], 5));
    expect(Array.from(c.hidden)).not.toEqual(Array.from(a.hidden));
    m.data.dispose();
  });
});

describe.each(['gru', 'transformer'] as const)('SequenceModel %s training', (kind) => {
  it('learns "i is followed by i + 1": top-1 accuracy ≥ 0.95 and low loss', async () => {
    const nItems = 10;
    const { ds } = successorWorld(24, nItems, 16, 1);
    // The Transformer starts from uninformative attention and needs more (smaller) steps than the GRU here.
    const m = SequenceModel.create(
      { ...small(kind), ...(kind === 'transformer' ? { epochs: 25, batchSize: 4, lr: 0.03 } : {}) },
      nItems,
      11,
    );
    if (!m.ok) throw new Error(m.reason);
    const fit = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(5) });
    if (!fit.ok) throw new Error(fit.reason);
    // rows: every user after 2..15 events; the answer is (last item + 1) mod nItems.
    const users: number[] = [],
      ends: number[] = [];
    for (let u = 0; u < ds.nUsers; u++)
      for (let k = 2; k < 16; k += 3) {
        users.push(u);
        ends.push(ds.userOffsets[u] + k);
      }
    const f = await m.data.factors(evalRows(users, ends, nItems));
    let hit = 0;
    users.forEach((_, r) => {
      if (top1(f, r) === (ds.item[ends[r] - 1] + 1) % nItems) hit++;
    });
    expect(hit / users.length).toBeGreaterThanOrEqual(0.95);
    expect(Math.min(...fit.data.validLoss)).toBeLessThan(0.5);
    m.data.dispose();
  });

  it('leaks no tensors in a fit or in factors, is deterministic per seed, and round-trips through serialize', async () => {
    const { ds } = successorWorld(10, 6, 9, 2);
    const data = { dataset: ds, trainEnd: ds.userOffsets.subarray(1) };
    const cfg = { ...small(kind), hidden: 8, epochs: 1 };
    const mk = () => {
      const m = SequenceModel.create(cfg, 6, 4);
      if (!m.ok) throw new Error(m.reason);
      return m.data;
    };
    const start = tf.memory().numTensors;
    mk().dispose();
    expect(tf.memory().numTensors).toBe(start);
    const a = mk(),
      b = mk();
    const before = tf.memory().numTensors;
    await a.fit(data, { rng: createRng(9) });
    expect(tf.memory().numTensors).toBe(before);
    const rows = evalRows([0, 3], [ds.userOffsets[0] + 4, ds.userOffsets[3] + 9], 6);
    const fa = await a.factors(rows);
    expect(tf.memory().numTensors).toBe(before);
    await b.fit(data, { rng: createRng(9) });
    expect(Array.from((await b.factors(rows)).hidden)).toEqual(Array.from(fa.hidden));
    const sa = await a.serialize();
    const c = SequenceModel.deserialize(sa);
    if (!c.ok) throw new Error(c.reason);
    c.data.bindDataset(ds);
    const fc = await c.data.factors(rows);
    expect(Array.from(fc.hidden)).toEqual(Array.from(fa.hidden));
    // The fitted mixture travels with the weights.
    expect(fa.mix).toBeDefined();
    expect(fc.mix).toEqual(fa.mix);
    const bad = SequenceModel.deserialize({ ...sa, weights: sa.weights.slice(1) });
    expect(bad.ok ? '' : bad.code).toBe('bad-weights');
    for (const m of [a, b, c.data]) m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('stops within one batch once aborted and reports progress in batches', async () => {
    const { ds } = successorWorld(40, 6, 9, 3);
    const m = SequenceModel.create({ ...small(kind), hidden: 8, batchSize: 4, epochs: 3 }, 6, 4);
    if (!m.ok) throw new Error(m.reason);
    const signal = { aborted: false };
    const reports: number[] = [];
    let batchesSeen = 0;
    const fit = await m.data.fit(
      { dataset: ds, trainEnd: ds.userOffsets.subarray(1) },
      {
        rng: createRng(1),
        signal,
        onProgress: (p) => {
          reports.push(p.batch);
          batchesSeen = p.batch;
          signal.aborted = true;
        },
      },
    );
    expect(fit.ok && fit.data.stopped).toBe('aborted');
    expect(reports.length).toBe(1);
    expect(batchesSeen).toBeGreaterThanOrEqual(1);
    m.data.dispose();
  });
});

describe('SequenceModel decoder prior', () => {
  it('starts the decoder bias at the add-one log frequency of the training targets (all users train when validFraction is 0)', async () => {
    const seqs = [[0, 0, 1], [2, 0], [0]];
    const ds = datasetOf(seqs, 4);
    // lr 1e-9: one Adagrad step moves each weight by at most 1e-9, so the bias read back is the prior.
    const m = SequenceModel.create(
      { kind: 'gru', hidden: 4, layers: 1, maxLen: 8, epochs: 1, lr: 1e-9, validFraction: 0, patience: 0 },
      4,
      1,
    );
    if (!m.ok) throw new Error(m.reason);
    const r = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.slice(1) }, { rng: createRng(1) });
    expect(r.ok).toBe(true);
    const bias = (await m.data.serialize()).weights.find((w) => w.name === 'bias')!.data;
    // Targets: item 0 × 4, item 1 × 1, item 2 × 1, item 3 × 0; 6 targets, 5 tokens (token 0 = start/padding).
    const want = [0, 4, 1, 1, 0].map((n) => Math.log((n + 1) / (6 + 5)));
    want.forEach((v, i) => expect(bias[i]).toBeCloseTo(v, 6));
    m.data.dispose();
  });
});

describe('SequenceModel training schedule and regularisation', () => {
  /** Items drawn uniformly at random: nothing to learn beyond the prior, so validation stops improving at once. */
  function noiseWorld(nUsers: number, nItems: number, len: number, seed: number) {
    const rng = createRng(seed);
    return datasetOf(
      Array.from({ length: nUsers }, () => Array.from({ length: len }, () => rng.int(nItems))),
      nItems,
    );
  }

  it('trains until the validation loss stops improving, not for a fixed number of epochs', async () => {
    const ds = noiseWorld(40, 6, 10, 1);
    const m = SequenceModel.create({ ...small('gru'), hidden: 8, epochs: 50, patience: 1 }, 6, 2);
    if (!m.ok) throw new Error(m.reason);
    const fit = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(3) });
    if (!fit.ok) throw new Error(fit.reason);
    expect(fit.data.stopped).toBe('plateau');
    // Stopped after 2·patience + 1 epochs without a new best.
    expect(fit.data.epochs).toBe(fit.data.bestEpoch + 4);
    expect(fit.data.epochs).toBeLessThan(50);
    m.data.dispose();
  });

  it('keeps the default model at the popularity prior it starts from through its first Adagrad steps', async () => {
    // Items uniform over 24: the prior (decoder bias at the training frequencies) is already the best model, with a
    // loss near log 24. Adagrad's first step moves every weight by ±lr; without the warm-up, rime's rate 0.1 throws
    // the GRU off the prior by nats within two steps, the fault that kept it at the unigram loss on a synthetic log.
    const ds = noiseWorld(50, 24, 10, 1);
    const data = { dataset: ds, trainEnd: ds.userOffsets.subarray(1) };
    const losses = async (over: Partial<SeqConfig>) => {
      // One batch an epoch (40 training users): each epoch is one step.
      const cfg = { kind: 'gru' as const, epochs: 2, minBatches: 1, patience: 5, mixture: false };
      const m = SequenceModel.create({ ...cfg, ...over }, 24, 1);
      if (!m.ok) throw new Error(m.reason);
      const fit = await m.data.fit(data, { rng: createRng(2) });
      m.data.dispose();
      if (!fit.ok) throw new Error(fit.reason);
      expect(fit.data.batchSize).toBe(40);
      return fit.data.validLoss;
    };
    const kept = await losses({});
    expect(kept).toHaveLength(2);
    for (const v of kept) expect(v).toBeLessThan(Math.log(24) + 0.1);
    // The same model and rate without the ramp leaves the prior.
    expect(Math.max(...(await losses({ warmup: 0 })))).toBeGreaterThan(Math.log(24) + 0.5);
  }, 120_000);

  it('shrinks the batch so that an epoch has at least minBatches batches (8 users at least)', async () => {
    const ds = noiseWorld(50, 6, 4, 2);
    const data = { dataset: ds, trainEnd: ds.userOffsets.subarray(1) };
    // 40 training users (validFraction 0.2).
    for (const [minBatches, want] of [
      [1, 40],
      [4, 10],
      [64, 8],
    ]) {
      const m = SequenceModel.create(
        { ...small('gru'), hidden: 4, batchSize: 64, minBatches, epochs: 1, mixture: false },
        6,
        1,
      );
      if (!m.ok) throw new Error(m.reason);
      const fit = await m.data.fit(data, { rng: createRng(1) });
      expect(fit.ok && fit.data.batchSize).toBe(want);
      m.data.dispose();
    }
  });

  it('dropout masks zero a fraction p of entries and scale the rest by 1/(1 − p); a fit with dropout is seeded', async () => {
    const mask = dropoutMask(200, 50, 0.3, createRng(1));
    const zeros = mask.filter((v) => v === 0).length;
    const sd = Math.sqrt(mask.length * 0.3 * 0.7);
    expect(Math.abs(zeros - 0.3 * mask.length)).toBeLessThan(4 * sd);
    expect(mask.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    const { ds } = successorWorld(12, 6, 9, 4);
    const data = { dataset: ds, trainEnd: ds.userOffsets.subarray(1) };
    const rows = evalRows([0, 5], [ds.userOffsets[0] + 4, ds.userOffsets[5] + 7], 6);
    const hiddenAfter = async (dropout: number) => {
      const m = SequenceModel.create({ ...small('gru'), hidden: 8, epochs: 2, dropout, mixture: false }, 6, 4);
      if (!m.ok) throw new Error(m.reason);
      await m.data.fit(data, { rng: createRng(2) });
      const h = Array.from((await m.data.factors(rows)).hidden);
      m.data.dispose();
      return h;
    };
    const a = await hiddenAfter(0.3);
    expect(await hiddenAfter(0.3)).toEqual(a);
    expect(await hiddenAfter(0)).not.toEqual(a);
  });
});

describe('Adagrad with weight decay', () => {
  it('steps w −= lr·g′/(√(g′²) + ε) with g′ = g + wd·w (torch.optim.Adagrad), by hand', () => {
    const params: Params = new Map();
    const w = tf.variable(tf.tensor1d([1, -2]), true, `wd_test_${Date.now()}`);
    params.set('w', w);
    const opt = new Adagrad(0.1, 0.1);
    const g = tf.tensor1d([0.5, 0.5]);
    opt.apply(params, { [w.name]: g });
    // g′ = (0.6, 0.3): the first Adagrad step moves each weight by lr·sign(g′).
    const v = w.dataSync();
    expect(v[0]).toBeCloseTo(0.9, 6);
    expect(v[1]).toBeCloseTo(-2.1, 6);
    opt.apply(params, { [w.name]: g });
    // Second step: g′ = g + 0.1·w = (0.59, 0.29); acc = 0.6² + 0.59², 0.3² + 0.29².
    const v2 = w.dataSync();
    expect(v2[0]).toBeCloseTo(0.9 - (0.1 * 0.59) / Math.sqrt(0.36 + 0.59 ** 2), 6);
    expect(v2[1]).toBeCloseTo(-2.1 - (0.1 * 0.29) / Math.sqrt(0.09 + 0.29 ** 2), 6);
    tf.dispose([w, g]);
    opt.dispose();
  });

  it('ramps the rate over the warm-up steps: step t uses lr·min(t, W)/W, by hand', () => {
    const params: Params = new Map();
    const w = tf.variable(tf.tensor1d([1, -1]), true, `warmup_test_${Date.now()}`);
    params.set('w', w);
    const opt = new Adagrad(0.1, 0, 2);
    const gs = [
      [0.5, -0.2],
      [0.1, 0.4],
      [0.3, 0.3],
    ];
    // Independent recurrence: acc += g², w −= r_t·g/√acc with r = 0.05, 0.1, 0.1 (W = 2).
    const want = [1, -1];
    const acc = [0, 0];
    gs.forEach((g, t) => {
      const r = (0.1 * Math.min(t + 1, 2)) / 2;
      for (let i = 0; i < 2; i++) {
        acc[i] += g[i] ** 2;
        want[i] -= (r * g[i]) / Math.sqrt(acc[i]);
      }
      const gt = tf.tensor1d(g);
      opt.apply(params, { [w.name]: gt });
      gt.dispose();
      const v = w.dataSync();
      expect(v[0]).toBeCloseTo(want[0], 6);
      expect(v[1]).toBeCloseTo(want[1], 6);
    });
    // The first step is lr/W·sign(g), not lr·sign(g).
    expect(want[0]).toBeCloseTo(1 - 0.05 - (0.1 * 0.1) / Math.sqrt(0.26) - (0.1 * 0.3) / Math.sqrt(0.35), 9);
    tf.dispose(w);
    opt.dispose();
  });
});

describe('SequenceModel mixture fit', () => {
  it("is fitted on the held-out users' next items: its likelihood recomputed from factors at every position", async () => {
    // Users who re-consume half the time: a new random item or one of their earlier items.
    const rng = createRng(8);
    const nItems = 12;
    const seqs = Array.from({ length: 40 }, () => {
      const s: number[] = [];
      for (let t = 0; t < 12; t++) s.push(t > 0 && rng.next() < 0.5 ? s[rng.int(s.length)] : rng.int(nItems));
      return s;
    });
    const ds = datasetOf(seqs, nItems);
    const m = SequenceModel.create({ ...small('gru'), hidden: 8, epochs: 2, validFraction: 0.25 }, nItems, 3);
    if (!m.ok) throw new Error(m.reason);
    const fit = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(6) });
    if (!fit.ok) throw new Error(fit.reason);
    const mix = fit.data.mixture!;
    // The held-out users as the fit drew them (its rng's first fork), every position a row with its history.
    const slices = trainingSlices(ds, ds.userOffsets.subarray(1), 24);
    const { valid } = splitUsers(slices, 0.25, createRng(6).fork());
    let seq = 0;
    let all = 0;
    let n = 0;
    const serial = await m.data.serialize();
    const pop = serial.mixture!.pop;
    for (const sl of valid) {
      const ends = Array.from({ length: sl.end - sl.start }, (_, k) => sl.start + k);
      const f = await m.data.factors(
        evalRows(
          ends.map(() => ds.user[sl.start]),
          ends,
          nItems,
        ),
      );
      const p = materialize(rimScores(new Float64Array(ends.length).fill(1), { ...f, mix: undefined }))!;
      const pm = materialize(rimScores(new Float64Array(ends.length).fill(1), f))!;
      ends.forEach((e, r) => {
        seq += Math.log(p[r * nItems + ds.item[e]]);
        all += Math.log(pm[r * nItems + ds.item[e]]);
        n++;
      });
    }
    expect(mix.tokens).toBe(n);
    expect(mix.seqLogLik).toBeCloseTo(seq / n, 4);
    expect(mix.logLik).toBeCloseTo(all / n, 4);
    // Half the events repeat: the repeat gate learns it, and the mixture beats the softmax alone.
    expect(mix.logLik).toBeGreaterThan(mix.seqLogLik + 0.1);
    expect(pop.length).toBe(nItems);
    m.data.dispose();
  });
});
