/**
 * The data worker's API: builds and keeps the Dataset inside the worker and hands the page small summaries.
 * Importable in Node tests; data.worker.ts only exposes it. Reading a file is dataRead.ts's; item metadata,
 * itemMeta.ts's; the summaries are core/data's.
 */
import type { Dataset, SplitConfig } from '../src/core/data/types';
import { copyDataset, datasetBuffers } from '../src/core/data/dataset';
import { generateSynthetic, presetConfig, type SynthPreset } from '../src/core/data/synthetic';
import { SNIFF_BYTES, sniffBytes, type IngestReport, type Sniff } from '../src/core/data/ingest';
import { summarise, type DataSummary } from '../src/core/data/summary';
import { summariseSplit, type SplitSummary } from '../src/core/data/splitSummary';
import { err, ok, type Result } from '../src/core/util/result';
import { applyProtocol, type ProtocolName } from '../src/core/data/protocols';
import type { PartReader } from './ingestPart.api';
import type { ChannelEnd } from './run.api';
import {
  readFile,
  unreadableWhy,
  warmUpReaders,
  type DataErrorCode,
  type LoadProblem,
  type LoadRefusal,
  type LoadTiming,
  type Parts,
  type ReadAs,
} from './dataRead';
import { itemMetaHolder, type MetaKeep } from './itemMeta';

export type { Columns, Sniff } from '../src/core/data/ingest';
export type { DataCharts, DataSummary } from '../src/core/data/summary';
export type { SplitSummary } from '../src/core/data/splitSummary';
export type { DataErrorCode, LoadProblem, LoadRefusal, LoadTiming, ReadAs } from './dataRead';
export { summarise } from '../src/core/data/summary';

export type LoadResult =
  { ok: true; data: DataSummary; problems: LoadProblem[]; report?: IngestReport; timing?: LoadTiming } | LoadRefusal;

/** The dataset this worker holds (one at a time; a refused load keeps it). */
let current: { dataset: Dataset; summary: DataSummary; source: string } | null = null;
const meta = itemMetaHolder();
/** The second reader of large files, and the size from which it is used (none in plain Node tests). */
let parts: Parts | null = null;
/** Files at least this large are read in two halves at once (below, starting the second reader costs more). */
export const TWO_PARTS_MIN = 8 << 20;
/** Generation counter of loads: a newer load, a generated world or cancel() makes an older file load stop. */
let loadToken = 0;
/** Files being read now (a warm-up waits for none). */
let reading = 0;

/** The current data summarised again (after the item metadata changed). */
function resummarise(): void {
  if (current) current.summary = summarise(current.dataset, current.source, meta.lookup());
}

export const dataApi = {
  /**
   * Plugs in the workspace store that keeps item metadata across reloads (the worker passes IndexedDB's) and the
   * second reader. `warmUpAfterMs`: that long after start, if no file is being read, the parser reads a generated
   * sample once and the second reader's worker starts, so that a first file meets optimised code
   * (core/data/ingest/warmUp.ts); a file being read warms the parser by itself.
   */
  configure(opts: {
    workspace?: MetaKeep;
    partReader?: PartReader;
    twoPartsMin?: number;
    warmUpAfterMs?: number;
  }): void {
    meta.configure(opts.workspace ?? null);
    parts = opts.partReader ? { reader: opts.partReader, min: opts.twoPartsMin ?? TWO_PARTS_MIN } : null;
    if (opts.warmUpAfterMs !== undefined) setTimeout(() => reading === 0 && warmUpReaders(parts), opts.warmUpAfterMs);
  },

  /** Generates the built-in synthetic world (preset sizes from core/data/synthetic) and keeps it as the current data. */
  generate(preset: SynthPreset, seed: number): Result<DataSummary, DataErrorCode> {
    // Asked for after a file load began, the world is the newer request: the file must not replace it when it ends.
    loadToken++;
    const g = generateSynthetic(presetConfig(preset, seed));
    if (!g.ok) return g;
    const source = `synthetic ${preset} (seed ${seed})`;
    const summary = summarise(g.data.dataset, source, meta.lookup());
    current = { dataset: g.data.dataset, summary, source };
    return ok(summary);
  },

  /** Summary of the data held now, or null before anything was loaded. */
  summary(): DataSummary | null {
    return current?.summary ?? null;
  },

  /**
   * Streams a File/Blob through the parser (dataRead.ts), reporting bytes read; `cancel()` stops it between chunks.
   * A refused file leaves the current data in place.
   */
  async loadFile(
    file: Blob,
    name: string,
    onProgress?: (bytes: number, total: number) => void,
    readAs?: ReadAs,
  ): Promise<LoadResult> {
    reading++;
    const token = ++loadToken;
    try {
      const r = await readFile(file, name, { parts, stale: () => token !== loadToken, onProgress, readAs });
      if (!r.ok) return r;
      const t0 = performance.now();
      const a = dataApi.adopt(r.dataset, name);
      const timing = { readParse: r.timing.readParse, build: r.timing.build, summary: performance.now() - t0 };
      return a.ok
        ? {
            ok: true,
            data: a.data,
            problems: r.problems,
            report: r.report,
            timing: { ...timing, readers: r.timing.readers },
          }
        : { ...a, problems: r.problems, report: r.report };
    } finally {
      reading--;
    }
  },

  /** Reads the first 64 KiB only: delimiter, header, roles and a few rows for the preview table. */
  async sniff(file: Blob, opts: { delimiter?: string; header?: boolean } = {}): Promise<Sniff> {
    // A load is likely next: have the second reader's worker start meanwhile.
    if (parts && file.size >= parts.min) parts.reader.warm?.();
    let sample: Uint8Array;
    try {
      sample = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
    } catch (e) {
      throw new Error(unreadableWhy(e), { cause: e });
    }
    return sniffBytes(sample, file.size <= SNIFF_BYTES, opts);
  },

  /** Reads item metadata (id, title, tags) and joins it to the current data; a refused file keeps the old metadata. */
  async loadItemMeta(file: Blob, name: string): Promise<Result<DataSummary | null, DataErrorCode>> {
    const r = await meta.load(file, name);
    if (!r.ok) return r;
    resummarise();
    return ok(current?.summary ?? null);
  },

  /** Reads the item metadata saved on an earlier visit (when none is loaded yet); true when some was restored. */
  async restoreItemMeta(): Promise<boolean> {
    const restored = await meta.restore();
    if (restored) resummarise();
    return restored;
  },

  /**
   * Posts a copy of the current Dataset's arrays on `port`, moved by transfer (the worker keeps its own; null before
   * any data), and closes it. The run worker holds the other end (its receiveDataset): the events go from worker to
   * worker without a stop on the page's main thread. True when a dataset went out.
   */
  exportTo(port: ChannelEnd): boolean {
    const copy = current ? copyDataset(current.dataset) : null;
    port.postMessage(copy, copy ? datasetBuffers(copy) : []);
    port.close();
    return copy !== null;
  },

  /**
   * Splits the current data (paper appendix D), after a dataset protocol's filter when one is named (the run's seed
   * draws its samples, as in the run), and returns Table S1; the page never receives the split arrays.
   */
  split(config: SplitConfig, protocol?: ProtocolName, seed = 0): Result<SplitSummary, DataErrorCode | string> {
    if (!current) return err('no-data', 'no data loaded yet');
    if (!protocol) return summariseSplit(current.dataset, config);
    const p = applyProtocol(current.dataset, protocol, config, seed);
    return p.ok ? summariseSplit(p.data.dataset, p.data.split) : p;
  },

  /** Titles of the given item ids from the loaded item metadata ('' where unknown or without metadata), for display. */
  itemTitles(ids: string[]): string[] {
    return meta.titles(ids);
  },

  /** Stops a running loadFile between chunks (and its second reader). */
  cancel(): void {
    loadToken++;
    parts?.reader.stop();
  },

  /** Adopts a Dataset built elsewhere in this worker (the file loader) after checking it is not empty. */
  adopt(dataset: Dataset, source: string): Result<DataSummary, DataErrorCode> {
    if (dataset.user.length === 0) return err('empty', `${source}: no events were read, previous data kept`);
    const summary = summarise(dataset, source, meta.lookup());
    current = { dataset, summary, source };
    return ok(summary);
  },
};

export type DataApi = typeof dataApi;
