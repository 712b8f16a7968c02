import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { ok } from '../util/result';
import { runExperiment } from '../pipeline/run';
import { defaultRegistry } from '../pipeline/defaultRegistry';
import { handTemporalSplit, hawkesWorld } from '../models/intensity/testSupport';
import type { PlannerMode } from './types';

const DAY = 86400;

describe('mtch_ in runExperiment', () => {
  const world = hawkesWorld({
    seed: 2,
    nUsers: 300,
    nItems: 40,
    span: 200 * DAY,
    mu: 0.05 / DAY,
    a: 0.6,
    s: 2 * DAY,
    rng: createRng(7),
  });
  const T = 180 * DAY;
  const h = 7 * DAY;
  const splitter = () => ok(handTemporalSplit(world.dataset, T, h));

  it.each<PlannerMode>(['greedy', 'offline', 'online'])(
    '%s: a β sweep at α = K/items and an α sweep at β′ = C/test states, rime fields',
    async (mode) => {
      const cfg = {
        split: { kind: 'temporal' as const, testStart: T, horizon: h },
        models: ['Pop', 'Hawkes'],
        seed: 1,
        itemRecTopK: 2,
        match: { betas: [0, 0.01, 0.04, 0.2], alphas: [0.05, 0.5], mode },
      };
      const res = await runExperiment(world.dataset, cfg, { splitter, registry: defaultRegistry({ sequence: false }) });
      if (!res.ok) throw new Error(res.reason);
      const r = res.data;
      // The reference's header: K = 2, C = ceil(1% of the test states), the mode's flags.
      expect([r._k1, r._c1, r._cmax, r.dual, r.online]).toEqual([
        2,
        Math.ceil(0.01 * r.split.testUsers),
        r.split.testUsers,
        mode !== 'greedy',
        mode === 'online',
      ]);
      const bMax = r._c1 / r._cmax;
      for (const model of ['Pop', 'Hawkes']) {
        const pts = r.mtch_![model];
        // β = 0.2 > α = 2/40 is skipped with a warning; 3 β points + 2 α points remain.
        expect(pts.map((p) => [p.alpha, p.beta, p.betaMax])).toEqual([
          [0.05, 0, undefined],
          [0.05, 0.01, undefined],
          [0.05, 0.04, undefined],
          [0.05, 0, bMax],
          [0.5, 0, bMax],
        ]);
        // k and c are the settings, as the reference's mtch_ (get_mtch_(k=_k1) is the β sweep, c=_c1 the α sweep).
        expect(pts.map((p) => [p.k, p.c])).toEqual([
          [2, 0],
          [2, 0.01 * r._cmax],
          [2, 0.04 * r._cmax],
          [0.05 * 40, r._c1],
          [0.5 * 40, r._c1],
        ]);
        for (const p of pts) {
          expect(p.mode).toBe(mode);
          for (const f of [
            'k',
            'c',
            'recs/user',
            'recs/item',
            'prec',
            'recall',
            'item_ppl',
            'item_cov',
            'user_ppl',
            'recs/item_25%',
            'recs/item_50%',
            'recs/item_75%',
          ] as const) {
            expect(Number.isFinite(p[f])).toBe(true);
          }
          expect(p['recs/user']).toBeLessThanOrEqual(p.alpha * 40 + 1e-9);
        }
        // β = 0 is plain top-K ItemRec: the same precision as item_rec (both divide hits by K·rows).
        expect(pts[0].prec).toBeCloseTo(r.item_rec[model].prec, 12);
        // Minimal exposure spreads the recommendations: more items covered, higher item perplexity.
        expect(pts[2].item_cov).toBeGreaterThan(pts[0].item_cov);
        expect(pts[2].item_ppl).toBeGreaterThan(pts[0].item_ppl);
      }
      expect(r.warnings.filter((w) => /mtch_ .*skipped β = 0\.2/.test(w))).toHaveLength(2);
    },
  );
});
