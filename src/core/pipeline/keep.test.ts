import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { ok } from '../util/result';
import { runAndKeep, runExperiment } from './run';
import { defaultRegistry } from './defaultRegistry';
import { handTemporalSplit, hawkesWorld } from '../models/intensity/testSupport';
import type { NextItemModel } from '../models/types';

const DAY = 86400;

describe('runAndKeep', () => {
  const world = hawkesWorld({
    seed: 2,
    nUsers: 120,
    nItems: 30,
    span: 120 * DAY,
    mu: 0.05 / DAY,
    a: 0.5,
    s: 2 * DAY,
    rng: createRng(7),
  });
  const d = world.dataset;
  const T = 100 * DAY;
  const h = 7 * DAY;
  const split = handTemporalSplit(d, T, h);
  const splitter = () => ok(handTemporalSplit(d, T, h));
  const cfg = (models: string[]) => ({
    split: { kind: 'temporal' as const, testStart: T, horizon: h },
    models,
    seed: 1,
  });
  const nItems = split.test.target.nCols;
  const testRows = split.test.users.length;
  const validRows = split.valid.users.length;
  // Independent references from the raw events: history lengths before each row's window, training counts per item.
  const hist = (rows: typeof split.test, r: number) => rows.histEnd[r] - d.userOffsets[rows.users[r]];
  const count = new Float64Array(nItems);
  for (let u = 0; u < d.nUsers; u++) for (let e = d.userOffsets[u]; e < split.trainEnd[u]; e++) count[d.item[e]]++;
  const floor = (n: number) => Math.max(0.01, n);

  it('keeps dense test and validation scores and λ(x) of each model, and evaluates exactly as without keeping', async () => {
    const models = ['Pop', 'Hawkes', 'Rand'];
    const opts = { splitter, registry: defaultRegistry({ sequence: false }) };
    const r = await runAndKeep(d, cfg(models), { ...opts, keep: { budgetBytes: 1 << 30 } });
    if (!r.ok) throw new Error(r.reason);
    const plain = await runExperiment(d, cfg(models), opts);
    if (!plain.ok) throw new Error(plain.reason);
    expect(r.data.result.item_rec).toEqual(plain.data.item_rec);
    expect(r.data.result.user_rec).toEqual(plain.data.user_rec);
    expect([...r.data.kept.keys()]).toEqual(models);
    expect(Array.from(r.data.split.test.users)).toEqual(Array.from(split.test.users));

    // Pop: max(0.01, history length) × max(0.01, training count), on the test and the validation rows; λ its user side.
    const pop = r.data.kept.get('Pop')!;
    expect(pop.test.length).toBe(testRows * nItems);
    expect(pop.valid?.length).toBe(validRows * nItems);
    expect(pop.hasP).toBe(false);
    for (let row = 0; row < testRows; row++) {
      expect(pop.lambda![row]).toBe(floor(hist(split.test, row)));
      for (let c = 0; c < nItems; c++) {
        const want = floor(hist(split.test, row)) * floor(count[c]);
        expect(Math.abs(pop.test[row * nItems + c] - want) / want).toBeLessThan(1e-6);
      }
    }
    for (let row = 0; row < validRows; row += 7) {
      const want = floor(hist(split.valid, row)) * floor(count[3]);
      expect(Math.abs(pop.valid![row * nItems + 3] - want) / want).toBeLessThan(1e-6);
    }
    // Hawkes: λ(x) × max(0.01, count); Rand has no intensity.
    const hk = r.data.kept.get('Hawkes')!;
    for (let row = 0; row < testRows; row += 5) {
      for (let c = 0; c < nItems; c++) {
        const want = hk.lambda![row] * floor(count[c]);
        expect(Math.abs(hk.test[row * nItems + c] - want)).toBeLessThanOrEqual(1e-6 * want);
      }
    }
    expect(r.data.kept.get('Rand')?.lambda).toBeNull();
  });

  it('stops keeping at the budget: later models are evaluated but not kept; without keep nothing is kept', async () => {
    const perModel = 4 * nItems * (testRows + validRows);
    const opts = { splitter, registry: defaultRegistry({ sequence: false }) };
    const r = await runAndKeep(d, cfg(['EMA', 'Pop', 'Rand']), { ...opts, keep: { budgetBytes: 2 * perModel + 1 } });
    if (!r.ok) throw new Error(r.reason);
    expect([...r.data.kept.keys()]).toEqual(['EMA', 'Pop']);
    expect(Object.keys(r.data.result.item_rec)).toEqual(['EMA', 'Pop', 'Rand']);
    const none = await runAndKeep(d, cfg(['EMA']), opts);
    expect(none.ok && none.data.kept.size).toBe(0);
  });

  it('keeps p(y|x) for a composition: its scores divided by λ(x) sum to 1 over the items', async () => {
    // A stand-in next-item model (no tfjs): p(y|x) ∝ the world's true item probabilities.
    const reg = defaultRegistry({ sequence: false }).registerNextItem('RNN', async () => {
      const model: NextItemModel = {
        name: 'RNN',
        factors: async (rows) => ({
          hidden: new Float32Array(rows.users.length),
          itemEmb: new Float32Array(nItems),
          itemBias: Float32Array.from(world.itemProb, Math.log),
          dim: 1,
        }),
        dispose: () => {},
      };
      return ok({ model, meta: { backend: 'cpu', seconds: 0 } });
    });
    const r = await runAndKeep(d, cfg(['RNN-Pop', 'RNN']), { splitter, registry: reg, keep: { budgetBytes: 1 << 30 } });
    if (!r.ok) throw new Error(r.reason);
    const comp = r.data.kept.get('RNN-Pop')!;
    expect(comp.hasP).toBe(true);
    expect(r.data.kept.get('RNN')).toMatchObject({ hasP: true, lambda: null });
    for (let row = 0; row < testRows; row += 3) {
      expect(comp.lambda![row]).toBe(floor(hist(split.test, row)));
      let s = 0;
      for (let c = 0; c < nItems; c++) s += comp.test[row * nItems + c] / comp.lambda![row];
      expect(s).toBeCloseTo(1, 5);
    }
  });
});
