import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { trainApi, type SeqData } from './train.api';

/** Users cycling through 6 items (i followed by i + 1). */
function cycleData(nUsers: number, len: number): SeqData {
  const item = new Int32Array(nUsers * len);
  const userOffsets = new Int32Array(nUsers + 1);
  for (let u = 0; u < nUsers; u++) {
    userOffsets[u + 1] = (u + 1) * len;
    for (let t = 0; t < len; t++) item[u * len + t] = (u + t) % 6;
  }
  return { item, userOffsets, nItems: 6 };
}

const small = { hidden: 8, layers: 1, maxLen: 16, bptt: 4, batchSize: 4, epochs: 2 };

describe('trainApi', () => {
  it('reports the backend, trains with batched progress, returns factors, round-trips through serialize/load', async () => {
    const choice = await trainApi.init({ order: ['cpu'] });
    expect(choice.backend).toBe('cpu');
    expect(trainApi.backend().current).toBe('cpu');
    const before = tf.memory().numTensors;
    const data = cycleData(12, 8);
    const progress: number[] = [];
    const r = await trainApi.train(
      { model: 'rnn', config: small, seed: 1, data, trainEnd: data.userOffsets.slice(1) },
      (p) => progress.push(p.epoch),
    );
    expect(r.ok && r.data.epochs).toBe(2);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const rows = { users: Int32Array.from([0, 5]), histEnd: Int32Array.from([3, 45]) };
    const f = await trainApi.factors(rows);
    if (!f.ok) throw new Error(f.reason);
    expect(f.data.hidden.length).toBe(2 * 8);
    expect(f.data.itemEmb.length).toBe(6 * 8);
    const s = await trainApi.serialize();
    if (!s.ok) throw new Error(s.reason);
    trainApi.dispose();
    expect((await trainApi.factors(rows)).ok).toBe(false);
    expect(trainApi.load(s.data, data).ok).toBe(true);
    const g = await trainApi.factors(rows);
    expect(g.ok && Array.from(g.data.hidden)).toEqual(Array.from(f.data.hidden));
    trainApi.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('cancels within one batch and rejects bad requests as values', async () => {
    const data = cycleData(40, 8);
    let reports = 0;
    const r = await trainApi.train(
      { model: 'transformer', config: { ...small, epochs: 5 }, seed: 2, data, trainEnd: data.userOffsets.slice(1) },
      () => {
        reports++;
        trainApi.cancel();
      },
    );
    expect(r.ok && r.data.stopped).toBe('aborted');
    expect(reports).toBe(1);
    const bad = await trainApi.train({ model: 'lstm' as 'rnn', seed: 1, data, trainEnd: data.userOffsets.slice(1) });
    expect(bad.ok ? '' : bad.code).toBe('bad-config');
    const short = await trainApi.train({ model: 'rnn', seed: 1, data, trainEnd: new Int32Array(3) });
    expect(short.ok ? '' : short.code).toBe('bad-data');
    trainApi.dispose();
  });
});
