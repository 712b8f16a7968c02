import { describe, expect, it } from 'vitest';
import { createRng } from '../../util/rng';
import { fitMixture, gates, HistoryWalker, mixtureRows, type MixtureParams } from './mixture';

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
        for (let y = 0; y < 6; y++) {
          expect(w.prob(y)).toBeCloseTo(t > 0 ? c[y] / total : 0, 10);
          expect(w.has(y)).toBe(seq.slice(0, t).includes(y));
        }
        expect([...w.items].sort()).toEqual([...new Set(seq.slice(0, t))].sort());
        if (t > 0) expect(w.z()).toBeCloseTo(Math.log((repeats + 0.5) / (t - repeats + 0.5)), 12);
        if (t < seq.length) w.push(seq[t]);
      }
      // A new user starts empty.
      w.reset();
      expect(w.prob(seq[0])).toBe(0);
      expect(w.n).toBe(0);
      expect(w.items).toEqual([]);
    },
  );
});

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** p(y|x) of the mixture over all items, from its definition (types.ts NextItemMixture). */
function mixtureProbs(r: number, u: number, keep: number, pSeq: number[], pop: ArrayLike<number>, hist: HistoryWalker) {
  const e = pSeq.map((s, y) => u * s + (1 - u) * pop[y]);
  const eH = hist.items.reduce((a, y) => a + e[y], 0);
  const D = 1 - (1 - keep) * eH;
  return e.map((v, y) => (hist.has(y) ? r * hist.prob(y) + ((1 - r) * keep * v) / D : ((1 - r) * v) / D));
}

describe('fitMixture', () => {
  it('recovers the decay and both gates of tokens drawn from a known mixture', () => {
    const nItems = 40;
    const rng = createRng(11);
    const pop = Float32Array.from({ length: nItems }, (_, i) => 1 / (i + 2));
    const zsum = pop.reduce((a, b) => a + b, 0);
    pop.forEach((v, i) => (pop[i] = v / zsum));
    const truth: Pick<MixtureParams, 'repeat' | 'seq' | 'keep'> = { repeat: [-1, 0.8], seq: [1, -0.5], keep: 0.3 };
    const decay = 0.9;
    const item: number[] = [];
    const users: { from: number; start: number; end: number }[] = [];
    const pSeq: number[] = [];
    const pSeqHist: number[] = [];
    const draw = (p: number[]) => {
      let x = rng.next();
      for (let i = 0; i < p.length; i++) if ((x -= p[i]) < 0) return i;
      return p.length - 1;
    };
    for (let u = 0; u < 600; u++) {
      const from = item.length;
      const walk = new HistoryWalker(nItems, decay);
      walk.reset();
      for (let t = 0; t < 30; t++) {
        // p_seq: a random distribution per step.
        const q = Array.from({ length: nItems }, () => rng.exp() ** 3);
        const qs = q.reduce((a, b) => a + b, 0);
        const ps = q.map((v) => v / qs);
        const [r, g] = gates(truth, walk.n > 0 ? walk.z() : 0, walk.n > 0);
        const y = draw(mixtureProbs(r, g, truth.keep, ps, pop, walk));
        item.push(y);
        pSeq.push(ps[y]);
        pSeqHist.push(walk.items.reduce((a, x) => a + ps[x], 0));
        walk.push(y);
      }
      users.push({ from, start: from, end: item.length });
    }
    const held = { users, pSeq: Float32Array.from(pSeq), pSeqHist: Float32Array.from(pSeqHist) };
    const m = fitMixture(Int32Array.from(item), held, pop);
    if (!m) throw new Error('no fit');
    expect(m.decay).toBe(0.9);
    expect(m.repeat[0]).toBeCloseTo(-1, 0);
    expect(m.repeat[1]).toBeCloseTo(0.8, 0);
    expect(m.seq[0]).toBeCloseTo(1, 0);
    expect(m.seq[1]).toBeCloseTo(-0.5, 0);
    expect(m.keep).toBeCloseTo(0.3, 1);
    // Its log-likelihood is the mixture's, recomputed here, and above p_seq's alone.
    let L = 0;
    let k = 0;
    for (const u of users) {
      const walk = new HistoryWalker(nItems, m.decay);
      walk.reset();
      for (let e = u.from; e < u.end; e++, k++) {
        const y = item[e];
        const [r, g] = gates(m, walk.n > 0 ? walk.z() : 0, walk.n > 0);
        const eH = g * pSeqHist[k] + (1 - g) * walk.items.reduce((a, x) => a + pop[x], 0);
        const D = 1 - (1 - m.keep) * eH;
        const ey = g * pSeq[k] + (1 - g) * pop[y];
        L += Math.log(walk.has(y) ? r * walk.prob(y) + ((1 - r) * m.keep * ey) / D : ((1 - r) * ey) / D);
        walk.push(y);
      }
    }
    expect(m.logLik).toBeCloseTo(L / item.length, 6);
    expect(m.logLik).toBeGreaterThan(m.seqLogLik);
    expect(
      fitMixture(Int32Array.of(), { users: [], pSeq: new Float32Array(0), pSeqHist: new Float32Array(0) }, pop),
    ).toBeNull();
  });
});

describe('mixtureRows', () => {
  it("gives each row its gates, its distinct history items' p_hist and their popularity mass", () => {
    const m: MixtureParams = {
      decay: 0.5,
      repeat: [0, 1],
      seq: [0.5, 0],
      keep: 0.2,
      pop: Float32Array.of(0.1, 0.2, 0.3, 0.4),
      logLik: 0,
      seqLogLik: 0,
      tokens: 0,
    };
    const rows = mixtureRows(m, Int32Array.of(2, 1, 2, 3), Int32Array.of(0, 0), Int32Array.of(3, 0));
    // Row 0: history 2, 1, 2 → weights 0.25, 0.5, 1 → p(2) = 1.25 / 1.75, p(1) = 0.5 / 1.75; one repeat of three.
    expect(Array.from(rows.histPtr)).toEqual([0, 2, 2]);
    expect(Array.from(rows.histItems)).toEqual([2, 1]);
    expect(rows.histProbs[0]).toBeCloseTo(1.25 / 1.75, 6);
    expect(rows.histProbs[1]).toBeCloseTo(0.5 / 1.75, 6);
    expect(rows.popInHist[0]).toBeCloseTo(0.5, 6);
    expect(rows.repeat[0]).toBeCloseTo(sigmoid(Math.log(1.5 / 2.5)), 6);
    expect(rows.seq[0]).toBeCloseTo(sigmoid(0.5), 6);
    expect(rows.keep).toBe(0.2);
    // Row 1 has no history: no repeat.
    expect(rows.repeat[1]).toBe(0);
    expect(rows.popInHist[1]).toBe(0);
  });
});
