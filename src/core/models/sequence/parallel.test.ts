import { describe, expect, it } from 'vitest';
import './testing.tf';
import { SequenceModel, type SerializedSeqModel } from './model';
import { datasetOf } from './testing.fixtures';
import { createRng } from '../../util/rng';
import type { SeqConfig } from './config';
import { tokenBatch, type SeqSlice, type TokenBatch } from './data';
import { averageGradients, Inbox, shardSeeds, shardSlices, type FromReplica } from './parallel';
import { localReplicaPool, ReplicaEndpoint } from './replica';

describe('shardSlices', () => {
  it.each([
    [10, 2, [5, 5]],
    [7, 3, [3, 2, 2]],
    [2, 4, [1, 1]],
    [1, 1, [1]],
    [64, 8, [8, 8, 8, 8, 8, 8, 8, 8]],
  ])('%i users in %i shards: sizes %j, consecutive, in order', (n, k, sizes) => {
    const xs = Array.from({ length: n }, (_, i) => i);
    const shards = shardSlices(xs, k);
    expect(shards.map((s) => s.length)).toEqual(sizes);
    expect(shards.flat()).toEqual(xs);
  });
});

describe('averageGradients', () => {
  it('weights each shard by its target count (hand-computed)', () => {
    // (2·[1, 2] + 6·[5, −2]) / 8 = [4, −1]; (2·[0] + 6·[4]) / 8 = [3].
    const avg = averageGradients([
      { grads: [Float32Array.of(1, 2), Float32Array.of(0)], count: 2 },
      { grads: [Float32Array.of(5, -2), Float32Array.of(4)], count: 6 },
    ]);
    expect(avg.map((a) => Array.from(a))).toEqual([[4, -1], [3]]);
  });
});

describe('shardSeeds', () => {
  it('draws one seed per shard from the stream, in order', () => {
    const a = createRng(5);
    expect(shardSeeds(3, createRng(5))).toEqual([0, 1, 2].map(() => Math.floor(a.next() * 4294967296)));
  });
});

describe('Inbox', () => {
  it('hands messages out in order to waiting and later callers, and fails pending ones', async () => {
    const box = new Inbox<number>();
    const first = box.next();
    box.push(1);
    box.push(2);
    expect(await first).toBe(1);
    expect(await box.next()).toBe(2);
    const pending = box.next();
    box.fail(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
  });
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Mean token loss of a batch in float64 plain JS, from named weights (1-layer GRU, torch gate order r, z, n; tied
 * decoder over every token): the independent reference for the gradient check.
 */
function gruMeanLoss(w: Map<string, Float64Array>, H: number, V: number, b: TokenBatch): number {
  const emb = w.get('emb')!,
    bias = w.get('bias')!,
    wi = w.get('gru0.wi')!,
    wh = w.get('gru0.wh')!,
    bi = w.get('gru0.bi')!,
    bh = w.get('gru0.bh')!;
  let sum = 0,
    count = 0;
  for (let u = 0; u < b.size; u++) {
    let h = new Array<number>(H).fill(0);
    for (let t = 0; t < b.steps; t++) {
      const tgt = b.target[u * b.steps + t];
      if (tgt === 0) break;
      const x = emb.subarray(b.input[u * b.steps + t] * H, (b.input[u * b.steps + t] + 1) * H);
      const gi = (j: number) => bi[j] + x.reduce((a, v, k) => a + v * wi[k * 3 * H + j], 0);
      const gh = (j: number) => bh[j] + h.reduce((a, v, k) => a + v * wh[k * 3 * H + j], 0);
      h = h.map((hp, j) => {
        const r = sigmoid(gi(j) + gh(j));
        const z = sigmoid(gi(H + j) + gh(H + j));
        const n = Math.tanh(gi(2 * H + j) + r * gh(2 * H + j));
        return (1 - z) * n + z * hp;
      });
      const logits = Array.from({ length: V }, (_, v) => bias[v] + h.reduce((a, hv, d) => a + hv * emb[v * H + d], 0));
      const m = Math.max(...logits);
      const lse = m + Math.log(logits.reduce((a, l) => a + Math.exp(l - m), 0));
      sum += lse - logits[tgt];
      count++;
    }
  }
  return sum / count;
}

/** Central differences of gruMeanLoss in float64, per weight in serialisation order. */
function finiteDifferenceGrads(s: SerializedSeqModel, b: TokenBatch): Float64Array[] {
  const w = new Map(s.weights.map((x) => [x.name, Float64Array.from(x.data)]));
  const H = s.config.hidden;
  const V = s.nItems + 1;
  const eps = 1e-6;
  return s.weights.map(({ name }) => {
    const p = w.get(name)!;
    return Float64Array.from(p, (v, i) => {
      p[i] = v + eps;
      const up = gruMeanLoss(w, H, V, b);
      p[i] = v - eps;
      const down = gruMeanLoss(w, H, V, b);
      p[i] = v;
      return (up - down) / (2 * eps);
    });
  });
}

/** Users with histories of different lengths over `nItems` items (item i mostly followed by i + 1). */
function ragged(nUsers: number, nItems: number, maxLen: number, seed: number) {
  const rng = createRng(seed);
  const seqs = Array.from({ length: nUsers }, () => {
    let y = rng.int(nItems);
    return Array.from(
      { length: 2 + rng.int(maxLen - 1) },
      () => (y = rng.next() < 0.8 ? (y + 1) % nItems : rng.int(nItems)),
    );
  });
  return datasetOf(seqs, nItems);
}

describe('data-parallel gradients', () => {
  it('the count-weighted mean of the shard gradients equals the whole batch’s gradient (float64 finite differences)', async () => {
    const nItems = 4;
    const ds = ragged(5, nItems, 6, 11);
    const cfg = { kind: 'gru' as const, hidden: 3, layers: 1, maxLen: 8, bptt: 8 };
    const m = SequenceModel.create(cfg, nItems, 2);
    if (!m.ok) throw new Error(m.reason);
    const model = await m.data.serialize();
    m.data.dispose();
    const slices: SeqSlice[] = Array.from({ length: ds.nUsers }, (_, u) => ({
      start: ds.userOffsets[u],
      end: ds.userOffsets[u + 1],
    }));
    const shards = shardSlices(slices, 2).map((s) => tokenBatch(ds.item, s));
    expect(shards[0].count).not.toBe(shards[1].count);

    // Each shard on its own replica, as the threads would run them: one step (T ≤ bptt), then the same weights back.
    const parts: { grads: Float32Array[]; count: number }[] = [];
    for (const [r, batch] of shards.entries()) {
      const inbox = new Inbox<FromReplica>();
      const ep = new ReplicaEndpoint((msg) => inbox.push(msg));
      ep.handle({ kind: 'load', model });
      expect((await inbox.next()).kind).toBe('loaded');
      ep.handle({ kind: 'start', batch, seed: r });
      const step = await inbox.next();
      if (step.kind !== 'step') throw new Error(`expected a step, got ${step.kind}`);
      parts.push(step);
      ep.handle({ kind: 'weights', weights: model.weights.map((w) => w.data) });
      expect((await inbox.next()).kind).toBe('done');
      ep.dispose();
    }
    const avg = averageGradients(parts);
    const ref = finiteDifferenceGrads(model, tokenBatch(ds.item, slices));
    let maxDiff = 0,
      maxRef = 0;
    ref.forEach((g, i) =>
      g.forEach((v, j) => {
        maxDiff = Math.max(maxDiff, Math.abs(avg[i][j] - v));
        maxRef = Math.max(maxRef, Math.abs(v));
      }),
    );
    expect(maxRef).toBeGreaterThan(0.05);
    expect(maxDiff).toBeLessThan(2e-6);
    // The weighting matters: the plain mean of the two shard gradients misses by far more than that tolerance.
    const plain = averageGradients(parts.map((p) => ({ ...p, count: 1 })));
    let plainDiff = 0;
    ref.forEach((g, i) => g.forEach((v, j) => (plainDiff = Math.max(plainDiff, Math.abs(plain[i][j] - v)))));
    expect(plainDiff).toBeGreaterThan(1e-3);
  });
});

describe('SequenceModel.fit on replicas', () => {
  const cfg = (kind: SeqConfig['kind'], extra: Partial<SeqConfig> = {}) => ({
    kind,
    hidden: 8,
    layers: 2,
    heads: 2,
    ffn: 8,
    maxLen: 12,
    bptt: 4,
    batchSize: 6,
    minBatches: 1,
    lr: 0.05,
    epochs: 3,
    patience: 3,
    validFraction: 0.2,
    mixture: false,
    ...extra,
  });

  async function fit(kind: SeqConfig['kind'], threads: number, extra: Partial<SeqConfig> = {}) {
    const ds = ragged(16, 7, 12, 4);
    const m = SequenceModel.create(cfg(kind, extra), ds.nItems, 3);
    if (!m.ok) throw new Error(m.reason);
    const pool = threads > 1 ? localReplicaPool(threads) : undefined;
    const r = await m.data.fit(
      { dataset: ds, trainEnd: ds.userOffsets.subarray(1) },
      { rng: createRng(9), replicas: pool },
    );
    await pool?.close();
    if (!r.ok) throw new Error(r.reason);
    const w = await m.data.serialize();
    m.data.dispose();
    return { report: r.data, weights: w.weights.flatMap((x) => Array.from(x.data)) };
  }

  it.each(['gru', 'transformer'] as const)(
    '%s: 1, 2 and 3 threads give the same loss curve (float tolerance)',
    async (kind) => {
      const one = await fit(kind, 1);
      expect(one.report.trainLoss).toHaveLength(3);
      for (const threads of [2, 3]) {
        const many = await fit(kind, threads);
        many.report.trainLoss.forEach((l, e) => expect(l).toBeCloseTo(one.report.trainLoss[e], 4));
        many.report.validLoss.forEach((l, e) => expect(l).toBeCloseTo(one.report.validLoss[e], 4));
        expect(many.report.validLoss).toHaveLength(one.report.validLoss.length);
      }
    },
  );

  it('a 2-thread run with dropout is the same run twice', async () => {
    const a = await fit('gru', 2, { dropout: 0.3 });
    const b = await fit('gru', 2, { dropout: 0.3 });
    expect(b.report.trainLoss).toEqual(a.report.trainLoss);
    expect(b.weights).toEqual(a.weights);
    // The shard streams really drew masks: the run differs from one without dropout.
    const none = await fit('gru', 2);
    expect(none.report.trainLoss[0]).not.toBeCloseTo(a.report.trainLoss[0], 4);
  });
});
