/**
 * Streaming ingest of an interaction log: bytes in (chunks of any size, from a File's stream in the worker or
 * fs.createReadStream in Node), a Dataset out. Each chunk is scanned byte by byte for delimiters, quotes and line
 * ends; numbers and times are parsed from the bytes; ids are dictionary-encoded by a hash over their bytes and
 * decoded to strings only once per distinct id (dict.ts). Only the unfinished last record of a chunk is carried over.
 * Bad rows are skipped and counted by reason; the first 100 are kept with their physical line number.
 */
import { buildDataset } from '../dataset';
import {
  decode,
  hasHighByte,
  isUtf8,
  MS_THRESHOLD,
  parseNumber,
  parseTime,
  trimEnd,
  trimStart,
  type Encoding,
} from './bytes';
import { detectColumns, fieldsNeeded, type Columns } from './columns';
import { ByteDict, type DictBytes } from './dict';
import { RecordScanner, unescapeQuotes } from './records';
import { SNIFF_BYTES, sniffBytes, type Sniff } from './sniff';
import { EventColumns } from './eventColumns';
import { FLAG_BAD, parseFlag, type ExtraColumn } from './extras';
import {
  MAX_PROBLEMS,
  SKIP_REASONS,
  type EventTable,
  type IngestColumnsResult,
  type IngestPart,
  type IngestReport,
  type IngestResult,
  type PartSettings,
  type RawProblem,
  type ReadOptions,
  type SkipReason,
} from './report';

export {
  MAX_PROBLEMS,
  SKIP_REASONS,
  partBuffers,
  type EventTable,
  type IngestColumnsResult,
  type IngestPart,
  type IngestProblem,
  type IngestReport,
  type IngestResult,
  type PartSettings,
  type RawProblem,
  type ReadOptions,
  type SkipReason,
} from './report';

/** Characters of a skipped row kept in its example. */
const PROBLEM_TEXT = 200;

/**
 * Push chunks in file order, then `finish()`. Without `options` the format is detected from the first 64 KiB; with
 * them (the user's choices) only the encoding and binary check are still detected.
 */
export class Ingest {
  private readonly opts: Partial<ReadOptions> | undefined;
  private carry: Uint8Array = new Uint8Array(0);
  private started = false;
  private sniff: Sniff | null = null;
  private scanner: RecordScanner | null = null;
  private columns: Columns = { user: 0, item: 1, value: 2, time: 3 };
  private need = 4;
  /** Fields every row should have (header width, or the first data row's), 0 until known. */
  private expected = 0;
  private headerPending = false;
  private headerNames: string[] | null = null;
  private encoding: Encoding = 'utf-8';
  private bom = false;
  /** Physical line number of the next record's first line. */
  private line = 1;
  private bytes = 0;
  private rows = 0;
  private readonly skippedBy: Record<SkipReason, number> = {
    'missing-field': 0,
    'unparsable-time': 0,
    'empty-id': 0,
    'wrong-field-count': 0,
  };
  private readonly raw: RawProblem[] = [];
  private readonly users = new ByteDict();
  private readonly items = new ByteDict();
  private ev: EventColumns | null = null;
  private scratch = new Uint8Array(256);
  private headerBytes: Uint8Array | null = null;

  /** Bytes gathered before detection runs (SNIFF_BYTES; tests use less to put chunk boundaries everywhere). */
  private readonly sampleBytes: number;
  /** Why the file is refused before reading it (binary; or empty / one column when nothing was set by the user). */
  private refused: string | null = null;

  /** The file's size in bytes when known (File.size, fs.stat): sizes the event arrays once instead of doubling them. */
  private readonly sizeHint: number;

  /** Set when this Ingest reads a later part of a file (see PartSettings). */
  private readonly part: PartSettings | null;

  /** Columns read per event besides the roles (extras.ts), their dictionaries (text) and column → extra lookup. */
  private readonly extras: readonly ExtraColumn[];
  private readonly extraDicts: (ByteDict | null)[];
  private readonly extraAt: Int16Array;
  /** The extras that are flags, and those that are text (indices into extras). */
  private readonly flagX: number[];
  private readonly textX: number[];
  /** Per-record scratch of the fast path: an extra's field bounds, parsed flag or numeric id (−1: text). */
  private readonly xS: Int32Array;
  private readonly xE: Int32Array;
  private readonly xV: Float64Array;

  /** (event, line) pairs where events stop being on consecutive lines (see extras.ts lineOfEvent). */
  private anchors: number[] = [];
  /** line − event index of the last anchor. */
  private anchorDelta = NaN;

  constructor(
    options?: Partial<ReadOptions>,
    tuning: { sampleBytes?: number; sizeHint?: number; part?: PartSettings; extras?: readonly ExtraColumn[] } = {},
  ) {
    this.part = tuning.part ?? null;
    this.opts = this.part ? { delimiter: this.part.delimiter, columns: this.part.columns, header: false } : options;
    this.sizeHint = tuning.sizeHint ?? 0;
    // At least the 3 bytes of a BOM.
    this.sampleBytes = Math.max(3, tuning.sampleBytes ?? SNIFF_BYTES);
    this.extras = (this.part ? this.part.extras : tuning.extras) ?? [];
    this.extraDicts = this.extras.map((x) => (x.kind === 'text' ? new ByteDict() : null));
    this.extraAt = new Int16Array(Math.max(0, ...this.extras.map((x) => x.column + 1))).fill(-1);
    this.extras.forEach((x, k) => (this.extraAt[x.column] = k));
    this.flagX = this.extras.flatMap((x, k) => (x.kind === 'flag' ? [k] : []));
    this.textX = this.extras.flatMap((x, k) => (x.kind === 'text' ? [k] : []));
    this.xS = new Int32Array(this.extras.length);
    this.xE = new Int32Array(this.extras.length);
    this.xV = new Float64Array(this.extras.length);
  }

  /** Notes that event n is on `line`, adding an anchor when the numbering does not continue the last one. */
  private anchor(n: number, line: number): void {
    if (line - n === this.anchorDelta) return;
    this.anchorDelta = line - n;
    this.anchors.push(n, line);
  }

  /** Adds the next chunk of the file (any size; record boundaries may fall anywhere). */
  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (!this.started) {
      const buf = concat(this.carry, chunk);
      // Detection needs a sample: wait for 64 KiB (or the end of the file).
      if (buf.length < this.sampleBytes) {
        this.carry = buf === chunk ? chunk.slice() : buf;
        return;
      }
      this.start(buf, false);
      this.carry = this.refused === null ? this.consume(buf, false) : new Uint8Array(0);
      return;
    }
    // A refused file (binary, one column) is not read further; finish() says why.
    if (this.refused !== null) return;
    if (this.carry.length === 0) {
      this.carry = this.consume(chunk, false);
      return;
    }
    // The carried, unfinished record is completed with this chunk's first line; the rest of the chunk is read in
    // place (not copied). A quoted line break can make the record run on: then the rest is joined to it.
    const lf = chunk.indexOf(10);
    if (lf < 0) {
      this.carry = concat(this.carry, chunk);
      return;
    }
    const left = this.consume(concat(this.carry, chunk.subarray(0, lf + 1)), false);
    this.carry = this.consume(left.length === 0 ? chunk.subarray(lf + 1) : concat(left, chunk.subarray(lf + 1)), false);
  }

  /** The last chunk was pushed: reads the remaining bytes and builds the Dataset, or says why the file is refused. */
  finish(): IngestResult {
    const r = this.finishColumns();
    if (!r.ok) return r;
    const t = r.table;
    const dataset = buildDataset({
      userIds: t.userIds,
      itemIds: t.itemIds,
      user: t.user,
      item: t.item,
      time: t.time,
      value: t.value,
    });
    return { ok: true, dataset, report: r.report };
  }

  /**
   * Like finish(), but hands back the events in file order (with the extra columns) instead of a Dataset. `slack`:
   * how much longer than the events the arrays may be and still be handed over as views (else they are copied).
   */
  finishColumns(slack = 0.1): IngestColumnsResult {
    if (!this.started) this.start(this.carry, true);
    if (this.refused === null) this.consume(this.carry, true);
    this.carry = new Uint8Array(0);
    const report = this.report();
    const why = this.refusal(report);
    if (why) return { ok: false, code: 'bad-file', reason: why, report };
    const ev = this.ev!;
    // Views when the arrays are at most ~10% too long (sized from the file size); exact copies otherwise, so that
    // the Dataset never holds much more than its events.
    const view = ev.cap <= ev.n * (1 + slack) + 4096;
    const cut = <T extends Int32Array | Float64Array | Float32Array | Uint8Array>(a: T): T =>
      view ? (a.subarray(0, ev.n) as T) : (a.slice(0, ev.n) as T);
    const table: EventTable = {
      userIds: this.users.strings(this.encoding),
      itemIds: this.items.strings(this.encoding),
      user: cut(ev.user),
      item: cut(ev.item),
      time: cut(ev.time),
      value: ev.value ? cut(ev.value) : undefined,
      extras: ev.extras.map(cut),
      extraIds: this.extraDicts.map((d) => (d ? d.strings(this.encoding) : null)),
      lineAnchors: Int32Array.from(this.anchors),
    };
    this.ev = null;
    return { ok: true, table, report };
  }

  /** Detection (unless given), BOM, and the per-file state. */
  private start(buf: Uint8Array, complete: boolean): void {
    this.started = true;
    // Detection reads the first SNIFF_BYTES only, however large the first chunk: File streams in Chromium hand over
    // about 1 MB at a time, and sniffing all of a chunk (delimiter candidates, line counts) cost more than parsing it.
    const sample = buf.length > this.sampleBytes ? buf.subarray(0, this.sampleBytes) : buf;
    complete &&= sample === buf;
    const o = this.opts;
    const s = sniffBytes(sample, complete, { delimiter: o?.delimiter, header: o?.header });
    this.sniff = s;
    this.refused = s.binary || !o?.columns ? s.problem : null;
    this.bom = s.bom;
    this.encoding = s.encoding;
    const columns = o?.columns ?? s.columns;
    this.columns = columns;
    this.need = Math.max(fieldsNeeded(columns), ...this.extras.map((x) => x.column + 1));
    this.headerPending = o?.header ?? s.header !== null;
    const delimiter = o?.delimiter ?? s.delimiter;
    this.scanner = new RecordScanner(delimiter);
    this.d0 = delimiter.charCodeAt(0);
    this.d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
    const roles = [
      columns.user,
      columns.item,
      columns.time,
      ...(columns.value >= 0 ? [columns.value] : []),
      ...this.extras.map((x) => x.column),
    ];
    this.fastOk = delimiter.length <= 2 && roles.every((j) => j >= 0) && new Set(roles).size === roles.length;
    // Rows expected from the file size and the sample's bytes per line (+5%), else 64 Ki and doubling.
    let lines = 0;
    for (let i = sample.indexOf(10); i >= 0; i = sample.indexOf(10, i + 1)) lines++;
    const guess =
      this.sizeHint > 0 && lines > 0 ? Math.ceil((this.sizeHint / sample.length) * lines * 1.05) + 1024 : 1 << 16;
    this.ev = new EventColumns(columns.value >= 0, Math.min(guess, 1 << 27), this.extras);
    if (s.bom) this.carrySkip = 3;
    if (this.part) this.expected = this.part.expected;
  }

  /** The settings a later part needs, once the header (or first row) has been read; null before, or when refused. */
  partSettings(): PartSettings | null {
    if (!this.started || this.refused !== null || this.expected === 0 || this.headerPending) return null;
    return {
      delimiter: this.opts?.delimiter ?? this.sniff!.delimiter,
      columns: this.columns,
      expected: this.expected,
      ...(this.extras.length > 0 ? { extras: this.extras.map((x) => ({ ...x })) } : {}),
    };
  }

  /**
   * Whether every byte pushed so far ended on a record boundary (nothing carried): only then can a part that starts
   * at the next byte be absorbed (a quoted line break at the cut would have been read as two rows there).
   */
  atRecordBoundary(): boolean {
    return this.started && this.refused === null && this.carry.length === 0;
  }

  /** For a later part: reads what is left and hands back its events and counts (see IngestPart). */
  endPart(): IngestPart {
    if (!this.started) this.start(this.carry, true);
    if (this.refused === null) this.consume(this.carry, true);
    this.carry = new Uint8Array(0);
    const ev = this.ev!;
    return {
      users: this.users.bytes(),
      items: this.items.bytes(),
      // Views, not copies: the part crosses to the first reader by transfer of these buffers, and its events are
      // copied once there (absorb); the columns were sized from the part's byte count, so little is carried over.
      user: ev.user.subarray(0, ev.n),
      item: ev.item.subarray(0, ev.n),
      time: ev.time.subarray(0, ev.n),
      value: ev.value ? ev.value.subarray(0, ev.n) : null,
      rows: this.rows,
      skippedBy: { ...this.skippedBy },
      problems: this.raw,
      lines: this.line - 1,
      latin1: this.encoding === 'latin1',
      bytes: this.bytes,
      refused: this.refused,
      ...(this.extras.length > 0
        ? {
            extras: ev.extras.map((a) => a.subarray(0, ev.n)),
            extraDicts: this.extraDicts.map((d) => (d ? d.bytes() : null)),
          }
        : {}),
      anchors: Int32Array.from(this.anchors),
    };
  }

  /**
   * Appends a later part read elsewhere (it must start where the bytes pushed here end, at a record boundary): its
   * ids are looked up in this dictionary in its first-seen order, so the result is the one reading it here gives.
   */
  absorb(p: IngestPart): void {
    const remap = (d: DictBytes, dict: ByteDict) => {
      const m = new Int32Array(d.starts.length);
      for (let k = 0; k < m.length; k++) m[k] = dict.index(d.arena, d.starts[k], d.ends[k]);
      return m;
    };
    const um = remap(p.users, this.users);
    const im = remap(p.items, this.items);
    const ev = this.ev!;
    const n = p.user.length;
    while (ev.cap < ev.n + n) ev.grow();
    const at = ev.n;
    for (let i = 0; i < n; i++) {
      ev.user[at + i] = um[p.user[i]];
      ev.item[at + i] = im[p.item[i]];
    }
    ev.time.set(p.time, at);
    if (ev.value && p.value) ev.value.set(p.value, at);
    this.extras.forEach((_x, k) => {
      const src = p.extras![k];
      const dst = ev.extras[k];
      const d = p.extraDicts![k];
      if (!d) dst.set(src, at);
      else {
        const m = remap(d, this.extraDicts[k]!);
        for (let i = 0; i < n; i++) dst[at + i] = src[i] < 0 ? -1 : m[src[i]];
      }
    });
    const offset = this.line - 1;
    const pa = p.anchors ?? new Int32Array(0);
    for (let k = 0; k < pa.length; k += 2) this.anchor(at + pa[k], pa[k + 1] + offset);
    ev.n += n;
    for (const q of p.problems) if (this.raw.length < MAX_PROBLEMS) this.raw.push({ ...q, line: q.line + offset });
    for (const r of SKIP_REASONS) this.skippedBy[r] += p.skippedBy[r];
    this.rows += p.rows;
    this.line += p.lines;
    this.bytes += p.bytes;
    if (p.latin1) this.encoding = 'latin1';
  }

  /** Bytes still to skip at the very start (the BOM). */
  private carrySkip = 0;

  /** Reads the complete records of `buf`; returns the unfinished rest (a copy) to carry. */
  private consume(buf: Uint8Array, final: boolean): Uint8Array {
    const sc = this.scanner!;
    let pos = this.carrySkip;
    this.carrySkip = 0;
    const end = buf.length;
    const start = pos;
    const fast = this.fastOk;
    this.high = false;
    while (pos < end) {
      if (fast) {
        pos = this.fastRun(buf, pos, end);
        if (pos >= end) break;
      }
      const next = sc.next(buf, pos, end, final);
      if (next < 0) break;
      if (!this.high && hasHighByte(buf, pos, next)) this.high = true;
      this.record(buf, pos, sc);
      this.line += sc.lines;
      pos = next;
    }
    // The processed bytes end on a line end, so a UTF-8 check of them alone is exact; one invalid sequence anywhere
    // makes the whole file Latin-1 (ids are decoded only at the end, in the final encoding).
    if (this.encoding === 'utf-8' && this.high && !isUtf8(buf.subarray(start, pos))) this.encoding = 'latin1';
    return pos < end ? buf.slice(pos) : new Uint8Array(0);
  }

  /** Some byte ≥ 0x80 in the records read from the current buffer (then its UTF-8 validity is checked). */
  private high = false;
  /** True when fastRun may be tried: distinct user, item and time (and value) columns. */
  private fastOk = false;
  private d0 = 44;
  /** Second byte of a two-byte delimiter (':' of '::'), −1 for one-byte delimiters. */
  private d1 = -1;

  /**
   * The fused fast path for the common row: one byte pass per record that splits the fields and parses the numbers
   * on the way (canonical decimal ids, decimal time and value), then stores the event; it runs record after record
   * from `pos` and returns where it stopped. It stops at any other shape (quotes, spaces, text ids, a lone CR, the wrong
   * field count, a header still to read) and at the chunk's unfinished last record: the general path then reads that
   * record, and gives the same result for every row this path accepts.
   */
  private fastRun(b: Uint8Array, pos: number, end: number): number {
    if (this.headerPending || this.expected === 0) return pos;
    const d0 = this.d0;
    const d1 = this.d1;
    const dl = d1 < 0 ? 1 : 2;
    const c = this.columns;
    const uc = c.user;
    const ic = c.item;
    const tc = c.time;
    const vc = c.value;
    const expected = this.expected;
    const users = this.users;
    const items = this.items;
    const ev = this.ev!;
    const n0 = ev.n;
    const xAt = this.extraAt;
    const xN = xAt.length;
    const flagX = this.flagX;
    const textX = this.textX;
    const xDicts = this.extraDicts;
    const xS = this.xS;
    const xE = this.xE;
    const xV = this.xV;
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
      if (j !== expected || j < this.need) break;
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
        (ev.extras[x] as Int32Array)[n] =
          xV[x] >= 0 ? d.indexNumeric(xV[x], b, xS[x], xE[x]) : d.index(b, xS[x], xE[x]);
      }
      rows++;
      pos = i + 1;
    }
    // The rows of this run are on consecutive lines from this.line.
    if (rows > 0) this.anchor(n0, this.line);
    this.rows += rows;
    this.line += rows;
    if (high & 0x80) this.high = true;
    return pos;
  }

  /** One record (its fields are in the scanner): header, blank line, event or skipped row. */
  private record(b: Uint8Array, recStart: number, sc: RecordScanner): void {
    const nf = sc.nFields;
    const fs = sc.fieldStart;
    const fe = sc.fieldEnd;
    if (nf === 1 && sc.fieldQuote[0] === 0 && trimStart(b, fs[0], fe[0]) === fe[0]) return; // blank line
    if (this.headerPending) {
      this.headerPending = false;
      this.headerBytes = b.slice(recStart, sc.contentEnd);
      this.expected = nf;
      return;
    }
    if (this.expected === 0) this.expected = nf;
    this.rows++;
    const c = this.columns;
    if (nf < this.need) return this.skip('missing-field', b, recStart, sc);
    if (nf !== this.expected) return this.skip('wrong-field-count', b, recStart, sc);
    if (!this.locate(b, sc, c.user)) return this.skip('empty-id', b, recStart, sc);
    // The item is looked up before the user is committed: a row skipped for its item must not add its user.
    const iS = trimStart(b, fs[c.item], fe[c.item]);
    if (iS === trimEnd(b, iS, fe[c.item])) return this.skip('empty-id', b, recStart, sc);
    const tS = trimStart(b, fs[c.time], fe[c.time]);
    const tE = trimEnd(b, tS, fe[c.time]);
    if (tS === tE) return this.skip('missing-field', b, recStart, sc);
    const t = parseTime(b, tS, tE);
    if (t !== t) return this.skip('unparsable-time', b, recStart, sc);
    const ev = this.ev!;
    if (ev.n === ev.cap) ev.grow();
    const n = ev.n++;
    this.anchor(n, this.line);
    ev.user[n] = this.users.index(this.idBytes, this.idS, this.idE);
    this.locate(b, sc, c.item);
    ev.item[n] = this.items.index(this.idBytes, this.idS, this.idE);
    ev.time[n] = t;
    if (ev.value) ev.value[n] = fs[c.value] === fe[c.value] ? NaN : parseNumber(b, fs[c.value], fe[c.value]);
    for (let x = 0; x < this.extras.length; x++) {
      const k = this.extras[x].column;
      const d = this.extraDicts[x];
      if (d === null) ev.extras[x][n] = sc.fieldQuote[k] === 2 ? FLAG_BAD : parseFlag(b, fs[k], fe[k]);
      else ev.extras[x][n] = this.locate(b, sc, k) ? d.index(this.idBytes, this.idS, this.idE) : -1;
    }
  }

  /** Bytes of the last id found by `locate()` (the record's buffer, or the unescape scratch). */
  private idBytes: Uint8Array = new Uint8Array(0);
  private idS = 0;
  private idE = 0;

  /** Puts the trimmed (and unescaped) bytes of id field k in idBytes[idS, idE); false when they are empty. */
  private locate(b: Uint8Array, sc: RecordScanner, k: number): boolean {
    let s = sc.fieldStart[k];
    let e = sc.fieldEnd[k];
    if (sc.fieldQuote[k] === 2) {
      if (this.scratch.length < e - s) this.scratch = new Uint8Array(2 * (e - s));
      e = unescapeQuotes(b, s, e, this.scratch);
      s = 0;
      b = this.scratch;
    }
    s = trimStart(b, s, e);
    e = trimEnd(b, s, e);
    this.idBytes = b;
    this.idS = s;
    this.idE = e;
    return s !== e;
  }

  private skip(reason: SkipReason, b: Uint8Array, recStart: number, sc: RecordScanner): void {
    this.skippedBy[reason]++;
    if (this.raw.length < MAX_PROBLEMS)
      this.raw.push({
        line: this.line,
        reason,
        bytes: b.slice(recStart, Math.min(sc.contentEnd, recStart + 4 * PROBLEM_TEXT)),
      });
  }

  private report(): IngestReport {
    const s = this.sniff!;
    const skipped = Object.values(this.skippedBy).reduce((a, b) => a + b, 0);
    const delimiter = this.opts?.delimiter ?? s.delimiter;
    let headerNames: string[] | null = null;
    if (this.headerBytes) {
      const sc = new RecordScanner(delimiter);
      sc.next(this.headerBytes, 0, this.headerBytes.length, true);
      headerNames = [];
      for (let k = 0; k < Math.min(sc.nFields, 256); k++)
        headerNames.push(decode(this.headerBytes.subarray(sc.fieldStart[k], sc.fieldEnd[k]), this.encoding).trim());
    }
    return {
      format: {
        delimiter,
        header: this.headerBytes !== null || (this.opts?.header ?? s.header !== null),
        encoding: this.encoding,
        bom: this.bom,
      },
      headerNames,
      columns: this.columns,
      rowsRead: this.rows,
      events: this.ev?.n ?? 0,
      skipped,
      skippedBy: { ...this.skippedBy },
      problems: this.raw.map((p) => ({
        line: p.line,
        reason: p.reason,
        text: decode(p.bytes, this.encoding).slice(0, PROBLEM_TEXT),
      })),
      bytes: this.bytes,
    };
  }

  /** Why the file yields no usable data, or null. */
  private refusal(r: IngestReport): string | null {
    if (this.refused) return this.refused;
    if (r.events > 0) return null;
    if (r.rowsRead === 0) return r.format.header ? 'the file has a header but no rows' : 'the file is empty';
    const by = SKIP_REASONS.filter((k) => r.skippedBy[k] > 0).map((k) => `${r.skippedBy[k]} ${k}`);
    return `none of its ${r.rowsRead} rows could be read (${by.join(', ')})`;
  }
}

/** a followed by b, in a new array (or b itself when a is empty). */
function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Reads a whole stream of chunks (Node stream, File.stream() reader wrapped as an async iterable, or an array). */
export async function ingestChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options?: Partial<ReadOptions>,
): Promise<IngestResult> {
  const ing = new Ingest(options);
  for await (const c of chunks) ing.push(c);
  return ing.finish();
}

/** Reads bytes already in memory (tests, small files). */
export function ingestBytes(bytes: Uint8Array, options?: Partial<ReadOptions>): IngestResult {
  const ing = new Ingest(options);
  ing.push(bytes);
  return ing.finish();
}

/** The roles to use when the user gave only delimiter and header (columns re-detected from the header names). */
export function columnsFor(header: string[] | null, nFields: number): Columns {
  return detectColumns(header, nFields).columns;
}
