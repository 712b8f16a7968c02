import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RUN_CONFIG,
  effectiveSplit,
  parseRunConfig,
  runConfigFromUrl,
  runConfigToUrl,
  validateRunConfig,
} from './config';

describe('run config', () => {
  const good = {
    split: { kind: 'temporal', testStart: 1e9, horizon: 86400 },
    models: ['Pop', 'Hawkes', 'RNN-HP', 'BPR'],
    itemRecTopK: 10,
    seed: 3,
    match: { betas: [0, 0.5], alphas: [1], mode: 'offline' },
  };

  it('accepts a full config and round-trips through the URL form', () => {
    const r = validateRunConfig(good);
    expect(r.ok).toBe(true);
    const back = runConfigFromUrl(runConfigToUrl(good as never));
    expect(back.ok && back.data).toEqual(good);
    expect(validateRunConfig(DEFAULT_RUN_CONFIG).ok).toBe(true);
    expect(validateRunConfig({ ...good, sequence: { hidden: 16, layers: 1, maxLen: 64 } }).ok).toBe(true);
    expect(validateRunConfig({ ...good, threads: 4 }).ok).toBe(true);
    for (const [protocol, kind] of [
      ['ml-1m', 'user'],
      ['netflix', 'temporal'],
      ['yoochoose', 'user'],
    ])
      expect(validateRunConfig({ ...good, protocol, split: { kind } }).ok).toBe(true);
  });

  it('accepts tune settings and tuned sequence fields, and they survive the URL', () => {
    const tuned = {
      ...good,
      tune: { trials: 8, minutes: 2.5 },
      sequence: { hidden: 32, lr: 0.05, dropout: 0.2, weightDecay: 1e-5 },
    };
    expect(validateRunConfig(tuned).ok).toBe(true);
    const back = runConfigFromUrl(runConfigToUrl(tuned as never));
    expect(back.ok && back.data).toEqual(tuned);
    expect(validateRunConfig({ ...good, tune: { trials: 1 } }).ok).toBe(true);
  });

  it.each([
    [{ ...good, models: ['Pop', 'Foo'] }, 'models[1] = "Foo": unknown model'],
    [{ ...good, models: [] }, 'models = []'],
    [{ ...good, models: ['Pop', 'Pop'] }, 'lists a model twice'],
    [{ ...good, seed: 1.5 }, 'seed = 1.5: must be an integer'],
    [{ ...good, threads: 0 }, 'threads = 0: must be an integer from 1 to 64'],
    [{ ...good, threads: 2.5 }, 'threads = 2.5: must be an integer from 1 to 64'],
    [{ ...good, itemRecTopK: 0 }, 'itemRecTopK = 0: must be a positive integer'],
    [{ ...good, userRecTopC: '5' }, 'userRecTopC = "5"'],
    [{ ...good, split: { kind: 'temporal', horizon: -1 } }, 'split.horizon = -1: must be a positive number'],
    [{ ...good, split: { kind: 'user', testFraction: 1 } }, 'split.testFraction = 1'],
    [{ ...good, split: { kind: 'random' } }, 'split.kind = "random"'],
    [{ ...good, split: { kind: 'temporal', horizn: 5 } }, 'split.horizn = 5: unknown field'],
    [{ ...good, colour: 'red' }, 'colour = "red": unknown field'],
    [{ ...good, match: { betas: [-1], alphas: [1], mode: 'offline' } }, 'match.betas[0] = -1'],
    [
      { ...good, match: { betas: [0.01], alphas: [1], mode: 'dual' } },
      'match.mode = "dual": must be one of greedy, offline, online',
    ],
    [{ ...good, match: { betas: [1.5], alphas: [1], mode: 'greedy' } }, 'match.betas[0] = 1.5'],
    [{ ...good, match: { betas: [0], alphas: [0], mode: 'greedy' } }, 'match.alphas[0] = 0'],
    [{ ...good, excludeTrain: 'yes' }, 'excludeTrain = "yes": must be true or false'],
    [{ ...good, calibrate: 1 }, 'calibrate = 1: must be true or false'],
    [[1, 2], '(root) = [1,2]: must be a JSON object'],
    [{ ...good, sequence: { hidden: 0 } }, 'sequence.hidden = 0: must be an integer from 1 to 1024'],
    [{ ...good, sequence: { layers: 2.5 } }, 'sequence.layers = 2.5'],
    [{ ...good, sequence: { heads: 2 } }, 'sequence.heads = 2: unknown field'],
    [{ ...good, sequence: 16 }, 'sequence = 16: must be an object'],
    [{ ...good, sequence: { lr: 0 } }, 'sequence.lr = 0: must be a learning rate in (0, 10]'],
    [{ ...good, sequence: { dropout: 1 } }, 'sequence.dropout = 1: must be a rate in [0, 1)'],
    [{ ...good, sequence: { weightDecay: -1 } }, 'sequence.weightDecay = -1'],
    [{ ...good, tune: 5 }, 'tune = 5: must be an object'],
    [{ ...good, tune: {} }, 'tune.trials = undefined: is required'],
    [{ ...good, tune: { trials: 0 } }, 'tune.trials = 0: must be an integer from 1 to 1000'],
    [{ ...good, tune: { trials: 2.5 } }, 'tune.trials = 2.5'],
    [{ ...good, tune: { trials: 3, minutes: 0 } }, 'tune.minutes = 0: must be a positive number of minutes'],
    [{ ...good, tune: { trials: 3, budget: 1 } }, 'tune.budget = 1: unknown field'],
    [{ ...good, protocol: 'ml-20m' }, 'protocol = "ml-20m": must be one of ml-1m, netflix, yoochoose'],
    [
      { ...good, protocol: 'netflix', split: { kind: 'user' } },
      'split.kind = "user": protocol netflix splits by temporal: must be "temporal"',
    ],
  ])('rejects a bad field, naming it and its value (%#)', (cfg, msg) => {
    const r = validateRunConfig(cfg);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('bad-config');
      expect(r.reason).toContain(msg);
    }
  });

  it('reports invalid JSON as a value', () => {
    const r = parseRunConfig('{"split":');
    expect(r.ok === false && r.reason).toMatch(/not valid JSON/);
  });

  it('lets the top-level excludeTrain override the split', () => {
    expect(effectiveSplit({ ...DEFAULT_RUN_CONFIG, excludeTrain: true }).excludeTrain).toBe(true);
    expect(
      effectiveSplit({ ...DEFAULT_RUN_CONFIG, split: { kind: 'temporal', excludeTrain: true } }).excludeTrain,
    ).toBe(true);
  });
});
