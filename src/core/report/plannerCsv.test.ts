import { describe, expect, it } from 'vitest';
import type { MatchMetrics } from '../planner/types';
import { csvField } from './csv';
import { PLANNER_CSV_HEADER, plannerCsv } from './plannerCsv';

const metrics = (prec: number): MatchMetrics => ({
  k: 5,
  c: 2.5,
  prec,
  recall: 0.25,
  user_recall: 0.125,
  item_ppl: 40,
  item_cov: 0.5,
  user_ppl: 1000,
  user_cov: 1,
  'recs/item_25%': 1,
  'recs/item_50%': 2,
  'recs/item_75%': 3,
  delivered: 0.75,
});

describe('plannerCsv', () => {
  it('writes a header, one row per curve point, then the operating points, metrics at full precision', () => {
    const text = plannerCsv(
      [
        {
          model: 'RNN,HP',
          mode: 'offline',
          sweep: 'beta',
          points: [
            { ...metrics(0.1), alpha: 0.01, beta: 0 },
            { ...metrics(1 / 3), alpha: 0.01, beta: 0.005 },
          ],
        },
        {
          model: 'Pop',
          mode: 'greedy',
          sweep: 'alpha',
          points: [{ ...metrics(0.2), alpha: 0.3, beta: 0, betaMax: 0.01 }],
        },
      ],
      [{ model: 'Pop', mode: 'online', alpha: 0.01, beta: 0.002, metrics: metrics(Number.NaN) }],
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'kind,sweep,model,mode,alpha,beta,betaMax,prec,recall,user_recall,item_ppl,item_cov,user_ppl,user_cov,k,c,' +
        'recs/item_25%,recs/item_50%,recs/item_75%,delivered',
    );
    expect(lines[0].split(',')).toEqual([...PLANNER_CSV_HEADER]);
    // A model name with a comma is quoted; an absent β' is an empty field; 1/3 keeps every digit.
    expect(lines[2]).toBe(
      'curve,beta,"RNN,HP",offline,0.01,0.005,,0.3333333333333333,0.25,0.125,40,0.5,1000,1,5,2.5,1,2,3,0.75',
    );
    expect(lines[3]).toBe('curve,alpha,Pop,greedy,0.3,0,0.01,0.2,0.25,0.125,40,0.5,1000,1,5,2.5,1,2,3,0.75');
    // A NaN metric is an empty field, not the text NaN.
    expect(lines[4]).toBe('point,beta,Pop,online,0.01,0.002,,,0.25,0.125,40,0.5,1000,1,5,2.5,1,2,3,0.75');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('');
  });

  it('quotes text fields as RFC 4180 asks', () => {
    expect(['a', 'b,c', 'd"e', 'f\ng', 1.5, undefined].map(csvField)).toEqual([
      'a',
      '"b,c"',
      '"d""e"',
      '"f\ng"',
      '1.5',
      '',
    ]);
  });
});
