/**
 * Figure 3 of the paper: each model as a point, ItemRec recall (top-K items per user) against UserRec recall (top-C
 * users per item), so that models good at one task and not the other stand apart. The reference draws the same
 * from an ExperimentResult's item_rec and user_rec, with popularity's point as dashed reference lines.
 */
import { csvText } from './csv';

export interface Figure3Point {
  model: string;
  itemRecall: number;
  userRecall: number;
}

type Tasks = Record<'item_rec' | 'user_rec', Record<string, { recall: number }>>;

/** One point per model evaluated on both tasks, in item_rec's order; a model missing from either is left out. */
export function figure3Points(r: Tasks): Figure3Point[] {
  return Object.keys(r.item_rec)
    .filter((m) => r.user_rec[m] !== undefined)
    .map((model) => ({ model, itemRecall: r.item_rec[model].recall, userRecall: r.user_rec[model].recall }));
}

export const figure3Csv = (points: readonly Figure3Point[]): string =>
  csvText(
    ['model', 'item_rec_recall', 'user_rec_recall'],
    points.map((p) => [p.model, p.itemRecall, p.userRecall]),
  );
