import { describe, expect, it } from 'vitest';
import '../core/models/sequence/testing.tf';
import { SequenceModel } from '../core/models/sequence/index';
import { datasetOf } from '../core/models/sequence/testing.fixtures';
import { createRng } from '../core/util/rng';
import { startReplicaPool } from './replicaPool';
import type { ReplicaPool } from '../core/models/sequence/parallel';

/** 12 users of 3-10 events over 6 items; item i mostly followed by i + 1. */
function world() {
  const rng = createRng(8);
  const seqs = Array.from({ length: 12 }, () => {
    let y = rng.int(6);
    return Array.from({ length: 3 + rng.int(8) }, () => (y = rng.next() < 0.8 ? (y + 1) % 6 : rng.int(6)));
  });
  return datasetOf(seqs, 6);
}

async function fit(replicas?: ReplicaPool) {
  const ds = world();
  const m = SequenceModel.create(
    {
      kind: 'gru',
      hidden: 8,
      layers: 1,
      maxLen: 10,
      bptt: 4,
      batchSize: 6,
      minBatches: 1,
      epochs: 2,
      patience: 2,
      mixture: false,
    },
    ds.nItems,
    1,
  );
  if (!m.ok) throw new Error(m.reason);
  const r = await m.data.fit({ dataset: ds, trainEnd: ds.userOffsets.subarray(1) }, { rng: createRng(2), replicas });
  m.data.dispose();
  if (!r.ok) throw new Error(r.reason);
  return r.data;
}

describe('replica threads (worker_threads)', () => {
  it('2 threads train the loss curve of 1, and the same curve twice', async () => {
    const one = await fit();
    const pool = startReplicaPool(2, 'cpu');
    try {
      const a = await fit(pool);
      const b = await fit(pool);
      expect(a.trainLoss).toHaveLength(2);
      a.trainLoss.forEach((l, e) => expect(l).toBeCloseTo(one.trainLoss[e], 4));
      a.validLoss.forEach((l, e) => expect(l).toBeCloseTo(one.validLoss[e], 4));
      expect(b.trainLoss).toEqual(a.trainLoss);
      expect(b.validLoss).toEqual(a.validLoss);
    } finally {
      await pool.close();
    }
  });

  it('a thread that cannot start rejects what waits on it, with its reason, instead of hanging', async () => {
    const pool = startReplicaPool(1, 'nope' as 'cpu');
    try {
      await expect(pool.next(0)).rejects.toThrow(/replica thread 0: .*nope/);
    } finally {
      await pool.close();
    }
  });
});
