/**
 * An impression log as CSV text (user_id,item_id,timestamp,click,conversion[,context][,category]), in blocks of
 * users so a 1M-impression log is written without one giant string: what the impression reader reads back (the
 * tests' round trip, the benchmark's file, a synthetic world saved for other tools).
 */
import type { ImpressionLog } from './types';

export const IMPRESSION_CSV_HEADER = ['user_id', 'item_id', 'timestamp', 'click', 'conversion', 'context', 'category'];

/** The CSV text of users [u0, u1) (no header); ids must not need quoting (no comma, quote or line break). */
export function impressionCsvRows(log: ImpressionLog, u0: number, u1: number): string {
  const lines: string[] = [];
  const ctx = log.context;
  const cat = log.itemCategory;
  for (let u = u0; u < u1; u++)
    for (let e = log.userOffsets[u]; e < log.userOffsets[u + 1]; e++) {
      const i = log.item[e];
      let line = `${log.userIds[u]},${log.itemIds[i]},${log.time[e]},${log.click[e]},${log.conversion[e]}`;
      if (ctx) line += `,${ctx[e] >= 0 ? log.contextIds![ctx[e]] : ''}`;
      if (cat) line += `,${cat[i] >= 0 ? log.categoryIds![cat[i]] : ''}`;
      lines.push(line);
    }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

/** The header line for a log (context and category only when it has them). */
export function impressionCsvHeader(log: ImpressionLog): string {
  return (
    IMPRESSION_CSV_HEADER.filter(
      (h) => (h !== 'context' || log.context) && (h !== 'category' || log.itemCategory),
    ).join(',') + '\n'
  );
}

/** The whole log as CSV blocks of `blockUsers` users, header first. */
export function* impressionCsv(log: ImpressionLog, blockUsers = 1024): Generator<string> {
  yield impressionCsvHeader(log);
  for (let u = 0; u < log.nUsers; u += blockUsers)
    yield impressionCsvRows(log, u, Math.min(log.nUsers, u + blockUsers));
}
