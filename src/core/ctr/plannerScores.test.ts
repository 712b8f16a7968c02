import { describe, expect, it } from 'vitest';
import { ok } from '../util/result';
import { ctrBatch, featureIndex } from './features';
import type { CtrModel } from './models/model';
import { PLANNER_CELLS_MAX, conversionScores, modelPlannerScores, plannerRows, probeLog } from './plannerScores';
import { testWorld } from './testing.world';
import type { ImpressionLog } from './types';

const MAX_LEN = 3;

/** What the fake model makes of an impression's features; known in closed form, so the test can compute it directly. */
const pCtrOf = (item: number, histLen: number, lastItem: number, context: number) =>
  (item + 1) / 64 + histLen / 256 + (lastItem + 1) / 1024 + (context + 1) / 4096;
const pCvrOf = (user: number, category: number) => (((user % 7) + 1) / 8) * ((category + 2) / 8);

/** A model whose predictions are pCtrOf and pCvrOf of the batch features (the same features a trained model reads). */
const fake: Pick<CtrModel, 'predict'> = {
  async predict(log: ImpressionLog, rows: Int32Array) {
    const b = ctrBatch(log, featureIndex(log, MAX_LEN), rows);
    const pCtr = new Float32Array(b.size);
    const pCvr = new Float32Array(b.size);
    for (let r = 0; r < b.size; r++) {
      const last = b.historyLen[r] > 0 ? b.history[(r + 1) * MAX_LEN - 1] - 1 : -1;
      pCtr[r] = pCtrOf(b.item[r], b.historyLen[r], last, b.context[r]);
      pCvr[r] = pCvrOf(b.user[r], b.category[r]);
    }
    return ok({ rows, pCtr, pCvr });
  },
};

describe('planner scores of a click-and-conversion model', () => {
  const { log, split } = testWorld('tiny');
  const rows = plannerRows(log, split);

  it('rows are the users with a test impression; targets their test conversions by item', () => {
    const users = [...new Set(Array.from(split.test, (e) => log.user[e]))].sort((a, b) => a - b);
    expect(Array.from(rows.users)).toEqual(users);
    expect(rows.at).toBe(split.testStart);
    const t = rows.target;
    expect([t.nRows, t.nCols]).toEqual([users.length, log.nItems]);
    users.forEach((u, r) => {
      const want = new Set<number>();
      for (const e of split.test) if (log.user[e] === u && log.click[e] && log.conversion[e]) want.add(log.item[e]);
      expect(Array.from(t.indices.subarray(t.indptr[r], t.indptr[r + 1]))).toEqual([...want].sort((a, b) => a - b));
    });
    expect(t.indices.length).toBeGreaterThan(0);
  });

  it('score = pCTR · pCVR per user × item, from the clicks and the context before the test start', async () => {
    const { users, at } = rows;
    // Small chunks: several probe logs, and a chunk boundary inside the users.
    const s = await conversionScores(fake, log, users, at, { chunkCells: 3 * log.nItems + 5 });
    if (!s.ok) throw new Error(s.reason);
    expect(s.data.length).toBe(users.length * log.nItems);
    let nonTrivial = 0;
    users.forEach((u, r) => {
      const clicks: number[] = [];
      let context = -1;
      for (let e = log.userOffsets[u]; e < log.userOffsets[u + 1] && log.time[e] < at; e++) {
        if (log.click[e]) clicks.push(log.item[e]);
        context = log.context ? log.context[e] : -1;
      }
      const histLen = Math.min(clicks.length, MAX_LEN);
      if (histLen > 0) nonTrivial++;
      const last = clicks.length > 0 ? clicks[clicks.length - 1] : -1;
      for (let i = 0; i < log.nItems; i++) {
        const want = pCtrOf(i, histLen, last, context) * pCvrOf(u, log.itemCategory![i]);
        expect(s.data[r * log.nItems + i]).toBeCloseTo(want, 6);
      }
    });
    expect(nonTrivial).toBeGreaterThan(0);
  });

  it('a probe log keeps each user’s earlier rows and adds every item at the probe time', () => {
    const users = rows.users.subarray(0, 2);
    const p = probeLog(log, users, rows.at);
    for (const [k, u] of Array.from(users).entries()) {
      const own = Array.from({ length: log.userOffsets[u + 1] - log.userOffsets[u] }, (_, j) => log.userOffsets[u] + j);
      const before = own.filter((e) => log.time[e] < rows.at);
      const s = p.log.userOffsets[u];
      expect(p.log.userOffsets[u + 1] - s).toBe(before.length + log.nItems);
      expect(Array.from(p.log.item.subarray(s, s + before.length))).toEqual(before.map((e) => log.item[e]));
      expect(Array.from(p.probes.subarray(k * log.nItems, (k + 1) * log.nItems))).toEqual(
        Array.from({ length: log.nItems }, (_, i) => s + before.length + i),
      );
    }
    expect(p.log.truth).toBeUndefined();
  });

  it('a model without a conversion head is refused, and so is a matrix over the budget', async () => {
    const m = await modelPlannerScores(fake, log, rows);
    expect(m.ok && m.data.length).toBe(rows.users.length * log.nItems);
    const clickOnly: Pick<CtrModel, 'predict'> = {
      predict: async (_l, r) => ok({ rows: r, pCtr: new Float32Array(r.length) }),
    };
    expect(await modelPlannerScores(clickOnly, log, rows)).toMatchObject({ ok: false, code: 'no-conversion' });
    const many = { ...rows, users: new Int32Array(PLANNER_CELLS_MAX / log.nItems + 1) };
    expect(await modelPlannerScores(fake, log, many)).toMatchObject({ ok: false, code: 'too-big' });
  });

  it('reports users done of all after each chunk, and stops before the next chunk once cancelled', async () => {
    const { users, at } = rows;
    const seen: { done: number; total: number; etaSeconds: number | null }[] = [];
    const s = await conversionScores(fake, log, users, at, {
      chunkCells: 4 * log.nItems,
      onProgress: (p) => seen.push(p),
    });
    expect(s.ok).toBe(true);
    const chunks = Math.ceil(users.length / 4);
    expect(seen.map((p) => p.done)).toEqual(
      Array.from({ length: chunks }, (_, k) => Math.min(users.length, 4 * (k + 1))),
    );
    expect(seen.every((p) => p.total === users.length)).toBe(true);
    expect(seen[seen.length - 1].etaSeconds ?? 0).toBe(0);

    const signal = { aborted: false };
    let calls = 0;
    const counting: Pick<CtrModel, 'predict'> = {
      predict: (l, r) => {
        calls++;
        return fake.predict(l, r);
      },
    };
    const stopped = await conversionScores(counting, log, users, at, {
      chunkCells: 4 * log.nItems,
      signal,
      onProgress: (p) => (signal.aborted = p.done >= 8),
    });
    expect(stopped).toMatchObject({ ok: false, code: 'aborted' });
    expect(calls).toBe(2);
  });
});
