/**
 * The parser's fast path: the common row (decimal ids, time and value, no quotes) read in one fused byte pass. The
 * general path (generalPath.ts) reads every other row; both fill the same ReadState.
 */
import { MS_THRESHOLD } from './bytes';
import type { ReadState } from './readState';

/**
 * The fused fast path for the common row: one byte pass per record that splits the fields and parses the numbers
 * on the way (canonical decimal ids, decimal time and value), then stores the event; it runs record after record
 * from `pos` and returns where it stopped. It stops at any other shape (quotes, spaces, text ids, a lone CR, the wrong
 * field count, a header still to read) and at the chunk's unfinished last record: the general path then reads that
 * record, and gives the same result for every row this path accepts.
 */
export function fastRun(st: ReadState, b: Uint8Array, pos: number, end: number): number {
  if (st.headerPending || st.expected === 0) return pos;
  const d0 = st.d0;
  const d1 = st.d1;
  const dl = d1 < 0 ? 1 : 2;
  const c = st.columns;
  const uc = c.user;
  const ic = c.item;
  const tc = c.time;
  const vc = c.value;
  const expected = st.expected;
  const users = st.users;
  const items = st.items;
  const ev = st.ev!;
  const n0 = ev.n;
  const xAt = st.extraAt;
  const xN = xAt.length;
  const flagX = st.flagX;
  const textX = st.textX;
  const xDicts = st.extraDicts;
  const xS = st.xS;
  const xE = st.xE;
  const xV = st.xV;
  let rows = 0;
  // OR of the bytes of skipped text fields (role fields here are ASCII digits by construction).
  let high = 0;
  records: for (;;) {
    let uv = 0;
    let uS = 0;
    let uE = 0;
    let iv = 0;
    let iS = 0;
    let iE = 0;
    let tv = 0;
    let vv = NaN;
    let j = 0;
    let i = pos;
    for (;;) {
      const s = i;
      // Every digit, the fraction's too, goes into v; a decimal is then v / scale, rounded once (see parseDecimal).
      let v = 0;
      let scale = 1;
      let dot = -1;
      let ch: number;
      for (;;) {
        if (i >= end) break records;
        ch = b[i];
        const d = ch - 48;
        if (d >= 0 && d <= 9) {
          v = v * 10 + d;
          if (dot >= 0) scale *= 10;
          i++;
        } else if (ch === 46 && dot < 0) {
          dot = i;
          i++;
        } else break;
      }
      const len = i - s;
      // CR LF ends the record like LF (the CR belongs to no field).
      if (ch === 13) {
        if (i + 1 >= end) break records;
        if (b[i + 1] === 10) {
          i++;
          ch = 10;
        }
      }
      // A two-byte delimiter (::) needs its second byte; one ':' alone is text.
      let delim = ch === d0;
      if (delim && d1 >= 0) {
        if (i + 1 >= end) break records;
        delim = b[i + 1] === d1;
      }
      if (!delim && ch !== 10) {
        // Text in this field: fine in a column with no role or a text extra, else the general path reads the row.
        if (j === uc || j === ic || j === tc || j === vc) break records;
        const x = j < xN ? xAt[j] : -1;
        // A flag spelled out (true, false) or a bad one, or text starting with white space (trimmed there).
        if (x >= 0 && (xDicts[x] === null || ch <= 32)) break records;
        for (;;) {
          if (i >= end) break records;
          ch = b[i];
          if (ch === 10) break;
          if (ch === d0) {
            if (d1 < 0) break;
            if (i + 1 >= end) break records;
            if (b[i + 1] === d1) break;
          }
          if (ch === 34) break records;
          if (ch === 13) {
            if (i + 1 >= end || b[i + 1] !== 10) break records;
            i++;
            ch = 10;
            break;
          }
          high |= ch;
          i++;
        }
        if (x >= 0) {
          // The field ends before its CR LF; white space at its end is trimmed by the general path.
          const fe = ch === 10 && b[i - 1] === 13 ? i - 1 : i;
          if (b[fe - 1] <= 32) break records;
          xS[x] = s;
          xE[x] = fe;
          xV[x] = -1;
        }
      } else if (j === uc) {
        if (dot >= 0 || len === 0 || len > 7 || (len > 1 && b[s] === 48)) break records;
        uv = v;
        uS = s;
        uE = s + len;
      } else if (j === ic) {
        if (dot >= 0 || len === 0 || len > 7 || (len > 1 && b[s] === 48)) break records;
        iv = v;
        iS = s;
        iE = s + len;
      } else if (j === tc) {
        if (len === 0 || len > 15 || dot === s || dot === s + len - 1) break records;
        tv = dot < 0 ? v : v / scale;
      } else if (j === vc) {
        if (len === 0 || len > 15 || dot === s || dot === s + len - 1) break records;
        vv = dot < 0 ? v : v / scale;
      } else if (j < xN && xAt[j] >= 0) {
        const x = xAt[j];
        if (xDicts[x] === null) {
          // A lone 0 or 1; anything else (2, 1.0, an empty field) is read by the general path.
          if (len !== 1 || dot >= 0 || v > 1) break records;
          xV[x] = v;
        } else {
          if (len === 0) break records;
          xS[x] = s;
          xE[x] = s + len;
          // A canonical decimal id goes to the dictionary's direct table, like the user and item ids.
          xV[x] = dot < 0 && len <= 7 && (len === 1 || b[s] !== 48) ? v : -1;
        }
      }
      j++;
      if (ch === 10) break;
      i += dl;
    }
    if (j !== expected || j < st.need) break;
    if (ev.n === ev.cap) ev.grow();
    const n = ev.n++;
    ev.user[n] = users.indexNumeric(uv, b, uS, uE);
    ev.item[n] = items.indexNumeric(iv, b, iS, iE);
    ev.time[n] = tv >= MS_THRESHOLD ? tv / 1000 : tv;
    if (ev.value) ev.value[n] = vv;
    // Flags, then text: each store site sees one array type (Uint8Array, Int32Array) and stays monomorphic.
    for (let q = 0; q < flagX.length; q++) (ev.extras[flagX[q]] as Uint8Array)[n] = xV[flagX[q]];
    for (let q = 0; q < textX.length; q++) {
      const x = textX[q];
      const d = xDicts[x]!;
      (ev.extras[x] as Int32Array)[n] = xV[x] >= 0 ? d.indexNumeric(xV[x], b, xS[x], xE[x]) : d.index(b, xS[x], xE[x]);
    }
    rows++;
    pos = i + 1;
  }
  // The rows of this run are on consecutive lines from st.line.
  if (rows > 0) st.anchor(n0, st.line);
  st.rows += rows;
  st.line += rows;
  if (high & 0x80) st.high = true;
  return pos;
}
