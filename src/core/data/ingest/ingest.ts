/**
 * Streaming ingest of an interaction log: bytes in (chunks of any size, from a File's stream in the worker or
 * fs.createReadStream in Node), a Dataset out. Each chunk is scanned byte by byte for delimiters, quotes and line
 * ends; numbers and times are parsed from the bytes; ids are dictionary-encoded by a hash over their bytes and
 * decoded to strings only once per distinct id (dict.ts). Only the unfinished last record of a chunk is carried over.
 * Bad rows are skipped and counted by reason; the first 100 are kept with their physical line number.
 * Common rows take the fast path (fastPath.ts), every other the general path (generalPath.ts); a file read by two
 * readers is joined in parts.ts, and the report is built in summary.ts.
 */
import { buildDataset } from '../dataset';
import { hasHighByte, isUtf8 } from './bytes';
import { detectColumns, fieldsNeeded, type Columns } from './columns';
import { EventColumns } from './eventColumns';
import type { ExtraColumn } from './extras';
import { fastRun } from './fastPath';
import { readRecord } from './generalPath';
import { absorbPart, partOf, partSettingsOf } from './parts';
import { ReadState } from './readState';
import { RecordScanner } from './records';
import type { EventTable, IngestColumnsResult, IngestPart, IngestResult, PartSettings, ReadOptions } from './report';
import { SNIFF_BYTES, sniffBytes } from './sniff';
import { refusalOf, reportOf } from './summary';

/**
 * Push chunks in file order, then `finish()`. Without `options` the format is detected from the first 64 KiB; with
 * them (the user's choices) only the encoding and binary check are still detected.
 */
export class Ingest {
  private readonly st: ReadState;
  private carry: Uint8Array = new Uint8Array(0);
  private started = false;
  private scanner: RecordScanner | null = null;

  /** Bytes gathered before detection runs (SNIFF_BYTES; tests use less to put chunk boundaries everywhere). */
  private readonly sampleBytes: number;

  /** The file's size in bytes when known (File.size, fs.stat): sizes the event arrays once instead of doubling them. */
  private readonly sizeHint: number;

  constructor(
    options?: Partial<ReadOptions>,
    tuning: { sampleBytes?: number; sizeHint?: number; part?: PartSettings; extras?: readonly ExtraColumn[] } = {},
  ) {
    this.st = new ReadState(options, tuning.part, tuning.extras);
    this.sizeHint = tuning.sizeHint ?? 0;
    // At least the 3 bytes of a BOM.
    this.sampleBytes = Math.max(3, tuning.sampleBytes ?? SNIFF_BYTES);
  }

  /** Adds the next chunk of the file (any size; record boundaries may fall anywhere). */
  push(chunk: Uint8Array): void {
    this.st.bytes += chunk.length;
    if (!this.started) {
      const buf = concat(this.carry, chunk);
      // Detection needs a sample: wait for 64 KiB (or the end of the file).
      if (buf.length < this.sampleBytes) {
        this.carry = buf === chunk ? chunk.slice() : buf;
        return;
      }
      this.start(buf, false);
      this.carry = this.st.refused === null ? this.consume(buf, false) : new Uint8Array(0);
      return;
    }
    // A refused file (binary, one column) is not read further; finish() says why.
    if (this.st.refused !== null) return;
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
    if (this.st.refused === null) this.consume(this.carry, true);
    this.carry = new Uint8Array(0);
    const st = this.st;
    const report = reportOf(st);
    const why = refusalOf(st, report);
    if (why) return { ok: false, code: 'bad-file', reason: why, report };
    const ev = st.ev!;
    // Views when the arrays are at most ~10% too long (sized from the file size); exact copies otherwise, so that
    // the Dataset never holds much more than its events.
    const view = ev.cap <= ev.n * (1 + slack) + 4096;
    const cut = <T extends Int32Array | Float64Array | Float32Array | Uint8Array>(a: T): T =>
      view ? (a.subarray(0, ev.n) as T) : (a.slice(0, ev.n) as T);
    const table: EventTable = {
      userIds: st.users.strings(st.encoding),
      itemIds: st.items.strings(st.encoding),
      user: cut(ev.user),
      item: cut(ev.item),
      time: cut(ev.time),
      value: ev.value ? cut(ev.value) : undefined,
      extras: ev.extras.map(cut),
      extraIds: st.extraDicts.map((d) => (d ? d.strings(st.encoding) : null)),
      lineAnchors: Int32Array.from(st.anchors),
    };
    st.ev = null;
    return { ok: true, table, report };
  }

  /** Detection (unless given), BOM, and the per-file state. */
  private start(buf: Uint8Array, complete: boolean): void {
    const st = this.st;
    this.started = true;
    // Detection reads the first SNIFF_BYTES only, however large the first chunk: File streams in Chromium hand over
    // about 1 MB at a time, and sniffing all of a chunk (delimiter candidates, line counts) cost more than parsing it.
    const sample = buf.length > this.sampleBytes ? buf.subarray(0, this.sampleBytes) : buf;
    complete &&= sample === buf;
    const o = st.opts;
    const s = sniffBytes(sample, complete, { delimiter: o?.delimiter, header: o?.header });
    st.sniff = s;
    st.refused = s.binary || !o?.columns ? s.problem : null;
    st.bom = s.bom;
    st.encoding = s.encoding;
    const columns = o?.columns ?? s.columns;
    st.columns = columns;
    st.need = Math.max(fieldsNeeded(columns), ...st.extras.map((x) => x.column + 1));
    st.headerPending = o?.header ?? s.header !== null;
    const delimiter = o?.delimiter ?? s.delimiter;
    this.scanner = new RecordScanner(delimiter);
    st.d0 = delimiter.charCodeAt(0);
    st.d1 = delimiter.length > 1 ? delimiter.charCodeAt(1) : -1;
    const roles = [
      columns.user,
      columns.item,
      columns.time,
      ...(columns.value >= 0 ? [columns.value] : []),
      ...st.extras.map((x) => x.column),
    ];
    st.fastOk = delimiter.length <= 2 && roles.every((j) => j >= 0) && new Set(roles).size === roles.length;
    // Rows expected from the file size and the sample's bytes per line (+5%), else 64 Ki and doubling.
    let lines = 0;
    for (let i = sample.indexOf(10); i >= 0; i = sample.indexOf(10, i + 1)) lines++;
    const guess =
      this.sizeHint > 0 && lines > 0 ? Math.ceil((this.sizeHint / sample.length) * lines * 1.05) + 1024 : 1 << 16;
    st.ev = new EventColumns(columns.value >= 0, Math.min(guess, 1 << 27), st.extras);
    if (s.bom) this.carrySkip = 3;
    if (st.part) st.expected = st.part.expected;
  }

  /** The settings a later part needs, once the header (or first row) has been read; null before, or when refused. */
  partSettings(): PartSettings | null {
    return this.started ? partSettingsOf(this.st) : null;
  }

  /**
   * Whether every byte pushed so far ended on a record boundary (nothing carried): only then can a part that starts
   * at the next byte be absorbed (a quoted line break at the cut would have been read as two rows there).
   */
  atRecordBoundary(): boolean {
    return this.started && this.st.refused === null && this.carry.length === 0;
  }

  /** For a later part: reads what is left and hands back its events and counts (see IngestPart). */
  endPart(): IngestPart {
    if (!this.started) this.start(this.carry, true);
    if (this.st.refused === null) this.consume(this.carry, true);
    this.carry = new Uint8Array(0);
    return partOf(this.st);
  }

  /**
   * Appends a later part read elsewhere (it must start where the bytes pushed here end, at a record boundary): its
   * ids are looked up in this dictionary in its first-seen order, so the result is the one reading it here gives.
   */
  absorb(p: IngestPart): void {
    absorbPart(this.st, p);
  }

  /** Bytes still to skip at the very start (the BOM). */
  private carrySkip = 0;

  /** Reads the complete records of `buf`; returns the unfinished rest (a copy) to carry. */
  private consume(buf: Uint8Array, final: boolean): Uint8Array {
    const sc = this.scanner!;
    const st = this.st;
    let pos = this.carrySkip;
    this.carrySkip = 0;
    const end = buf.length;
    const start = pos;
    const fast = st.fastOk;
    st.high = false;
    while (pos < end) {
      if (fast) {
        pos = fastRun(st, buf, pos, end);
        if (pos >= end) break;
      }
      const next = sc.next(buf, pos, end, final);
      if (next < 0) break;
      if (!st.high && hasHighByte(buf, pos, next)) st.high = true;
      readRecord(st, buf, pos, sc);
      st.line += sc.lines;
      pos = next;
    }
    // The processed bytes end on a line end, so a UTF-8 check of them alone is exact; one invalid sequence anywhere
    // makes the whole file Latin-1 (ids are decoded only at the end, in the final encoding).
    if (st.encoding === 'utf-8' && st.high && !isUtf8(buf.subarray(start, pos))) st.encoding = 'latin1';
    return pos < end ? buf.slice(pos) : new Uint8Array(0);
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
