/**
 * Detection from the first bytes of a file (64 KiB by default): encoding, delimiter, header, column roles and a few
 * rows for the preview, before the full load. The user may override delimiter, header and roles; the ingest then
 * reads the file with those.
 */
import { decode, hasBom, isUtf8, parseTime, type Encoding } from './bytes';
import { detectColumns, roleOfName, type Columns } from './columns';
import { DELIMITERS, LF, QUOTE, RecordScanner, unescapeQuotes } from './records';

/** Bytes read for detection and the preview. */
export const SNIFF_BYTES = 65_536;
/** Records looked at to choose the delimiter and the header. */
const SNIFF_RECORDS = 40;
/** Data rows shown in the preview. */
const PREVIEW_ROWS = 8;

/** What the first lines of a file look like. Field names are kept from the interim loader the UI was built on. */
export interface Sniff {
  delimiter: string;
  /** Header fields, or null when the first line is data. */
  header: string[] | null;
  /** Roles read from the header names, else by position (user, item, rating, time; or user, item, time). */
  columns: Columns;
  /** Up to 8 data rows split into fields (decoded). */
  rows: string[][];
  /** NUL bytes in the sample: a binary file, refused before loading. */
  binary: boolean;
  /** True when the roles are clear: a header that names user, item and time, or headerless rows whose time parses. */
  confident: boolean;
  /** 'utf-8' unless the sample is not valid UTF-8 (then Latin-1). The full load checks every byte. */
  encoding: Encoding;
  /** The file starts with a UTF-8 byte-order mark (skipped). */
  bom: boolean;
  /** Fields per record (the most common count in the sample). */
  fieldCount: number;
  /** Why the file cannot be loaded as it stands ('empty', binary, one column), or null. */
  problem: string | null;
}

/** Overrides of detection (from the preview's controls). */
export interface SniffOptions {
  delimiter?: string;
  header?: boolean;
}

/** The fields of the records in b[start, end) split with `delimiter`, blank lines skipped, at most `max` records. */
export function splitRecords(
  b: Uint8Array,
  start: number,
  end: number,
  final: boolean,
  delimiter: string,
  max: number,
  encoding: Encoding | null,
): { counts: number[]; fields: string[][]; strayQuotes: number } {
  const sc = new RecordScanner(delimiter);
  const counts: number[] = [];
  const fields: string[][] = [];
  const scratch = new Uint8Array(end - start);
  let strayQuotes = 0;
  let pos = start;
  while (pos < end && counts.length < max) {
    const next = sc.next(b, pos, end, final);
    if (next < 0) break;
    pos = next;
    if (sc.nFields === 1 && isBlank(b, sc.fieldStart[0], sc.fieldEnd[0]) && sc.fieldQuote[0] === 0) continue;
    counts.push(sc.nFields);
    if (hasStrayQuote(b, sc)) strayQuotes++;
    if (encoding) {
      const f: string[] = [];
      for (let k = 0; k < Math.min(sc.nFields, 256); k++) f.push(fieldText(b, sc, k, scratch, encoding));
      fields.push(f);
    }
  }
  return { counts, fields, strayQuotes };
}

/** A quote inside a field that does not start with one: a sign that the delimiter cut through a quoted field. */
function hasStrayQuote(b: Uint8Array, sc: RecordScanner): boolean {
  for (let k = 0; k < Math.min(sc.nFields, 256); k++) {
    if (sc.fieldQuote[k] !== 0) continue;
    for (let i = sc.fieldStart[k]; i < sc.fieldEnd[k]; i++) if (b[i] === QUOTE) return true;
  }
  return false;
}

/** Field k of the scanner's last record as a string (quotes unescaped). */
export function fieldText(
  b: Uint8Array,
  sc: RecordScanner,
  k: number,
  scratch: Uint8Array,
  encoding: Encoding,
): string {
  const s = sc.fieldStart[k];
  const e = sc.fieldEnd[k];
  if (sc.fieldQuote[k] === 2) return decode(scratch.subarray(0, unescapeQuotes(b, s, e, scratch)), encoding);
  return decode(b.subarray(s, e), encoding);
}

const isBlank = (b: Uint8Array, s: number, e: number) => {
  for (let i = s; i < e; i++) if (b[i] > 32) return false;
  return true;
};

/** The most common value and the share of entries equal to it. */
function mode(xs: number[]): { value: number; share: number } {
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  let value = 0;
  let n = 0;
  for (const [k, c] of m) if (c > n || (c === n && k > value)) [value, n] = [k, c];
  return { value, share: xs.length ? n / xs.length : 0 };
}

/** Whether a field looks like data rather than a name: a number or a date. */
const numberish = (s: string) =>
  s.trim() !== '' && !Number.isNaN(parseTime(new TextEncoderLite().encode(s), 0, s.length));

/** ASCII-only encoder for the numberish test (non-ASCII text is never a number or a date). */
class TextEncoderLite {
  encode(s: string): Uint8Array {
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) < 128 ? s.charCodeAt(i) : 0xff;
    return b;
  }
}

/**
 * Detects the format from the first bytes. `complete` says the bytes are the whole file (otherwise the last, possibly
 * cut, line is not used).
 */
export function sniffBytes(bytes: Uint8Array, complete: boolean, opts: SniffOptions = {}): Sniff {
  const bom = hasBom(bytes);
  const start = bom ? 3 : 0;
  let end = bytes.length;
  if (!complete) {
    const lastLf = bytes.lastIndexOf(LF);
    end = lastLf >= start ? lastLf + 1 : start;
  }
  const binary = bytes.subarray(start, bytes.length).includes(0);
  const encoding: Encoding = isUtf8(bytes.subarray(start, end)) ? 'utf-8' : 'latin1';
  const final = complete;
  let delimiter = opts.delimiter;
  if (delimiter === undefined) {
    // The delimiter that splits the sample into the same number (> 1) of fields most consistently, among those that
    // leave the fewest records with a stray quote: one that cuts through quoted fields (the ';' in "Toy Story; The"
    // of a ',' file) leaves a quote inside an unquoted field, and may split rows more consistently than the real
    // delimiter once a few rows are malformed. On a tie, the one giving more fields (a candidate inside quoted
    // fields cuts rows into fewer), then the earlier one in DELIMITERS ('::' before ',' so that a ratings.dat line
    // is not read as one field).
    let best: { d: string; share: number; count: number; stray: number } | null = null;
    for (const d of DELIMITERS) {
      const { counts, strayQuotes: stray } = splitRecords(bytes, start, end, final, d, SNIFF_RECORDS, null);
      const m = mode(counts);
      if (m.value <= 1) continue;
      const better =
        !best ||
        stray < best.stray ||
        (stray === best.stray &&
          (m.share > best.share + 1e-9 || (Math.abs(m.share - best.share) <= 1e-9 && m.value > best.count)));
      if (better) best = { d, share: m.share, count: m.value, stray };
    }
    delimiter = best?.d ?? ',';
  }
  const { counts, fields } = splitRecords(bytes, start, end, final, delimiter, SNIFF_RECORDS, encoding);
  const fieldCount = mode(counts).value;
  let header: string[] | null = null;
  if (fields.length > 0) {
    const first = fields[0];
    const rest = fields.slice(1);
    let isHeader: boolean;
    if (opts.header !== undefined) isHeader = opts.header;
    else {
      // A column whose first field is text while every later field there is a number or date. Only rows as wide as
      // the first are compared: in a row missing a field the columns shift, and a malformed row must not make the
      // first data row a header (it would be lost without a word).
      const aligned = rest.filter((r) => r.length === first.length);
      const textOverNumbers = first.some(
        (f, j) => f.trim() !== '' && !numberish(f) && aligned.length > 0 && aligned.every((r) => numberish(r[j])),
      );
      const allText = rest.length === 0 && first.every((f) => !numberish(f));
      isHeader = first.filter((f) => roleOfName(f) !== null).length >= 2 || textOverNumbers || allText;
    }
    if (isHeader) header = first;
  }
  const rows = fields.slice(header ? 1 : 0, (header ? 1 : 0) + PREVIEW_ROWS);
  const { columns, named } = detectColumns(header, fieldCount);
  const timed =
    rows.length > 0 &&
    rows.every(
      (r) =>
        r[columns.time] !== undefined &&
        numberish(r[columns.time]) &&
        (r[columns.user] ?? '').trim() !== '' &&
        (r[columns.item] ?? '').trim() !== '',
    );
  let problem: string | null = null;
  if (binary) problem = 'binary data (NUL bytes): not a text file of interactions';
  else if (fields.length === 0) problem = 'the file is empty';
  else if (fieldCount <= 1)
    problem = 'a single column: no delimiter (comma, tab, semicolon, pipe or ::) splits its lines into fields';
  return {
    delimiter,
    header,
    columns,
    rows,
    binary,
    confident: problem === null && (named || (header === null && fieldCount >= 3 && timed)),
    encoding,
    bom,
    fieldCount,
    problem,
  };
}
