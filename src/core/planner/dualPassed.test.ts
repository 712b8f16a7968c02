import { describe, expect, it } from 'vitest';
import { denseScores } from '../models/scores';
import { createRng } from '../util/rng';
import { solveDual } from './dual';
import { softSums, softSumsOf, solveDualPassed, type SoftPassFn } from './dualPassed';
import { lpOptimum } from './lp.testutil';
import { drawScores, scoreWorld } from './synthetic';
import type { MatchSettings } from './types';

/** The JS pass as an engine, counting its passes. */
function jsEngine(data: Float32Array, m: number, p: number) {
  const engine = { passes: 0, pass: null as unknown as SoftPassFn };
  engine.pass = async (u, v, eps, out) => {
    engine.passes++;
    softSums(data, m, p, u, v, eps, out);
  };
  return engine;
}

describe('softSums (the pass the engines run)', () => {
  it('gives the hand-computed sums and slopes, with the logit cut-off', () => {
    // 2 × 3, ε = 0.5: z = (λ − u − v)/ε = [[0, ln 3, 30], [−ln 3, −30, 2]].
    const eps = 0.5;
    const u = Float64Array.of(0.1, 0.2);
    const v = Float64Array.of(0, -0.1, 0.3);
    const z = [
      [0, Math.log(3), 30],
      [-Math.log(3), -30, 2],
    ];
    const data = Float32Array.from(z.flatMap((r, x) => r.map((zz, y) => zz * eps + u[x] + v[y])));
    const out = softSumsOf(2, 3);
    softSums(data, 2, 3, u, v, eps, out);
    const s2 = 1 / (1 + Math.exp(-2));
    const pis = [
      [0.5, 0.75, 1],
      [0.25, 0, s2],
    ];
    for (let x = 0; x < 2; x++) {
      expect(out.rowSum[x]).toBeCloseTo(pis[x][0] + pis[x][1] + pis[x][2], 6);
      expect(out.rowSlope[x]).toBeCloseTo(
        pis[x].reduce((s, q) => s + q * (1 - q), 0),
        6,
      );
    }
    for (let y = 0; y < 3; y++) {
      expect(out.colSum[y]).toBeCloseTo(pis[0][y] + pis[1][y], 6);
      expect(out.colSlope[y]).toBeCloseTo(pis[0][y] * (1 - pis[0][y]) + pis[1][y] * (1 - pis[1][y]), 6);
    }
  });
});

describe('solveDualPassed (the Dual with its passes on an engine)', () => {
  const world = (m: number, p: number, seed: number) => {
    const rng = createRng(seed);
    return drawScores(scoreWorld(p, rng, 4, 1), m, rng);
  };

  for (const c of [
    { name: 'minimal exposure β', m: 60, p: 40, s: { alpha: 0.1, beta: 0.05 } as MatchSettings },
    { name: 'maximal exposure β′', m: 50, p: 30, s: { alpha: 0.2, beta: 0, betaMax: 0.3 } as MatchSettings },
  ])
    it(`${c.name}: the CPU solve's v and exposures, near the LP optimum`, async () => {
      const data = world(c.m, c.p, 3);
      const scores = denseScores(c.m, c.p, data);
      const engine = jsEngine(data, c.m, c.p);
      const got = await solveDualPassed(scores, c.s, engine.pass);
      const cpu = solveDual(scores, c.s, { method: 'anneal' });
      expect(engine.passes).toBeGreaterThan(10);
      let mx = 0;
      for (const x of data) mx = Math.max(mx, x);
      // v within 1% of max λ of the CPU solve's; exposures within 2 users per item; the same objective to 1%.
      for (let y = 0; y < c.p; y++) expect(Math.abs(got.state.v[y] - cpu.state.v[y])).toBeLessThan(0.01 * mx);
      for (let y = 0; y < c.p; y++) expect(Math.abs(got.itemExposure[y] - cpu.itemExposure[y])).toBeLessThanOrEqual(2);
      expect(got.objective).toBeCloseTo(cpu.objective, -Math.log10(0.01 * cpu.objective));
      const K = Math.round(c.s.alpha * c.p);
      const opt = await lpOptimum(data, c.m, c.p, K, c.s.beta * c.m, (c.s.betaMax ?? Infinity) * c.m);
      expect(got.objective).toBeGreaterThanOrEqual(0.97 * opt);
      expect(got.objective).toBeLessThanOrEqual(opt * 1.000001);
      expect(Math.max(...got.userLoad)).toBeLessThanOrEqual(K);
    });

  it('warm-started from its own solution, it ends in fewer passes at the same v', async () => {
    const m = 60;
    const p = 40;
    const data = world(m, p, 5);
    const s = { alpha: 0.1, beta: 0.05 };
    const cold = jsEngine(data, m, p);
    const first = await solveDualPassed(denseScores(m, p, data), s, cold.pass);
    const again = jsEngine(data, m, p);
    const second = await solveDualPassed(denseScores(m, p, data), s, again.pass, { warm: first.state });
    expect(again.passes).toBeLessThan(cold.passes);
    for (let y = 0; y < p; y++) expect(second.state.v[y]).toBeCloseTo(first.state.v[y], 2);
  });
});
