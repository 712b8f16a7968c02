/**
 * The data worker's API: builds and keeps the Dataset inside the worker and hands the page small summaries.
 * Importable in Node tests (no DOM, no Comlink here); data.worker.ts only exposes it.
 */
import * as Comlink from 'comlink';
import type { Dataset, SplitConfig, SplitStats } from '../src/core/data/types';
import { makeSplit, resolveSplitConfig, suggestSplitKind } from '../src/core/data/split';
import { copyDataset, datasetBuffers } from '../src/core/data/dataset';
import { generateSynthetic, presetConfig, type SynthPreset } from '../src/core/data/synthetic';
import {
  Ingest,
  warmUpParser,
  type IngestPart,
  type PartSettings,
  parseItemMeta,
  SNIFF_BYTES,
  sniffBytes,
  type Columns,
  type IngestReport,
  type SkipReason,
  type Sniff,
} from '../src/core/data/ingest';
import { summarise, type DataSummary, type MetaLookup } from '../src/core/data/summary';
import { err, ok, type Result } from '../src/core/util/result';
import type { WorkspaceStore } from './workspace';
import { readBlob, type PartReader } from './ingestPart.api';

export type { Columns, Sniff } from '../src/core/data/ingest';
export type { DataCharts, DataSummary } from '../src/core/data/summary';
export { summarise } from '../src/core/data/summary';

/** How to read a file when the user overrode the sniffed roles, delimiter or header. */
export interface ReadAs {
  columns: Columns;
  delimiter: string;
  header: boolean;
}

type MetaMap = MetaLookup;

export type DataErrorCode = 'bad-config' | 'bad-file' | 'cancelled' | 'empty' | 'no-data' | 'split-failed';

/** A split of the current data as the page shows it: Table S1 and the config with every default filled in. */
export interface SplitSummary {
  /** The config as given, with the data-driven defaults resolved (what a run with it would use). */
  resolved: SplitConfig;
  /** The kind core/data/split suggests for this data. */
  suggested: SplitConfig['kind'];
  stats: SplitStats;
  warnings: string[];
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

export type LoadResult =
  { ok: true; data: DataSummary; problems: LoadProblem[]; report?: IngestReport; timing?: LoadTiming } | LoadRefusal;

/**
 * Resolves in a new task, after messages already queued (a cancel): a MessageChannel round trip, because a
 * setTimeout(0) chained from timer to timer is clamped to 4 ms, which cost ~10% of a load yielding every 30 ms.
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

/** The dataset this worker holds (one at a time; a refused load keeps it). */
let current: { dataset: Dataset; summary: DataSummary; source: string } | null = null;
/** Item metadata, kept across data loads and joined on item id string. */
let itemMeta: MetaMap | null = null;
/** Where item metadata is kept between visits (IndexedDB in the worker; absent in plain Node tests). */
let keep: Pick<WorkspaceStore, 'saveItemMeta' | 'loadItemMeta'> | null = null;
/** The second reader of large files, and the size from which it is used (none in plain Node tests). */
let parts: { reader: PartReader; min: number } | null = null;
/** Files at least this large are read in two halves at once (below, starting the second reader costs more). */
export const TWO_PARTS_MIN = 8 << 20;
/** Generation counter of file loads: a newer load or cancel() makes an older one stop. */
let loadToken = 0;
/** Files being read now (a warm-up waits for none). */
let reading = 0;

/** The idle warm-up (see configure): skipped when a file is being read, which warms the parser by itself. */
function warmUp(): void {
  if (reading > 0) return;
  // The summary of a loaded file is part of its load too.
  const { dataset } = warmUpParser('file');
  if (dataset) for (let k = 0; k < 2; k++) summarise(dataset, 'warm-up');
  parts?.reader.warm?.();
}

/** dataApi.loadFile's read (see there). */
async function readFile(
  file: Blob,
  name: string,
  onProgress?: (bytes: number, total: number) => void,
  readAs?: ReadAs,
): Promise<LoadResult> {
  const token = ++loadToken;
  const t0 = performance.now();
  const ingest = new Ingest(readAs, { sizeHint: file.size });
  // A large file is read in two halves at once: the second by the part reader's worker (see ingestPart.api.ts).
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
      if (token !== loadToken) return false;
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
  if (cut < file.size && sample) {
    // The second reader needs the first part's settings (delimiter, roles, fields per row): a probe reads them
    // from the first 64 KiB, so that both readers start at once.
    const probe = new Ingest(readAs, { sizeHint: SNIFF_BYTES });
    probe.push(new Uint8Array(sample));
    probed = probe.partSettings();
    if (probed) second = parts!.reader.read(file.slice(cut), probed).catch(() => null);
  }
  let read = await stream(cut < file.size ? file.slice(0, cut) : file, file.size / cut);
  if (read && cut < file.size) {
    const part = second ? await second : null;
    if (token !== loadToken) read = false;
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
  if (!read || token !== loadToken) {
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
  const r = dataApi.adopt(parsed.dataset, name);
  const timing = { readParse: t1 - t0, build: t2 - t1, summary: performance.now() - t2, readers };
  return r.ok
    ? { ok: true, data: r.data, problems, report: parsed.report, timing }
    : { ...r, problems, report: parsed.report };
}

export const dataApi = {
  /**
   * Plugs in the workspace store that keeps item metadata across reloads (the worker passes IndexedDB's) and the
   * second reader. `warmUpAfterMs`: that long after start, if no file is being read, the parser reads a generated
   * sample once and the second reader's worker starts (and does the same), so that a first file meets optimised code
   * (core/data/ingest/warmUp.ts).
   */
  configure(opts: {
    workspace?: Pick<WorkspaceStore, 'saveItemMeta' | 'loadItemMeta'>;
    partReader?: PartReader;
    twoPartsMin?: number;
    warmUpAfterMs?: number;
  }): void {
    keep = opts.workspace ?? null;
    parts = opts.partReader ? { reader: opts.partReader, min: opts.twoPartsMin ?? TWO_PARTS_MIN } : null;
    if (opts.warmUpAfterMs !== undefined) setTimeout(warmUp, opts.warmUpAfterMs);
  },

  /** Generates the built-in synthetic world (preset sizes from core/data/synthetic) and keeps it as the current data. */
  generate(preset: SynthPreset, seed: number): Result<DataSummary, DataErrorCode> {
    const g = generateSynthetic(presetConfig(preset, seed));
    if (!g.ok) return g;
    const source = `synthetic ${preset} (seed ${seed})`;
    const summary = summarise(g.data.dataset, source, itemMeta);
    current = { dataset: g.data.dataset, summary, source };
    return ok(summary);
  },

  /** Summary of the data held now, or null before anything was loaded. */
  summary(): DataSummary | null {
    return current?.summary ?? null;
  },

  /**
   * Streams a File/Blob through the parser (File.stream() reader → chunks), reporting bytes read; `cancel()` stops it
   * between chunks. A refused file leaves the current data in place.
   */
  async loadFile(
    file: Blob,
    name: string,
    onProgress?: (bytes: number, total: number) => void,
    readAs?: ReadAs,
  ): Promise<LoadResult> {
    reading++;
    try {
      return await readFile(file, name, onProgress, readAs);
    } finally {
      reading--;
    }
  },

  /** Reads the first 64 KiB only: delimiter, header, roles and a few rows for the preview table. */
  async sniff(file: Blob, opts: { delimiter?: string; header?: boolean } = {}): Promise<Sniff> {
    // A load is likely next: have the second reader's worker start meanwhile.
    if (parts && file.size >= parts.min) parts.reader.warm?.();
    const sample = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
    return sniffBytes(sample, file.size <= SNIFF_BYTES, opts);
  },

  /** Reads item metadata (id, title, tags) and joins it to the current data; a refused file keeps the old metadata. */
  async loadItemMeta(file: Blob, name: string): Promise<Result<DataSummary | null, DataErrorCode>> {
    const r = parseItemMeta(new Uint8Array(await file.arrayBuffer()));
    if (!r.ok) return err('bad-file', `${name}: ${r.reason}; previous metadata kept`);
    itemMeta = r.meta;
    // Kept for the next visit in the background; a failed save only costs the titles after a reload.
    keep?.saveItemMeta([...r.meta].map(([id, m]) => [id, m.title, m.tags])).catch(() => {});
    if (!current) return ok(null);
    current.summary = summarise(current.dataset, current.source, itemMeta);
    return ok(current.summary);
  },

  /** Reads the item metadata saved on an earlier visit (when none is loaded yet); true when some was restored. */
  async restoreItemMeta(): Promise<boolean> {
    if (itemMeta || !keep) return false;
    const rows = await keep.loadItemMeta().catch(() => undefined);
    if (!rows || itemMeta) return false;
    itemMeta = new Map(rows.map(([id, title, tags]) => [id, { title, tags }]));
    if (current) current.summary = summarise(current.dataset, current.source, itemMeta);
    return true;
  },

  /**
   * Copies of the current Dataset's arrays, moved by transfer (the worker keeps its own): for a worker or the page
   * that needs the raw events (training, export). Null before any data.
   */
  exportDataset(): Dataset | null {
    if (!current) return null;
    const copy = copyDataset(current.dataset);
    return Comlink.transfer(copy, datasetBuffers(copy));
  },

  /** Splits the current data (paper appendix D) and returns Table S1; the page never receives the split arrays. */
  split(config: SplitConfig): Result<SplitSummary, DataErrorCode | string> {
    if (!current) return err('no-data', 'no data loaded yet');
    const d = current.dataset;
    const resolved = resolveSplitConfig(d, config);
    if (!resolved.ok) return resolved;
    const s = makeSplit(d, config);
    if (!s.ok) return s;
    return ok({
      resolved: resolved.data,
      suggested: suggestSplitKind(d),
      stats: s.data.stats,
      warnings: s.data.warnings ?? [],
    });
  },

  /** Titles of the given item ids from the loaded item metadata ('' where unknown or without metadata), for display. */
  itemTitles(ids: string[]): string[] {
    return ids.map((id) => itemMeta?.get(id)?.title ?? '');
  },

  /** Stops a running loadFile between chunks (and its second reader). */
  cancel(): void {
    loadToken++;
    parts?.reader.stop();
  },

  /** Adopts a Dataset built elsewhere in this worker (the file loader) after checking it is not empty. */
  adopt(dataset: Dataset, source: string): Result<DataSummary, DataErrorCode> {
    if (dataset.user.length === 0) return err('empty', `${source}: no events were read, previous data kept`);
    const summary = summarise(dataset, source, itemMeta);
    current = { dataset, summary, source };
    return ok(summary);
  },
};

export type DataApi = typeof dataApi;
