import { describe, expect, it } from 'vitest';
import {
  curveBetas,
  fillBetas,
  encodePlannerHash,
  parsePlannerHash,
  parseRimeMatch,
  snapBeta,
} from './plannerSettings';

describe('planner state helpers', () => {
  it('reads mtch_ points as lists or keyed objects and keeps only finite metric fields', () => {
    const text = JSON.stringify({
      item_rec: {},
      mtch_: {
        Pop: [
          { prec: 0.1, recall: 0.2, item_ppl: 30, k: 5 },
          { prec: 0.09, recall: 0.18, item_ppl: 'x' },
        ],
        Hawkes: { '0.001': { item_cov: 0.4, recall: 0.3 } },
        Empty: [{ k: 1 }],
      },
    });
    expect(parseRimeMatch(text)).toEqual({
      ok: true,
      curves: [
        {
          name: 'Pop',
          points: [
            { prec: 0.1, recall: 0.2, item_ppl: 30 },
            { prec: 0.09, recall: 0.18 },
          ],
        },
        { name: 'Hawkes', points: [{ recall: 0.3, item_cov: 0.4 }] },
      ],
    });
  });

  it('refuses files without matching points', () => {
    expect(parseRimeMatch('{')).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
    expect(parseRimeMatch('{"item_rec":{}}')).toMatchObject({ ok: false, reason: expect.stringMatching(/no "mtch_"/) });
    expect(parseRimeMatch('{"mtch_":{"A":[{"k":1}]}}')).toMatchObject({ ok: false });
  });

  it('puts the sweep grid on the slider grid', () => {
    expect(curveBetas(0.01)).toEqual([0, 0.002, 0.004, 0.006, 0.008, 0.01]);
    // The fill is the other 15 slider positions (steps of α/20), together with the sweep all 21.
    const fill = fillBetas(0.01);
    expect(fill.slice(0, 4)).toEqual([0.0005, 0.001, 0.0015, 0.0025]);
    expect(fill).toHaveLength(15);
    expect(new Set([...fill, ...curveBetas(0.01)]).size).toBe(21);
    expect(snapBeta(0.0031, 0.01)).toBe(0.003);
    expect(snapBeta(0.02, 0.01)).toBe(0.01);
    expect(snapBeta(-1, 0.01)).toBe(0);
    // Every sweep point is a slider position (same rounded number, so the same memo entry in the worker).
    for (const b of curveBetas(0.014)) expect(snapBeta(b, 0.014)).toBe(b);
  });

  it('keeps the slider settings in the hash and refuses settings outside the sliders', () => {
    const a = { mode: 'offline' as const, alpha: 0.012, beta: 0.0036 };
    expect(encodePlannerHash(a)).toBe('offline,0.012,0.0036');
    expect(parsePlannerHash(encodePlannerHash(a))).toEqual(a);
    // Off-grid values snap: α to 0.2% steps, β to α/20 steps.
    expect(parsePlannerHash('greedy,0.0101,0.0049')).toEqual({ mode: 'greedy', alpha: 0.01, beta: 0.005 });
    for (const bad of [null, '', 'dual,0.01,0', 'greedy,0.5,0', 'greedy,0.01,0.02', 'greedy,0.01,-1', 'greedy,x,0'])
      expect(parsePlannerHash(bad)).toBeNull();
  });
});
