import { describe, expect, it } from 'vitest';
import type { ExperimentResult } from '../../core/pipeline/run';
import { csvField, metricsCsv, resultsJson } from './export';

const m = (x: number) => ({
  prec: x,
  recall: x / 2,
  'recs/user': 5,
  item_cov: 0.5,
  item_ppl: 12.25,
  user_cov: 1,
  user_ppl: 100,
  obj_mean: 0.125,
});
const result = {
  config: { split: { kind: 'temporal' }, models: ['Pop', 'RNN-Hawkes'], seed: 1 },
  item_rec: { Pop: m(0.25), 'RNN-Hawkes': m(0.5) },
  user_rec: { Pop: m(0.75), 'RNN-Hawkes': m(1) },
  meta: {},
  failed: {},
  split: {},
  warnings: [],
  itemRecTopK: 5,
  userRecTopC: 3,
} as unknown as ExperimentResult;

describe('result exports', () => {
  it('writes one CSV row per model with rime metric names, hand-checked', () => {
    expect(metricsCsv(result, 'item_rec')).toBe(
      'model,prec,recall,recs/user,item_cov,item_ppl,user_cov,user_ppl,obj_mean\nPop,0.25,0.125,5,0.5,12.25,1,100,0.125\nRNN-Hawkes,0.5,0.25,5,0.5,12.25,1,100,0.125\n',
    );
    expect(metricsCsv(result, 'user_rec').split('\n')[2]).toBe('RNN-Hawkes,1,0.5,5,0.5,12.25,1,100,0.125');
  });

  it('quotes fields with commas, quotes and line breaks; blanks non-finite numbers', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(NaN)).toBe('');
    expect(csvField('plain')).toBe('plain');
  });

  it('exports JSON that parses back to item_rec / user_rec keyed by model', () => {
    const back = JSON.parse(resultsJson(result)) as ExperimentResult;
    expect(Object.keys(back.item_rec)).toEqual(['Pop', 'RNN-Hawkes']);
    expect(back.user_rec.Pop.prec).toBe(0.75);
  });
});
