import { describe, expect, it } from 'vitest';
import { figure3Csv, figure3Points } from './figure3';

describe('figure 3 points', () => {
  it('pairs each model’s ItemRec and UserRec recall and leaves out models evaluated on one task only', () => {
    const points = figure3Points({
      item_rec: { Pop: { recall: 0.1 }, 'RNN-HP': { recall: 0.3 }, Lonely: { recall: 0.5 } },
      user_rec: { 'RNN-HP': { recall: 0.25 }, Pop: { recall: 0.2 } },
    });
    expect(points).toEqual([
      { model: 'Pop', itemRecall: 0.1, userRecall: 0.2 },
      { model: 'RNN-HP', itemRecall: 0.3, userRecall: 0.25 },
    ]);
    expect(figure3Csv(points)).toBe('model,item_rec_recall,user_rec_recall\nPop,0.1,0.2\nRNN-HP,0.3,0.25\n');
  });
});
