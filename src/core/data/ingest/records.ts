/**
 * Splits bytes into records and fields (RFC 4180): a field may be quoted with `"`; inside quotes the delimiter and
 * line breaks are data and `""` is one quote. Records end at LF; a CR before it (CRLF) is dropped. The delimiter is
 * one byte (`,` tab `;` `|`) or two (`::`). Works on any window of bytes: a record that does not end inside the
 * window is reported as incomplete, and the caller carries its bytes over to the next chunk.
 */

export const QUOTE = 34;
export const LF = 10;
export const CR = 13;

/** The delimiters the ingest recognises, in the order sniffing prefers them on a tie. */
export const DELIMITERS = ['::', '\t', ',', ';', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** Fields stored per record; more are counted (for the field-count check) but not kept. */
const MAX_FIELDS = 256;

export class RecordScanner {
  /** Field k of the last record is bytes [fieldStart[k], fieldEnd[k]) (inside the quotes when quoted). */
  readonly fieldStart = new Int32Array(MAX_FIELDS);
  readonly fieldEnd = new Int32Array(MAX_FIELDS);
  /** 0: plain; 1: quoted; 2: quoted with doubled quotes inside (needs unescaping). */
  readonly fieldQuote = new Uint8Array(MAX_FIELDS);
  /** Fields in the last record (may exceed MAX_FIELDS; only the first MAX_FIELDS are stored). */
  nFields = 0;
  /** Physical lines the last record spans (1 + line breaks inside quoted fields). */
  lines = 0;
  /** End (exclusive) of the last record's content, before its CR LF. */
  contentEnd = 0;
  private readonly d0: number;
  private readonly d1: number;
  private readonly dLen: number;

  constructor(delimiter: string) {
    this.d0 = delimiter.charCodeAt(0);
    this.d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
    this.dLen = delimiter.length;
  }

  /**
   * Reads the record starting at `pos` in b[pos, end). Returns the position after it (past its LF), or −1 when the
   * record does not end before `end` and more bytes may come (`final` false). With `final`, the bytes up to `end` are
   * the last record (an unclosed quote runs to the end of the file).
   */
  next(b: Uint8Array, pos: number, end: number, final: boolean): number {
    const d0 = this.d0;
    const d1 = this.d1;
    const fs = this.fieldStart;
    const fe = this.fieldEnd;
    const fq = this.fieldQuote;
    let nf = 0;
    let breaks = 0;
    let i = pos;
    for (;;) {
      let s: number;
      let e: number;
      let q = 0;
      if (i < end && b[i] === QUOTE) {
        // Quoted field: up to the closing quote; "" is an escaped quote.
        let j = i + 1;
        q = 1;
        for (;;) {
          if (j >= end) {
            if (!final) return -1;
            break;
          }
          const c = b[j];
          if (c === QUOTE) {
            if (j + 1 < end) {
              if (b[j + 1] !== QUOTE) break;
              q = 2;
              j += 2;
              continue;
            }
            if (!final) return -1;
            break;
          }
          if (c === LF) breaks++;
          j++;
        }
        s = i + 1;
        e = j;
        i = j + 1;
        // Anything between the closing quote and the next delimiter or line end is dropped (lenient, like pandas).
        while (i < end) {
          const c = b[i];
          if (c === LF || (c === d0 && (d1 < 0 || (i + 1 < end && b[i + 1] === d1)))) break;
          i++;
        }
      } else {
        s = i;
        if (d1 < 0) {
          while (i < end) {
            const c = b[i];
            if (c === d0 || c === LF) break;
            i++;
          }
        } else {
          while (i < end) {
            const c = b[i];
            if (c === LF || (c === d0 && i + 1 < end && b[i + 1] === d1)) break;
            i++;
          }
        }
        e = i;
      }
      if (nf < MAX_FIELDS) {
        fs[nf] = s;
        fe[nf] = e;
        fq[nf] = q;
      }
      nf++;
      if (i >= end) {
        if (!final) return -1;
        this.finish(b, nf, breaks, end);
        return end;
      }
      if (b[i] === LF) {
        this.finish(b, nf, breaks, i);
        return i + 1;
      }
      i += this.dLen;
    }
  }

  /** Records the field count and drops the CR of a CRLF from the last field. */
  private finish(b: Uint8Array, nf: number, breaks: number, lineEnd: number): void {
    this.nFields = nf;
    this.lines = breaks + 1;
    let ce = lineEnd;
    if (ce > 0 && b[ce - 1] === CR) ce--;
    this.contentEnd = ce;
    const last = Math.min(nf, MAX_FIELDS) - 1;
    if (this.fieldQuote[last] === 0 && this.fieldEnd[last] > ce)
      this.fieldEnd[last] = Math.max(this.fieldStart[last], ce);
  }
}

/** The bytes of a quoted field with `""` turned into `"` (into `out`, which must be long enough); returns the length. */
export function unescapeQuotes(b: Uint8Array, s: number, e: number, out: Uint8Array): number {
  let n = 0;
  for (let i = s; i < e; i++) {
    out[n++] = b[i];
    if (b[i] === QUOTE && i + 1 < e && b[i + 1] === QUOTE) i++;
  }
  return n;
}
