import { describe, expect, it } from 'vitest';
import { createRng, rngFor, shuffleInPlace, type Rng } from './rng';

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(42),
      b = createRng(42),
      c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
  });

  it('has the moments of its distributions (n = 200k, 5-sigma bounds)', () => {
    const r = createRng(7);
    const n = 200_000;
    let su = 0,
      sn = 0,
      sn2 = 0,
      se = 0;
    for (let i = 0; i < n; i++) {
      su += r.next();
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      se += r.exp();
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(sn / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(se / n - 1)).toBeLessThan(5 / Math.sqrt(n));
  });

  it('shuffles to a permutation', () => {
    const a = Int32Array.from({ length: 100 }, (_, i) => i);
    shuffleInPlace(a, createRng(1));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rngFor: one stream per name and seed, the same however often other names were drawn', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    const a = draw(rngFor(1, 'RNN'));
    draw(rngFor(1, 'BPR'));
    expect(draw(rngFor(1, 'RNN'))).toEqual(a);
    expect(draw(rngFor(1, 'Transformer'))).not.toEqual(a);
    expect(draw(rngFor(2, 'RNN'))).not.toEqual(a);
  });
});
