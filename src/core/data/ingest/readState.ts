/**
 * What reading one file has set up and gathered so far: its format, the rows' expected shape, the dictionaries and
 * event columns, the counts and kept problems. The modules that read share it: the streaming reader (ingest.ts), its
 * two row paths (fastPath.ts, generalPath.ts), the two-reader parts (parts.ts) and the report (summary.ts); Ingest
 * keeps it private.
 */
import type { Encoding } from './bytes';
import type { Columns } from './columns';
import { ByteDict } from './dict';
import type { EventColumns } from './eventColumns';
import type { ExtraColumn } from './extras';
import type { PartSettings, RawProblem, ReadOptions, SkipReason } from './report';
import type { Sniff } from './sniff';

export class ReadState {
  readonly opts: Partial<ReadOptions> | undefined;
  sniff: Sniff | null = null;
  columns: Columns = { user: 0, item: 1, value: 2, time: 3 };
  need = 4;
  /** Fields every row should have (header width, or the first data row's), 0 until known. */
  expected = 0;
  headerPending = false;
  encoding: Encoding = 'utf-8';
  bom = false;
  /** Physical line number of the next record's first line. */
  line = 1;
  bytes = 0;
  rows = 0;
  readonly skippedBy: Record<SkipReason, number> = {
    'missing-field': 0,
    'unparsable-time': 0,
    'empty-id': 0,
    'wrong-field-count': 0,
  };
  readonly raw: RawProblem[] = [];
  readonly users = new ByteDict();
  readonly items = new ByteDict();
  ev: EventColumns | null = null;
  scratch = new Uint8Array(256);
  headerBytes: Uint8Array | null = null;

  /** Why the file is refused before reading it (binary; or empty / one column when nothing was set by the user). */
  refused: string | null = null;

  /** Set when this Ingest reads a later part of a file (see PartSettings). */
  readonly part: PartSettings | null;

  /** Columns read per event besides the roles (extras.ts), their dictionaries (text) and column → extra lookup. */
  readonly extras: readonly ExtraColumn[];
  readonly extraDicts: (ByteDict | null)[];
  readonly extraAt: Int16Array;
  /** The extras that are flags, and those that are text (indices into extras). */
  readonly flagX: number[];
  readonly textX: number[];
  /** Per-record scratch of the fast path: an extra's field bounds, parsed flag or numeric id (−1: text). */
  readonly xS: Int32Array;
  readonly xE: Int32Array;
  readonly xV: Float64Array;

  /** (event, line) pairs where events stop being on consecutive lines (see extras.ts lineOfEvent). */
  anchors: number[] = [];
  /** line − event index of the last anchor. */
  anchorDelta = NaN;

  /** Some byte ≥ 0x80 in the records read from the current buffer (then its UTF-8 validity is checked). */
  high = false;
  /** True when fastRun may be tried: distinct user, item and time (and value) columns. */
  fastOk = false;
  d0 = 44;
  /** Second byte of a two-byte delimiter (':' of '::'), −1 for one-byte delimiters. */
  d1 = -1;

  /** Bytes of the last id found by `locate()` (the record's buffer, or the unescape scratch). */
  idBytes: Uint8Array = new Uint8Array(0);
  idS = 0;
  idE = 0;

  constructor(
    options: Partial<ReadOptions> | undefined,
    part: PartSettings | undefined,
    extras: readonly ExtraColumn[] | undefined,
  ) {
    this.part = part ?? null;
    this.opts = this.part ? { delimiter: this.part.delimiter, columns: this.part.columns, header: false } : options;
    this.extras = (this.part ? this.part.extras : extras) ?? [];
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
  anchor(n: number, line: number): void {
    if (line - n === this.anchorDelta) return;
    this.anchorDelta = line - n;
    this.anchors.push(n, line);
  }
}
