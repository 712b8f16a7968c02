/**
 * What reading an interaction file produces and reports: skip reasons, problems, the report, and the part a second
 * reader hands back (ingest.ts reads; these shapes cross the worker boundary and reach the UI and `rimw inspect`).
 */
import type { EventColumnsIn } from '../dataset';
import type { Dataset } from '../types';
import type { Encoding } from './bytes';
import type { Columns } from './columns';
import type { DictBytes } from './dict';
import type { ExtraColumn, ExtraValues } from './extras';

/** Why a row was skipped (stable codes: the UI, the CLI JSON and the tests match on them). */
export type SkipReason =
  /** The row ends before a role's column (fewer fields than the roles need), or its time field is empty. */
  | 'missing-field'
  /** The time field is not unix seconds, milliseconds or an ISO-8601 date. */
  | 'unparsable-time'
  /** The user or the item field is empty. */
  | 'empty-id'
  /** Enough fields for the roles, but not as many as the header (or the first row of a headerless file) has. */
  | 'wrong-field-count';

export const SKIP_REASONS: readonly SkipReason[] = [
  'missing-field',
  'unparsable-time',
  'empty-id',
  'wrong-field-count',
];

/** Examples of skipped rows kept (the counts cover all). */
export const MAX_PROBLEMS = 100;

/** Characters of a skipped row kept in its example. */
export const PROBLEM_TEXT = 200;

/** A skipped row. */
export interface IngestProblem {
  /** 1-based physical line where the row starts (the header is line 1; a quoted line break makes a row span lines). */
  line: number;
  reason: SkipReason;
  /** The row as read (line breaks inside quotes kept), cut to 200 characters. */
  text: string;
}

/** How the file is read: detected, or set by the user in the preview. */
export interface ReadOptions {
  columns: Columns;
  delimiter: string;
  /** The first non-blank line names the columns (and is not data). */
  header: boolean;
}

/** How the file was read and what was skipped (what `rimw inspect` prints and the UI lists). */
export interface IngestReport {
  format: { delimiter: string; header: boolean; encoding: Encoding; bom: boolean };
  /** Header names, or null without a header. */
  headerNames: string[] | null;
  columns: Columns;
  /** Data rows read (blank lines and the header excluded) = events + skipped. */
  rowsRead: number;
  events: number;
  skipped: number;
  skippedBy: Record<SkipReason, number>;
  /** The first 100 skipped rows. */
  problems: IngestProblem[];
  /** Bytes read, BOM included. */
  bytes: number;
}

export type IngestResult =
  | { ok: true; dataset: Dataset; report: IngestReport }
  | { ok: false; code: 'bad-file'; reason: string; report: IngestReport };

/**
 * The events as read, in file order, before the Dataset is built (Ingest.finishColumns): for readers that build
 * something else from them (the impression reader), with the extra columns they asked for.
 */
export interface EventTable extends EventColumnsIn {
  /** One array per extra column, in the order asked (extras.ts). */
  extras: ExtraValues[];
  /** The strings of each text extra (index → string); null for flags. */
  extraIds: (string[] | null)[];
  /** (event, line) pairs for lineOfEvent. */
  lineAnchors: Int32Array;
}

export type IngestColumnsResult =
  | { ok: true; table: EventTable; report: IngestReport }
  | { ok: false; code: 'bad-file'; reason: string; report: IngestReport };

/**
 * How a later part of a file is read (a second worker reading the second half while the first reads the first):
 * the first part's delimiter and roles, and the fields per row it found (header width or first row's).
 */
export interface PartSettings {
  delimiter: string;
  columns: Columns;
  expected: number;
  /** Extra columns the first part reads (absent: none). */
  extras?: ExtraColumn[];
}

/**
 * What a later part of a file read on its own hands back to the first part (Ingest.absorb): its ids' bytes, its
 * events in file order with part-local id codes, its counts, and its skipped rows with part-relative line numbers.
 * Plain typed arrays, so it crosses a worker boundary by transfer.
 */
export interface IngestPart {
  users: DictBytes;
  items: DictBytes;
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  value: Float32Array | null;
  rows: number;
  skippedBy: Record<SkipReason, number>;
  problems: RawProblem[];
  /** Physical lines read (blank lines included). */
  lines: number;
  /** Some bytes were not UTF-8: the whole file is Latin-1. */
  latin1: boolean;
  bytes: number;
  /** Why the part could not be read (binary bytes): the first part then reads these bytes itself. */
  refused: string | null;
  /** The extra columns' values (part-local dictionary indices for text) and the text extras' ids; absent: none. */
  extras?: ExtraValues[];
  extraDicts?: (DictBytes | null)[];
  /** (event, line) pairs, part-relative (see lineOfEvent). */
  anchors?: Int32Array;
}

/** The typed arrays of a part, to move by transfer. */
export const partBuffers = (p: IngestPart): ArrayBuffer[] =>
  [
    p.users.arena,
    p.users.starts,
    p.users.ends,
    p.items.arena,
    p.items.starts,
    p.items.ends,
    p.user,
    p.item,
    p.time,
    p.value,
    ...(p.extras ?? []),
    ...(p.extraDicts ?? []).flatMap((d) => (d ? [d.arena, d.starts, d.ends] : [])),
    p.anchors ?? null,
  ]
    .filter((a) => a !== null)
    .map((a) => a.buffer as ArrayBuffer);

/** A skipped row's bytes until the encoding of the whole file is known. */
export interface RawProblem {
  line: number;
  reason: SkipReason;
  bytes: Uint8Array;
}
