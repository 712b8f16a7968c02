import { describe, expect, it } from 'vitest';
import { keptChoices, shownPoint, snapGamma } from './paradoxSettings';

describe('the paradox-on-data panel rules', () => {
  it('γ is clamped to [0, 1] and snapped to steps of 0.05', () => {
    expect([0.37, 0.024, 0.026, -1, 2, Number.NaN].map(snapGamma)).toEqual([0.35, 0, 0.05, 0, 1, 0]);
  });

  it('the point shown is the sweep’s point at γ', () => {
    const points = Array.from({ length: 21 }, (_, i) => ({ gamma: i / 20, hits: 100 + i, meanLambda: 1 }));
    const answer = { model: 'm', items: ['1'], points, positives: 9, nRows: 50, topC: 9, meanLambda: 1 };
    expect(shownPoint({ answer, gamma: 0.35 })).toMatchObject({ hits: 107 });
    expect(shownPoint({ answer, gamma: 1 })).toMatchObject({ hits: 120 });
    expect(shownPoint({ answer: null, gamma: 0.5 })).toBeNull();
  });

  it('a new run keeps the user’s model and items where it still has them, else its first and busiest', () => {
    const items = [{ id: '7' }, { id: '3' }];
    expect(keptChoices({ model: 'RNN-HP', chosen: ['3', '9'] }, ['RNN-Hawkes', 'RNN-HP'], items)).toEqual({
      model: 'RNN-HP',
      chosen: ['3'],
    });
    expect(keptChoices({ model: 'Transformer-Pop', chosen: ['9'] }, ['RNN-Hawkes'], items)).toEqual({
      model: 'RNN-Hawkes',
      chosen: ['7'],
    });
    expect(keptChoices({ model: null, chosen: [] }, [], [])).toEqual({ model: null, chosen: [] });
  });
});
