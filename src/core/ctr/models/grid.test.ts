import { describe, expect, it } from 'vitest';
import { tf } from '../../models/sequence/testing.tf';
import { createRng } from '../../util/rng';
import { conversionScores, plannerRows, probeLog } from '../plannerScores';
import { testWorld } from '../testing.world';
import { createCtrModel, ctrDims, type CtrModel, type CtrModelName } from './index';
import { outerAdd } from './grid';

// The tiny impression world (contexts and categories), shrunk further so that the probe path stays quick; each model
// fitted for two epochs at a large learning rate, so that every weight has moved off its start (LR starts at 0).
const { log, split } = testWorld('tiny', { nUsers: 40, nItems: 30 });
const rows = plannerRows(log, split);
// Every user, at the test start and at the log's first time: users with no history and no earlier context are among
// them (asserted below).
const allUsers = Int32Array.from({ length: log.nUsers }, (_, u) => u);
const times = { 'test start': rows.at, 'first impression': log.time.reduce((a, t) => Math.min(a, t), Infinity) };

const GRID_MODELS: CtrModelName[] = ['LR', 'DeepFM', 'DIN', 'MMoE', 'MT-RNN'];

async function fitted(name: CtrModelName): Promise<CtrModel> {
  const m = createCtrModel(
    name,
    ctrDims(log),
    {
      epochs: 2,
      lr: 0.05,
      batchSize: 64,
      patience: 0,
      ...(name === 'LR' ? {} : { maxLen: 4, embeddingDim: 8 }),
    } as never,
    3,
  );
  if (!m.ok) throw new Error(m.reason);
  const f = await m.data.fit(log, split, { rng: createRng(5) });
  if (!f.ok) throw new Error(f.reason);
  return m.data;
}

describe('outerAdd', () => {
  it('row u·I + i is user u plus item i, in JS and with tfjs ops', () => {
    const user = tf.tensor2d([1, 2, 10, 20], [2, 2]);
    const item = tf.tensor2d([100, 200, 300, 400, 500, 600], [3, 2]);
    const want = [101, 202, 301, 402, 501, 602, 110, 220, 310, 420, 510, 620];
    for (const js of [true, false]) {
      const g = outerAdd(user, item, js);
      expect(g.shape).toEqual([6, 2]);
      expect(Array.from(g.dataSync())).toEqual(want);
      g.dispose();
    }
    tf.dispose([user, item]);
  });
});

describe('grid scoring against the probe path (a forward pass per user × item)', () => {
  it('the users include some with no clicks and no impression before the scoring time', () => {
    const p = probeLog(log, allUsers, rows.at, Int32Array.of(0));
    let empty = 0;
    for (const u of allUsers) if (p.log.userOffsets[u + 1] - p.log.userOffsets[u] === 1) empty++;
    expect(empty).toBeGreaterThan(0);
    expect(empty).toBeLessThan(allUsers.length);
  });

  for (const name of GRID_MODELS)
    it(`${name}: pCTR and pCVR of every cell equal the probe path's (1e-5), without leaking tensors`, async () => {
      const model = await fitted(name);
      try {
        expect(model.scoreGrid).toBeDefined();
        for (const at of Object.values(times)) {
          const probe = probeLog(log, allUsers, at);
          const want = await model.predict(probe.log, probe.probes);
          if (!want.ok) throw new Error(want.reason);
          const before = tf.memory().numTensors;
          const got = await model.scoreGrid!(log, allUsers, at);
          expect(tf.memory().numTensors).toBe(before);
          if (!got.ok) throw new Error(got.reason);
          const n = allUsers.length * log.nItems;
          for (const key of ['pCtr', 'pCvr'] as const) {
            const w = want.data[key]!,
              g = got.data[key]!;
            expect([w.length, g.length]).toEqual([n, n]);
            let worst = 0;
            for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(w[j] - g[j]));
            expect(worst).toBeLessThan(1e-5);
            // Not a constant: the cells differ by user and by item.
            expect(Math.max(...w) - Math.min(...w)).toBeGreaterThan(1e-3);
          }
        }
        // Through the planner's scoring: the grid path in chunks equals the probe path in chunks.
        const fast = await conversionScores(model, log, rows.users, rows.at, { chunkCells: 7 * log.nItems });
        const slow = await conversionScores(model, log, rows.users, rows.at, {
          chunkCells: 7 * log.nItems,
          probesOnly: true,
        });
        if (!fast.ok || !slow.ok) throw new Error('scoring failed');
        let worst = 0;
        fast.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - slow.data[j]))));
        expect(worst).toBeLessThan(1e-5);
      } finally {
        model.dispose();
      }
    });
});
