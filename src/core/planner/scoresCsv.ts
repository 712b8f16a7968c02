/**
 * Score matrices as text for `rimw dual`: one row per user state, one non-negative score per item, comma-separated,
 * no header. Parse problems are values naming the file, the line and what was expected (STYLE habit 7).
 */
import { err, ok, type Result } from '../util/result';

export interface ScoreTable {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  data: Float32Array;
}

export function parseScoreCsv(text: string, file: string): Result<ScoreTable, 'bad-scores'> {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0)
    return err('bad-scores', `${file}: no rows; expected one line of comma-separated scores per user state`);
  const cols = lines[0].split(',').length;
  const data = new Float32Array(lines.length * cols);
  for (let r = 0; r < lines.length; r++) {
    const cells = lines[r].split(',');
    if (cells.length !== cols) {
      return err(
        'bad-scores',
        `${file} line ${r + 1}: ${cells.length} scores, expected ${cols} like line 1 (rows must not be ragged)`,
      );
    }
    for (let c = 0; c < cols; c++) {
      const s = cells[c].trim();
      const v = s === '' ? NaN : Number(s);
      if (!Number.isFinite(v) || v < 0) {
        return err('bad-scores', `${file} line ${r + 1}, column ${c + 1}: '${cells[c]}' is not a non-negative number`);
      }
      // Scores are float32 (the planner's type): a larger one would become Infinity and break the Dual.
      if (!Number.isFinite(Math.fround(v))) {
        return err(
          'bad-scores',
          `${file} line ${r + 1}, column ${c + 1}: '${cells[c]}' is not a score float32 can hold (at most 3.4e38)`,
        );
      }
      data[r * cols + c] = v;
    }
  }
  return ok({ rows: lines.length, cols, data });
}
