import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { fitMixture, gateWeights, HistoryWalker, mixtureRows, type MixtureParams } from './mixture';

describe('HistoryWalker', () => {
  it.each([0.5, 0.9, 1])(
    'decayed counts, p_hist and the repeat log-odds match their definitions (decay %f)',
    (decay) => {
      const rng = createRng(3);
      const seq = Array.from({ length: 40 }, () => rng.int(6));
      const w = new HistoryWalker(6, decay);
      w.reset();
      for (let t = 0; t <= seq.length; t++) {
        // Brute force over the first t events: weights decay^(t − 1 − j).
        let total = 0;
        const c = new Array(6).fill(0);
        let repeats = 0;
        for (let j = 0; j < t; j++) {
          total += decay ** (t - 1 - j);
          c[seq[j]] += decay ** (t - 1 - j);
          if (seq.slice(0, j).includes(seq[j])) repeats++;
        }
        expect(w.total()).toBeCloseTo(total, 10);
        for (let y = 0; y < 6; y++) expect(w.prob(y)).toBeCloseTo(t > 0 ? c[y] / total : 0, 10);
        if (t > 0) expect(w.z()).toBeCloseTo(Math.log((repeats + 0.5) / (t - repeats + 0.5)), 12);
        if (t < seq.length) w.push(seq[t]);
      }
      // A new user starts empty.
      w.reset();
      expect(w.prob(seq[0])).toBe(0);
      expect(w.n).toBe(0);
    },
  );
});

describe('gateWeights', () => {
  it('is a softmax over (0, a_pop + b_pop z, a_hist + b_hist z), without hist when there is no history', () => {
    const m = { a: [0.3, -1] as [number, number], b: [0.5, 2] as [number, number] };
    const z = 0.7;
    const e = [1, Math.exp(0.3 + 0.5 * z), Math.exp(-1 + 2 * z)];
    const s = e[0] + e[1] + e[2];
    gateWeights(m, z, true).forEach((g, i) => expect(g).toBeCloseTo(e[i] / s, 12));
    const [gs, gp, gh] = gateWeights(m, z, false);
    expect(gh).toBe(0);
    expect(gs).toBeCloseTo(1 / (1 + e[1]), 12);
    expect(gp).toBeCloseTo(e[1] / (1 + e[1]), 12);
  });
});

describe('fitMixture', () => {
  it('recovers the decay and gate of tokens drawn from a known mixture', () => {
    const nItems = 40;
    const rng = createRng(11);
    const pop = Float32Array.from({ length: nItems }, (_, i) => 1 / (i + 2));
    const zsum = pop.reduce((a, b) => a + b, 0);
    pop.forEach((v, i) => (pop[i] = v / zsum));
    const truth: Pick<MixtureParams, 'a' | 'b'> = { a: [-1, -0.5], b: [0, 1.2] };
    const decay = 0.9;
    const item: number[] = [];
    const users: { from: number; start: number; end: number }[] = [];
    const pSeq: number[] = [];
    const draw = (p: ArrayLike<number>) => {
      let x = rng.next();
      for (let i = 0; i < p.length; i++) if ((x -= p[i]) < 0) return i;
      return p.length - 1;
    };
    for (let u = 0; u < 600; u++) {
      // Users repeat at different rates (through the gate's slope); p_seq is a random distribution per step.
      const from = item.length;
      const walk = new HistoryWalker(nItems, decay);
      walk.reset();
      for (let t = 0; t < 30; t++) {
        const q = Array.from({ length: nItems }, () => rng.exp() ** 3);
        const qs = q.reduce((a, b) => a + b, 0);
        const [gs, gp, gh] = gateWeights(truth, walk.n > 0 ? walk.z() : 0, walk.n > 0);
        const p = q.map((v, y) => (gs * v) / qs + gp * pop[y] + gh * walk.prob(y));
        const y = draw(p);
        item.push(y);
        pSeq.push(q[y] / qs);
        walk.push(y);
      }
      users.push({ from, start: from, end: item.length });
    }
    const m = fitMixture(Int32Array.from(item), { users, pSeq: Float32Array.from(pSeq) }, pop);
    if (!m) throw new Error('no fit');
    expect(m.decay).toBe(0.9);
    expect(m.a[0]).toBeCloseTo(-1, 0);
    expect(m.a[1]).toBeCloseTo(-0.5, 0);
    expect(Math.abs(m.b[0])).toBeLessThan(0.3);
    expect(m.b[1]).toBeCloseTo(1.2, 0);
    expect(m.logLik).toBeGreaterThan(m.seqLogLik);
    expect(fitMixture(Int32Array.of(), { users: [], pSeq: new Float32Array(0) }, pop)).toBeNull();
  });
});

describe('mixtureRows', () => {
  it("gives each row its gate and its distinct history items' p_hist (summing to 1)", () => {
    const m: MixtureParams = {
      decay: 0.5,
      a: [0, 0],
      b: [0, 1],
      pop: Float32Array.of(0.25, 0.25, 0.25, 0.25),
      logLik: 0,
      seqLogLik: 0,
      tokens: 0,
    };
    const item = Int32Array.of(2, 1, 2, 3);
    const rows = mixtureRows(m, item, Int32Array.of(0, 0), Int32Array.of(3, 0));
    // Row 0: history 2, 1, 2 → weights 0.25, 0.5, 1 → p(2) = 1.25 / 1.75, p(1) = 0.5 / 1.75; one repeat of three.
    expect(Array.from(rows.histPtr)).toEqual([0, 2, 2]);
    expect(Array.from(rows.histItems)).toEqual([2, 1]);
    expect(rows.histProbs[0]).toBeCloseTo(1.25 / 1.75, 6);
    expect(rows.histProbs[1]).toBeCloseTo(0.5 / 1.75, 6);
    const g = gateWeights(m, Math.log(1.5 / 2.5), true);
    expect([rows.seq[0], rows.pop[0], rows.hist[0]].map((v) => +v.toFixed(6))).toEqual(g.map((v) => +v.toFixed(6)));
    // Row 1 has no history: no p_hist, seq and pop share the weight.
    expect(rows.hist[1]).toBe(0);
    expect(rows.seq[1] + rows.pop[1]).toBeCloseTo(1, 6);
  });
});
