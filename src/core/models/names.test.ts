import { describe, expect, it } from 'vitest';
import { MODEL_GROUPS, MODEL_NAMES, nameParser, needsTfjs, parseModelName, type ModelParts } from './names';

type Row = [string, Omit<ModelParts<string, string>, 'name'> | null];
const I = 'intensities' as const;

describe('parseModelName', () => {
  it.each<Row>([
    ['EMA', { kind: 'intensity', sequence: null, intensity: 'EMA', tfjs: false, group: I }],
    ['Hawkes', { kind: 'intensity', sequence: null, intensity: 'Hawkes', tfjs: false, group: I }],
    ['HP', { kind: 'intensity', sequence: null, intensity: 'HP', tfjs: false, group: I }],
    ['RNN', { kind: 'next-item', sequence: 'RNN', intensity: null, tfjs: true, group: 'sequences' }],
    ['Transformer', { kind: 'next-item', sequence: 'Transformer', intensity: null, tfjs: true, group: 'sequences' }],
    ['RNN-Hawkes', { kind: 'composition', sequence: 'RNN', intensity: 'Hawkes', tfjs: true, group: 'compositions' }],
    [
      'Transformer-Pop',
      { kind: 'composition', sequence: 'Transformer', intensity: 'Pop', tfjs: true, group: 'compositions' },
    ],
    ['RNN-HP', { kind: 'composition', sequence: 'RNN', intensity: 'HP', tfjs: true, group: 'compositions' }],
    // rime's Pop: the Pop intensity × item popularity, listed (and built) as a baseline scorer.
    ['Pop', { kind: 'baseline', sequence: null, intensity: 'Pop', tfjs: false, group: 'baselines' }],
    ['Rand', { kind: 'baseline', sequence: null, intensity: null, tfjs: false, group: 'baselines' }],
    ['BPR', { kind: 'baseline', sequence: null, intensity: null, tfjs: false, group: 'baselines' }],
    ['LogisticMF', { kind: 'baseline', sequence: null, intensity: null, tfjs: false, group: 'baselines' }],
    // One model each, not compositions (their hyphen is part of the name).
    ['BPR-Item', { kind: 'baseline', sequence: null, intensity: null, tfjs: false, group: 'baselines' }],
    ['GraphConv-Base', { kind: 'baseline', sequence: null, intensity: null, tfjs: false, group: 'baselines' }],
    // Not models of this build: a hyphen alone makes no composition, nor does a known part inside a name.
    ['RNN-Foo', null],
    ['Foo-Hawkes', null],
    ['Hawkes-RNN', null],
    ['RNN-', null],
    ['RNN-Hawkes-Pop', null],
    ['rnn', null],
    ['', null],
    ['ItemKNN', { kind: 'baseline', sequence: null, intensity: null, tfjs: false, group: 'baselines' }],
    ['MuseNet-soft', null],
    ['MT-RNN', null],
    ['DeepFM', null],
  ])('%s', (name, want) => {
    expect(parseModelName(name)).toEqual(want && { name, ...want });
  });

  // Names coming from other work: hyphenated whole models, and a tfjs one that contains a sequence model's name.
  const future = nameParser({
    intensities: ['Pop', 'EMA', 'Hawkes', 'HP'],
    sequences: ['RNN', 'Transformer'],
    baselines: ['Pop', 'Rand', 'BPR', 'BPR-Item', 'BPR-User', 'GraphConv-Base', 'GraphConv-Extra', 'ItemKNN', 'MT-RNN'],
    tfjsBaselines: ['MT-RNN', 'GraphConv-Base', 'GraphConv-Extra'],
  });
  it.each<[string, string, string | null, boolean]>([
    ['BPR-Item', 'baseline', null, false],
    ['BPR-User', 'baseline', null, false],
    ['GraphConv-Base', 'baseline', null, true],
    ['GraphConv-Extra', 'baseline', null, true],
    ['ItemKNN', 'baseline', null, false],
    ['MT-RNN', 'baseline', null, true],
    ['RNN-Hawkes', 'composition', 'RNN', true],
    ['BPR', 'baseline', null, false],
  ])('with more baselines listed, %s is a %s (sequence part %s, tfjs %s)', (name, kind, sequence, tfjs) => {
    expect(future(name)).toMatchObject({ kind, sequence, tfjs });
  });

  it('parses a composition whose parts contain hyphens against the lists, not by splitting', () => {
    const p = nameParser({ intensities: ['Self-Exciting'], sequences: ['Multi-Head'], baselines: [] });
    expect(p('Multi-Head-Self-Exciting')).toMatchObject({ kind: 'composition', sequence: 'Multi-Head' });
    expect(p('Multi-Head-Self-Exciting')?.intensity).toBe('Self-Exciting');
    expect(p('Multi-Head')?.kind).toBe('next-item');
    expect(p('Multi-Self-Exciting')).toBeNull();
  });
});

describe('model lists', () => {
  it('names every model of the paper tables once, compositions first, in the order a run evaluates them', () => {
    expect(MODEL_NAMES).toEqual([
      'RNN-Pop',
      'RNN-EMA',
      'RNN-Hawkes',
      'RNN-HP',
      'Transformer-Pop',
      'Transformer-EMA',
      'Transformer-Hawkes',
      'Transformer-HP',
      'RNN',
      'Transformer',
      'Pop',
      'EMA',
      'Hawkes',
      'HP',
      'Rand',
      'ItemKNN',
      'BPR',
      'BPR-Item',
      'BPR-User',
      'ALS',
      'LogisticMF',
      'GraphConv-Base',
      'GraphConv-Extra',
    ]);
    for (const m of MODEL_NAMES) expect(parseModelName(m)?.name).toBe(m);
  });

  it('puts each model in exactly one group', () => {
    expect(MODEL_GROUPS).toEqual({
      intensities: ['EMA', 'Hawkes', 'HP'],
      sequences: ['RNN', 'Transformer'],
      compositions: MODEL_NAMES.slice(0, 8),
      baselines: [
        'Pop',
        'Rand',
        'ItemKNN',
        'BPR',
        'BPR-Item',
        'BPR-User',
        'ALS',
        'LogisticMF',
        'GraphConv-Base',
        'GraphConv-Extra',
      ],
    });
    expect(Object.values(MODEL_GROUPS).flat().sort()).toEqual([...MODEL_NAMES].sort());
  });

  it('needs tfjs for the next-item models and their compositions only', () => {
    expect(MODEL_NAMES.filter(needsTfjs)).toEqual([...MODEL_GROUPS.compositions, ...MODEL_GROUPS.sequences]);
    expect(needsTfjs('RNN-Foo')).toBe(false);
  });
});
