/**
 * The parser's general path: one record whatever its shape (quotes, spaces, text ids, ISO times), with the row checks
 * that skip it and count why. The fast path (fastPath.ts) hands it every row it does not take.
 */
import { parseNumber, parseTime, trimEnd, trimStart } from './bytes';
import { FLAG_BAD, parseFlag } from './extras';
import type { ReadState } from './readState';
import { unescapeQuotes, type RecordScanner } from './records';
import { MAX_PROBLEMS, PROBLEM_TEXT, type SkipReason } from './report';

/** One record (its fields are in the scanner): header, blank line, event or skipped row. */
export function readRecord(st: ReadState, b: Uint8Array, recStart: number, sc: RecordScanner): void {
  const nf = sc.nFields;
  const fs = sc.fieldStart;
  const fe = sc.fieldEnd;
  if (nf === 1 && sc.fieldQuote[0] === 0 && trimStart(b, fs[0], fe[0]) === fe[0]) return; // blank line
  if (st.headerPending) {
    st.headerPending = false;
    st.headerBytes = b.slice(recStart, sc.contentEnd);
    st.expected = nf;
    return;
  }
  if (st.expected === 0) st.expected = nf;
  st.rows++;
  const c = st.columns;
  if (nf < st.need) return skip(st, 'missing-field', b, recStart, sc);
  if (nf !== st.expected) return skip(st, 'wrong-field-count', b, recStart, sc);
  if (!locate(st, b, sc, c.user)) return skip(st, 'empty-id', b, recStart, sc);
  // The item is looked up before the user is committed: a row skipped for its item must not add its user.
  const iS = trimStart(b, fs[c.item], fe[c.item]);
  if (iS === trimEnd(b, iS, fe[c.item])) return skip(st, 'empty-id', b, recStart, sc);
  const tS = trimStart(b, fs[c.time], fe[c.time]);
  const tE = trimEnd(b, tS, fe[c.time]);
  if (tS === tE) return skip(st, 'missing-field', b, recStart, sc);
  const t = parseTime(b, tS, tE);
  if (t !== t) return skip(st, 'unparsable-time', b, recStart, sc);
  const ev = st.ev!;
  if (ev.n === ev.cap) ev.grow();
  const n = ev.n++;
  st.anchor(n, st.line);
  ev.user[n] = st.users.index(st.idBytes, st.idS, st.idE);
  locate(st, b, sc, c.item);
  ev.item[n] = st.items.index(st.idBytes, st.idS, st.idE);
  ev.time[n] = t;
  if (ev.value) ev.value[n] = fs[c.value] === fe[c.value] ? NaN : parseNumber(b, fs[c.value], fe[c.value]);
  for (let x = 0; x < st.extras.length; x++) {
    const k = st.extras[x].column;
    const d = st.extraDicts[x];
    if (d === null) ev.extras[x][n] = sc.fieldQuote[k] === 2 ? FLAG_BAD : parseFlag(b, fs[k], fe[k]);
    else ev.extras[x][n] = locate(st, b, sc, k) ? d.index(st.idBytes, st.idS, st.idE) : -1;
  }
}

/** Puts the trimmed (and unescaped) bytes of id field k in idBytes[idS, idE); false when they are empty. */
function locate(st: ReadState, b: Uint8Array, sc: RecordScanner, k: number): boolean {
  let s = sc.fieldStart[k];
  let e = sc.fieldEnd[k];
  if (sc.fieldQuote[k] === 2) {
    if (st.scratch.length < e - s) st.scratch = new Uint8Array(2 * (e - s));
    e = unescapeQuotes(b, s, e, st.scratch);
    s = 0;
    b = st.scratch;
  }
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  st.idBytes = b;
  st.idS = s;
  st.idE = e;
  return s !== e;
}

/** Counts a skipped row, and keeps it (its bytes and line) while fewer than MAX_PROBLEMS are kept. */
function skip(st: ReadState, reason: SkipReason, b: Uint8Array, recStart: number, sc: RecordScanner): void {
  st.skippedBy[reason]++;
  if (st.raw.length < MAX_PROBLEMS)
    st.raw.push({
      line: st.line,
      reason,
      bytes: b.slice(recStart, Math.min(sc.contentEnd, recStart + 4 * PROBLEM_TEXT)),
    });
}
