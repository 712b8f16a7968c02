import { describe, expect, it } from 'vitest';
import { ascendingOrder } from './metrics';
import { repeatFlags, summariseImpressions } from './log';
import type { ImpressionLog } from './types';
import { generateCtrWorld, type CtrWorld } from './world';
import { ctrPresetConfig, resolveCtrWorldConfig, SECONDS_PER_DAY, type CtrWorldConfig } from './worldConfig';

function world(c: CtrWorldConfig): { world: CtrWorld; log: ImpressionLog } {
  const g = generateCtrWorld(c);
  if (!g.ok) throw new Error(g.reason);
  return g.data;
}

/** |observed − expected| of a sum of independent Bernoullis, in standard deviations. */
function zScore(hits: number, ps: number[]): number {
  const mean = ps.reduce((a, p) => a + p, 0);
  const v = ps.reduce((a, p) => a + p * (1 - p), 0);
  return Math.abs(hits - mean) / Math.sqrt(v);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('synthetic impression world', () => {
  const small = world(ctrPresetConfig('small', 7));
  const L = small.log;
  const T = L.truth!;

  it('clicks follow truth.pClick and conversions follow truth.pConvGivenClick, bin by bin (4 sd)', () => {
    const n = L.user.length;
    const order = ascendingOrder(T.pClick, null, n);
    if (!order.ok) throw new Error(order.reason);
    for (let b = 0; b < 10; b++) {
      const rows = Array.from(order.data.subarray(Math.floor((b * n) / 10), Math.floor(((b + 1) * n) / 10)));
      const hits = rows.reduce((a, e) => a + L.click[e], 0);
      expect(
        zScore(
          hits,
          rows.map((e) => T.pClick[e]),
        ),
        `click decile ${b}`,
      ).toBeLessThan(4);
    }
    const clicked = Array.from({ length: n }, (_, e) => e).filter((e) => L.click[e] === 1);
    const byConv = clicked.slice().sort((a, b) => T.pConvGivenClick[a] - T.pConvGivenClick[b]);
    for (let b = 0; b < 5; b++) {
      const rows = byConv.slice(Math.floor((b * byConv.length) / 5), Math.floor(((b + 1) * byConv.length) / 5));
      const hits = rows.reduce((a, e) => a + L.conversion[e], 0);
      expect(
        zScore(
          hits,
          rows.map((e) => T.pConvGivenClick[e]),
        ),
        `conversion quintile ${b}`,
      ).toBeLessThan(4);
    }
    // No conversion without a click.
    expect(L.conversion.every((v, e) => v === 0 || L.click[e] === 1)).toBe(true);
  });

  it('the stored truth is the header formula, recomputed here from the latent parameters', () => {
    const w = small.world;
    const c = w.config;
    const rep = repeatFlags(L);
    for (let e = 0; e < L.user.length; e += 97) {
      const u = L.user[e];
      const i = L.item[e];
      const s = T.scenario[e];
      const cat = w.itemCategory[i];
      const own = cat % c.nScenarios === s;
      const rho = c.repeatIntent[s];
      const pExplore = sigmoid(
        c.clickBias +
          (own ? c.scenarioBoost : 0) +
          w.userTaste[u * c.nCategories + cat] +
          w.itemQuality[i] +
          c.popularityEffect * w.itemPopularity[i],
      );
      const pc = rep[e] ? rho * c.repeatClick : (1 - rho) * pExplore;
      const pv = sigmoid(
        c.convBias + w.itemConversion[i] + (own ? c.convScenario : 0) + (rep[e] ? c.repeatConvBoost : 0),
      );
      expect(T.pClick[e]).toBe(Math.fround(pc));
      expect(T.pConvGivenClick[e]).toBe(Math.fround(pv));
    }
  });

  it('repeat intent: a shown, previously clicked item is clicked with p = ρ_s·repeatClick in scenario s', () => {
    const c = small.world.config;
    const rep = repeatFlags(L);
    for (let s = 0; s < c.nScenarios; s++) {
      const rows = Array.from({ length: L.user.length }, (_, e) => e).filter((e) => rep[e] && T.scenario[e] === s);
      expect(rows.length).toBeGreaterThan(300);
      const hits = rows.reduce((a, e) => a + L.click[e], 0);
      const p = c.repeatIntent[s] * c.repeatClick;
      expect(
        zScore(
          hits,
          rows.map(() => p),
        ),
        `scenario ${s}: ${hits}/${rows.length} vs p ${p}`,
      ).toBeLessThan(4);
    }
  });

  it('scenario switching: a session keeps its scenario with p = stay, switches ∝ π among the others', () => {
    // One request per session, so each distinct time of a user is one session.
    const cfg = {
      ...ctrPresetConfig('small', 3),
      nScenarios: 3,
      repeatIntent: [0.1, 0.2, 0.3],
      scenarioShares: [0.5, 0.3, 0.2],
      stay: 0.7,
      requestsPerSession: 1,
    };
    const { log } = world(cfg);
    const sc = log.truth!.scenario;
    const trans = [0, 1, 2].map(() => [0, 0, 0]);
    const firsts = [0, 0, 0];
    for (let u = 0; u < log.nUsers; u++) {
      let prev = -1;
      let prevT = -1;
      for (let e = log.userOffsets[u]; e < log.userOffsets[u + 1]; e++) {
        if (log.time[e] === prevT) continue;
        if (prev < 0) firsts[sc[e]]++;
        else trans[prev][sc[e]]++;
        prev = sc[e];
        prevT = log.time[e];
      }
    }
    const all = trans.flat().reduce((a, x) => a + x, 0);
    const stays = trans[0][0] + trans[1][1] + trans[2][2];
    expect(all).toBeGreaterThan(2000);
    expect(zScore(stays, Array(all).fill(0.7))).toBeLessThan(4);
    // From scenario 0, a switch goes to 1 with p = 0.3 / (0.3 + 0.2).
    const sw = trans[0][1] + trans[0][2];
    expect(zScore(trans[0][1], Array(sw).fill(0.6))).toBeLessThan(4);
    const nFirst = firsts.reduce((a, x) => a + x, 0);
    expect(zScore(firsts[0], Array(nFirst).fill(0.5))).toBeLessThan(4);
  });

  it('observed context is the scenario page with p = fidelity + (1 − fidelity)/pages', () => {
    const c = small.world.config;
    const n = L.user.length;
    let hits = 0;
    for (let e = 0; e < n; e++) if (L.context![e] === T.scenario[e] % c.nContexts) hits++;
    const p = c.contextFidelity + (1 - c.contextFidelity) / c.nContexts;
    expect(zScore(hits, Array(n).fill(p))).toBeLessThan(4);
  });

  it('presets: small ≈ 50k impressions over 28 days, CTR 3-10%, CVR given click 5-20%; high-repeat repeats more', () => {
    const s = summariseImpressions(L, { kind: 'impressions', labels: 'synthetic' });
    expect(Math.abs(s.impressions - 50_000)).toBeLessThan(2_500);
    expect(s.tMin).toBeGreaterThanOrEqual(small.world.config.t0);
    expect(s.tMax).toBeLessThan(small.world.config.t0 + 28 * SECONDS_PER_DAY);
    expect(s.days).toBe(28);
    expect(s.clickRate).toBeGreaterThan(0.03);
    expect(s.clickRate).toBeLessThan(0.1);
    expect(s.conversionPerClick).toBeGreaterThan(0.05);
    expect(s.conversionPerClick).toBeLessThan(0.2);
    const hr = summariseImpressions(world(ctrPresetConfig('high-repeat', 7)).log, {
      kind: 'impressions',
      labels: 'synthetic',
    });
    expect(hr.repeatRate!).toBeGreaterThan(2 * s.repeatRate!);
    expect(hr.clickRate).toBeGreaterThan(0.03);
    expect(hr.conversionPerClick).toBeLessThan(0.2);
    // Sorted by user, then time, with CSR offsets.
    let inOrder = L.userOffsets[L.nUsers] === L.user.length;
    for (let u = 0; u < L.nUsers; u++)
      for (let e = L.userOffsets[u]; e < L.userOffsets[u + 1]; e++)
        inOrder &&= L.user[e] === u && (e === L.userOffsets[u] || L.time[e] >= L.time[e - 1]);
    expect(inOrder).toBe(true);
  });

  it('is deterministic per seed; another seed gives another log', () => {
    const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => v === b[k]);
    const again = world(ctrPresetConfig('small', 7)).log;
    for (const k of ['user', 'item', 'time', 'click', 'conversion', 'context'] as const)
      expect(same(again[k]!, L[k]!), k).toBe(true);
    expect(same(again.truth!.pClick, T.pClick) && same(again.truth!.scenario, T.scenario)).toBe(true);
    const other = world(ctrPresetConfig('small', 8)).log;
    expect(same(other.item, L.item)).toBe(false);
  });

  it('refuses a bad config naming the field and value', () => {
    const r = resolveCtrWorldConfig({ ...ctrPresetConfig('small'), repeatIntent: [0.1] });
    expect(!r.ok && r.reason).toBe(
      'impression world config: repeatIntent = [0.1]: needs one probability in [0, 1] per scenario (2)',
    );
    const s = resolveCtrWorldConfig({ ...ctrPresetConfig('small'), slate: 0 });
    expect(!s.ok && s.reason).toBe('impression world config: slate = 0: must be a positive integer');
  });
});
