import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../core/pipeline/run';
import type { TuneTrial } from '../core/tune/tune';
import { canTune, formatSettings, tunedModels } from './tuneResults';

const trial = (index: number, validNll: number, lr: number): TuneTrial => ({
  index,
  settings: { lr, hidden: 32, dropout: 0.1, weightDecay: 0 },
  validNll,
  validRecall: 0,
  epochs: 2,
  seconds: 1,
});

describe('tune state', () => {
  it('tunes only configs with a next-item model or one of its compositions', () => {
    expect(canTune(['Pop', 'Hawkes', 'ItemKNN'])).toBe(false);
    expect(canTune(['Pop', 'RNN-Hawkes'])).toBe(true);
    expect(canTune(['Transformer'])).toBe(true);
  });

  it('lists each tuned sequence model once, with the lowest-NLL trial (counted from 1) and the chosen settings', () => {
    const tune = {
      trials: [trial(0, 5.2, 0.1), trial(1, 4.9, 0.05), trial(2, 5.0, 0.2)],
      best: { lr: 0.05, hidden: 32, dropout: 0.1, weightDecay: 0 },
      stopped: 'time',
      seconds: 12,
    };
    const meta = (t?: typeof tune) => ({ backend: 'wasm', seconds: 1, evalSeconds: 0, ...(t ? { tune: t } : {}) });
    const result = {
      meta: { 'RNN-Hawkes': meta(tune), RNN: meta(tune), Pop: meta(), Transformer: meta() },
    } as unknown as ExperimentResult;
    expect(tunedModels(result)).toEqual([
      {
        model: 'RNN',
        best: tune.best,
        trials: 3,
        bestTrial: 2,
        bestNll: 4.9,
        stopped: 'time',
        seconds: 12,
      },
    ]);
    expect(tunedModels(null)).toEqual([]);
  });

  it('writes settings in three significant digits', () => {
    expect(formatSettings({ lr: 0.012345, hidden: 64, dropout: 0.25, weightDecay: 1.2345e-5 })).toBe(
      'lr 0.0123, hidden 64, dropout 0.25, weight decay 0.0000123',
    );
    expect(formatSettings({ lr: 0.1, hidden: 16, dropout: 0, weightDecay: 0 })).toBe(
      'lr 0.1, hidden 16, dropout 0.00, weight decay 0',
    );
  });
});
