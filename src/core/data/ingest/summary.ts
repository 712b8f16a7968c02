/** What a finished read reports (format, counts, skipped rows decoded in the file's encoding), and why it is refused. */
import { decode } from './bytes';
import type { ReadState } from './readState';
import { RecordScanner } from './records';
import { PROBLEM_TEXT, SKIP_REASONS, type IngestReport } from './report';

/** The report of what has been read so far. */
export function reportOf(st: ReadState): IngestReport {
  const s = st.sniff!;
  const skipped = Object.values(st.skippedBy).reduce((a, b) => a + b, 0);
  const delimiter = st.opts?.delimiter ?? s.delimiter;
  let headerNames: string[] | null = null;
  if (st.headerBytes) {
    const sc = new RecordScanner(delimiter);
    sc.next(st.headerBytes, 0, st.headerBytes.length, true);
    headerNames = [];
    for (let k = 0; k < Math.min(sc.nFields, 256); k++)
      headerNames.push(decode(st.headerBytes.subarray(sc.fieldStart[k], sc.fieldEnd[k]), st.encoding).trim());
  }
  return {
    format: {
      delimiter,
      header: st.headerBytes !== null || (st.opts?.header ?? s.header !== null),
      encoding: st.encoding,
      bom: st.bom,
    },
    headerNames,
    columns: st.columns,
    rowsRead: st.rows,
    events: st.ev?.n ?? 0,
    skipped,
    skippedBy: { ...st.skippedBy },
    problems: st.raw.map((p) => ({
      line: p.line,
      reason: p.reason,
      text: decode(p.bytes, st.encoding).slice(0, PROBLEM_TEXT),
    })),
    bytes: st.bytes,
  };
}

/** Why the file yields no usable data, or null. */
export function refusalOf(st: ReadState, r: IngestReport): string | null {
  if (st.refused) return st.refused;
  if (r.events > 0) return null;
  if (r.rowsRead === 0) return r.format.header ? 'the file has a header but no rows' : 'the file is empty';
  const by = SKIP_REASONS.filter((k) => r.skippedBy[k] > 0).map((k) => `${r.skippedBy[k]} ${k}`);
  return `none of its ${r.rowsRead} rows could be read (${by.join(', ')})`;
}
