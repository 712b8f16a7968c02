/**
 * The data worker's file read: a File/Blob streamed through the parser (core/data/ingest) in chunks, with batched
 * progress and a cancel checked between chunks; a large file is read in two halves at once, the second by the part
 * reader's worker (ingestPart.api.ts). Also the idle warm-up that lets a first file meet optimised parser code.
 */
import type { Dataset } from '../src/core/data/types';
import {
  Ingest,
  warmUpParser,
  SNIFF_BYTES,
  type Columns,
  type IngestPart,
  type IngestReport,
  type PartSettings,
  type SkipReason,
} from '../src/core/data/ingest';
import { summarise } from '../src/core/data/summary';
import { readBlob, type PartReader } from './ingestPart.api';

export type DataErrorCode =
  'bad-config' | 'bad-file' | 'cancelled' | 'empty' | 'no-data' | 'split-failed' | 'unreadable';

/** How to read a file when the user overrode the sniffed roles, delimiter or header. */
export interface ReadAs {
  columns: Columns;
  delimiter: string;
  header: boolean;
}

/** A row the loader skipped, shown to the user in `data.problems`. */
export interface LoadProblem {
  /** 1-based physical line where the row starts (the header is line 1). */
  line: number;
  /** Reason code (core/data/ingest SkipReason: missing-field, unparsable-time, empty-id, wrong-field-count). */
  reason: SkipReason | string;
  /** The row as read, cut to 200 characters (rendered as text only). */
  text: string;
}

/** A refused load: the reason and the problems seen; the previous data stays loaded. */
export interface LoadRefusal {
  ok: false;
  code: DataErrorCode;
  reason: string;
  problems: LoadProblem[];
  /** How the file was read and what was skipped (absent when it was never read, e.g. cancelled). */
  report?: IngestReport;
}

/** Where a load's time went, in the worker (ms): read and parse the file, build the dataset, summarise it. */
export interface LoadTiming {
  readParse: number;
  build: number;
  summary: number;
  /** Readers that parsed the file: 2 when the second reader's half was absorbed. */
  readers: 1 | 2;
}

/** The second reader, and the file size from which it is used. */
export interface Parts {
  reader: PartReader;
  min: number;
}

/** A file read and parsed, before the worker adopts it. */
export interface FileRead {
  ok: true;
  dataset: Dataset;
  problems: LoadProblem[];
  report: IngestReport;
  timing: Omit<LoadTiming, 'summary'>;
}

/**
 * Resolves in a new task, after messages already queued (a cancel): a MessageChannel round trip, because a
 * setTimeout(0) chained from timer to timer is clamped to 4 ms.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    // The port's onmessage (the DOM and Node both have it; Node's typings leave it out).
    (ch.port1 as unknown as { onmessage: (() => void) | null }).onmessage = () => {
      ch.port1.close();
      ch.port2.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/** The byte after the first line feed at or after `at` (within 1 MiB), or the file's size when there is none. */
async function lineStartAfter(file: Blob, at: number): Promise<number> {
  const window = new Uint8Array(await file.slice(at, at + (1 << 20)).arrayBuffer());
  const lf = window.indexOf(10);
  return lf < 0 ? file.size : at + lf + 1;
}

/**
 * Reads and parses `file` (see above); `stale()` turns true when a newer load or a cancel replaced this one. A
 * refusal (cancelled, or a file that cannot be read as interactions) names the file.
 */
export async function readFile(file: Blob, name: string, opts: ReadOptions): Promise<FileRead | LoadRefusal> {
  try {
    return await readWhole(file, name, opts);
  } catch (e) {
    opts.parts?.reader.stop();
    return unreadable(name, e);
  }
}

/**
 * The browser refuses to read a File whose bytes changed on disk after it was picked (Chromium: NotReadableError, or a
 * TypeError "network error" from its stream), or that was removed: a log still being written to. Said so, not as the
 * browser's words alone.
 */
export function unreadable(name: string, e: unknown): LoadRefusal {
  return {
    ok: false,
    code: 'unreadable',
    reason: `${name} ${unreadableWhy(e)}; previous data kept. Load it again once it is complete.`,
    problems: [],
  };
}

export const unreadableWhy = (e: unknown): string =>
  'changed while it was being read, or can no longer be read (is it still being written?): ' +
  (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

interface ReadOptions {
  parts: Parts | null;
  stale: () => boolean;
  onProgress?: (bytes: number, total: number) => void;
  readAs?: ReadAs;
}

async function readWhole(file: Blob, name: string, opts: ReadOptions): Promise<FileRead | LoadRefusal> {
  const { parts, stale, onProgress, readAs } = opts;
  const t0 = performance.now();
  const ingest = new Ingest(readAs, { sizeHint: file.size });
  // The cut (the first line start after the middle) and the probe's sample (below) are read at once.
  const [cut, sample] =
    parts && file.size >= parts.min
      ? await Promise.all([lineStartAfter(file, file.size >> 1), file.slice(0, SNIFF_BYTES).arrayBuffer()])
      : [file.size, null];
  let second: Promise<IngestPart | null> | null = null;
  let probed: PartSettings | null = null;
  let bytes = 0;
  let lastYield = Date.now();
  let lastReport = 0;
  const stream = (blob: Blob, scale: number): Promise<boolean> =>
    readBlob(blob, async (chunk) => {
      // Let queued messages (cancel) run: reads that are already done resolve as microtasks and would starve them.
      if (Date.now() - lastYield > 30) {
        await nextTask();
        lastYield = Date.now();
      }
      if (stale()) return false;
      ingest.push(chunk);
      bytes += chunk.byteLength;
      // Progress crosses the boundary in batches: at most every 50 ms, and at the last chunk. With two readers
      // the first half's share stands for both (they read at the same pace).
      if (Date.now() - lastReport > 50 || bytes === file.size) {
        lastReport = Date.now();
        onProgress?.(Math.min(file.size, Math.round(bytes * scale)), file.size);
      }
      return true;
    });
  let readers: 1 | 2 = 1;
  if (parts && cut < file.size && sample) {
    // The second reader needs the first part's settings (delimiter, roles, fields per row): a probe reads them
    // from the first 64 KiB, so that both readers start at once.
    const probe = new Ingest(readAs, { sizeHint: SNIFF_BYTES });
    probe.push(new Uint8Array(sample));
    probed = probe.partSettings();
    if (probed) second = parts.reader.read(file.slice(cut), probed).catch(() => null);
  }
  let read = await stream(cut < file.size ? file.slice(0, cut) : file, file.size / cut);
  if (read && cut < file.size) {
    const part = second ? await second : null;
    if (stale()) read = false;
    // A quoted line break across the cut, a refused or failed part: the first reader reads on by itself.
    // (The first reader must have read the file as the probe did.)
    else if (
      part &&
      part.refused === null &&
      ingest.atRecordBoundary() &&
      JSON.stringify(ingest.partSettings()) === JSON.stringify(probed)
    ) {
      ingest.absorb(part);
      readers = 2;
    } else read = await stream(file.slice(cut), 1);
  }
  if (!read || stale()) {
    parts?.reader.stop();
    return { ok: false, code: 'cancelled', reason: `${name}: loading cancelled, previous data kept`, problems: [] };
  }
  const t1 = performance.now();
  const parsed = ingest.finish();
  const t2 = performance.now();
  const problems: LoadProblem[] = parsed.report.problems;
  if (!parsed.ok)
    return {
      ok: false,
      code: 'bad-file',
      reason: `${name}: ${parsed.reason}; previous data kept`,
      problems,
      report: parsed.report,
    };
  return {
    ok: true,
    dataset: parsed.dataset,
    problems,
    report: parsed.report,
    timing: { readParse: t1 - t0, build: t2 - t1, readers },
  };
}

/** The idle warm-up: the parser reads a generated sample once, the summary runs on it, the second reader starts. */
export function warmUpReaders(parts: Parts | null): void {
  // The summary of a loaded file is part of its load too.
  const { dataset } = warmUpParser('file');
  if (dataset) for (let k = 0; k < 2; k++) summarise(dataset, 'warm-up');
  parts?.reader.warm?.();
}
