import { describe, expect, it } from 'vitest';
import {
  curveBetas,
  fillBetas,
  encodePlannerHash,
  nextFillBeta,
  parsePlannerHash,
  snapAlpha,
  snapBeta,
} from './plannerSettings';

describe('planner state helpers', () => {
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

  it('fills outward from the slider: nearest position first, the one above on a tie, re-centred when β moves', () => {
    const alpha = 0.01;
    // After the sweep (0, α/5, …, α) at β = α/2: the fill order, asked again after each point.
    const done = new Set(curveBetas(alpha));
    const order: number[] = [];
    for (let b = nextFillBeta(alpha, 0.005, done); b !== null; b = nextFillBeta(alpha, 0.005, done)) {
      order.push(b);
      done.add(b);
    }
    expect(order).toEqual([
      0.005, 0.0055, 0.0045, 0.0065, 0.0035, 0.007, 0.003, 0.0075, 0.0025, 0.0085, 0.0015, 0.009, 0.001, 0.0095, 0.0005,
    ]);
    expect([...done].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 21 }, (_, i) => Math.round(((alpha * i) / 20) * 1e9) / 1e9),
    );
    // The slider moved to 0.0095: the next point is next to it; nothing left: null.
    const moved = new Set([...curveBetas(alpha), 0.0055]);
    expect(nextFillBeta(alpha, 0.0095, moved)).toBe(0.0095);
    moved.add(0.0095);
    expect(nextFillBeta(alpha, 0.0095, moved)).toBe(0.009);
    expect(nextFillBeta(alpha, 0.0095, done)).toBeNull();
  });

  it('keeps the slider settings, the view and the compared model in the hash and refuses settings outside the sliders', () => {
    const a = { mode: 'offline' as const, alpha: 0.012, beta: 0.0036, view: 'beta' as const, model: null };
    expect(encodePlannerHash(a)).toBe('offline,0.012,0.0036,beta');
    expect(parsePlannerHash(encodePlannerHash(a))).toEqual(a);
    const c = { ...a, view: 'compare' as const, model: 'RNN-HP,2' };
    expect(parsePlannerHash(encodePlannerHash(c))).toEqual(c);
    // A link from before the views: the β view. Off-grid values snap: α to 0.2% steps, β to α/20 steps.
    expect(parsePlannerHash('greedy,0.0101,0.0049')).toEqual({
      mode: 'greedy',
      alpha: 0.01,
      beta: 0.005,
      view: 'beta',
      model: null,
    });
    // The α view's slider runs from 1% to 100% in 1% steps; β is kept for the way back.
    expect(parsePlannerHash('online,0.304,0.005,alpha')).toMatchObject({ alpha: 0.3, beta: 0.005, view: 'alpha' });
    for (const bad of [
      null,
      '',
      'dual,0.01,0',
      'greedy,0.5,0',
      'greedy,0.01,0.02',
      'greedy,0.01,-1',
      'greedy,x,0',
      'greedy,0.01,0,sideways',
      'greedy,0.005,0,alpha',
      'greedy,1.5,0,alpha',
    ])
      expect(parsePlannerHash(bad)).toBeNull();
  });

  it('snaps α to the slider grid of each view', () => {
    expect(snapAlpha(0.0131, 'beta')).toBe(0.014);
    expect(snapAlpha(0.5, 'beta')).toBe(0.1);
    expect(snapAlpha(0.0131, 'alpha')).toBe(0.01);
    expect(snapAlpha(0.456, 'alpha')).toBe(0.46);
    expect(snapAlpha(0.001, 'compare')).toBe(0.002);
  });
});
