/**
 * The data worker's API: builds and keeps the Dataset inside the worker and hands the page small summaries.
 * Importable in Node tests (no DOM, no Comlink here); data.worker.ts only exposes it.
 */
import * as Comlink from 'comlink';
import type { Dataset, SplitConfig, SplitStats } from '../src/core/data/types';
import { makeSplit, resolveSplitConfig, suggestSplitKind } from '../src/core/data/split';
import { generateSynthetic, presetConfig, type SynthPreset } from '../src/core/data/synthetic';
import { err, ok, type Result } from '../src/core/util/result';
import { parseInteractions, parseItemMeta, sniffText, type Columns, type Sniff } from './data.parse';

export type { Columns, Sniff } from './data.parse';

/** How to read a file when the user overrode the sniffed roles. */
export interface ReadAs {
  columns: Columns;
  delimiter: string;
  header: boolean;
}

/** Events-per-user and item-popularity shapes for the summary charts (small: ≤ ~60 and ≤ 256 points). */
export interface DataCharts {
  /** Log-2 bins of events per user: users with a count in [binLo[i], 2·binLo[i]). */
  perUserBinLo: number[];
  perUserCount: number[];
  /** Item popularity by rank (1 = most popular), subsampled on a log grid of ranks. */
  popRank: number[];
  popCount: number[];
}

/** What the page holds about the loaded data: a few numbers, never the arrays. */
export interface DataSummary {
  /** Where it came from, e.g. "synthetic small (seed 1)" or the file name. */
  source: string;
  nEvents: number;
  /** Users and items with at least one event. */
  nUsers: number;
  nItems: number;
  /** First and last event, unix seconds. */
  tMin: number;
  tMax: number;
  charts: DataCharts;
  /** The 10 most popular items, with titles when item metadata was loaded ('' otherwise). */
  topItems: { id: string; title: string; tags: string; events: number }[];
  /** Items of the data that the metadata file named (0 without metadata). */
  itemsWithMeta: number;
}

type MetaMap = Map<string, { title: string; tags: string }>;

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

/** A line the loader skipped, shown to the user in `data.problems`. */
export interface LoadProblem {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
  /** The line as read, cut to 200 characters (rendered as text only). */
  text: string;
}

/** A refused load: the reason and the problems seen; the previous data stays loaded. */
export interface LoadRefusal {
  ok: false;
  code: DataErrorCode;
  reason: string;
  problems: LoadProblem[];
}

export type LoadResult = { ok: true; data: DataSummary; problems: LoadProblem[] } | LoadRefusal;

/** Summary numbers and chart shapes of a Dataset (O(events) once, then O(users + items log items)). */
export function summarise(d: Dataset, source: string, meta: MetaMap | null = null): DataSummary {
  let nUsers = 0;
  let maxLen = 0;
  for (let u = 0; u < d.nUsers; u++) {
    const len = d.userOffsets[u + 1] - d.userOffsets[u];
    if (len > 0) nUsers++;
    if (len > maxLen) maxLen = len;
  }
  const nBins = maxLen > 0 ? Math.floor(Math.log2(maxLen)) + 1 : 0;
  const perUserCount = new Array<number>(nBins).fill(0);
  for (let u = 0; u < d.nUsers; u++) {
    const len = d.userOffsets[u + 1] - d.userOffsets[u];
    if (len > 0) perUserCount[Math.floor(Math.log2(len))]++;
  }
  const counts = Array.from(d.itemCounts).filter((c) => c > 0).sort((a, b) => b - a);
  const popRank: number[] = [];
  const popCount: number[] = [];
  let last = 0;
  for (let k = 0; k < 256 && counts.length > 0; k++) {
    // Ranks spread evenly on a log axis from 1 to the number of items.
    const r = Math.round(Math.exp((Math.log(counts.length) * k) / 255));
    if (r === last) continue;
    last = r;
    popRank.push(r);
    popCount.push(counts[r - 1]);
  }
  const byPop = Array.from(d.itemCounts.keys()).sort((a, b) => d.itemCounts[b] - d.itemCounts[a] || a - b);
  const topItems = byPop.slice(0, 10).filter((i) => d.itemCounts[i] > 0).map((i) => {
    const m = meta?.get(d.itemIds[i]);
    return { id: d.itemIds[i], title: m?.title ?? '', tags: m?.tags ?? '', events: d.itemCounts[i] };
  });
  let itemsWithMeta = 0;
  if (meta) for (const id of d.itemIds) if (meta.has(id)) itemsWithMeta++;
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let e = 0; e < d.time.length; e++) {
    const t = d.time[e];
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  return {
    source,
    nEvents: d.user.length,
    nUsers,
    nItems: counts.length,
    tMin,
    tMax,
    charts: { perUserBinLo: perUserCount.map((_, i) => 2 ** i), perUserCount, popRank, popCount },
    topItems,
    itemsWithMeta,
  };
}

/** The dataset this worker holds (one at a time; a refused load keeps it). */
let current: { dataset: Dataset; summary: DataSummary; source: string } | null = null;
/** Item metadata, kept across data loads and joined on item id string. */
let itemMeta: MetaMap | null = null;
/** Generation counter of file loads: a newer load or cancel() makes an older one stop. */
let loadToken = 0;

export const dataApi = {
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
  async loadFile(file: Blob, name: string, onProgress?: (bytes: number, total: number) => void, readAs?: ReadAs): Promise<LoadResult> {
    const token = ++loadToken;
    const reader = file.stream().getReader();
    let bytes = 0;
    let lastYield = Date.now();
    let lastReport = 0;
    const parsed = await parseInteractions(
      (async function* () {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          // Let queued messages (cancel) run: buffered reads resolve as microtasks and would starve them.
          if (Date.now() - lastYield > 30) {
            await new Promise((r) => setTimeout(r, 0));
            lastYield = Date.now();
          }
          if (token !== loadToken) {
            await reader.cancel();
            return;
          }
          bytes += value.byteLength;
          // Progress crosses the boundary in batches: at most every 50 ms, and at the last chunk.
          if (Date.now() - lastReport > 50 || bytes === file.size) {
            lastReport = Date.now();
            onProgress?.(bytes, file.size);
          }
          yield value;
        }
      })(),
      readAs,
    );
    if (token !== loadToken) return { ok: false, code: 'cancelled', reason: `${name}: loading cancelled, previous data kept`, problems: [] };
    if (!parsed.ok) return { ...parsed, reason: `${name}: ${parsed.reason}; previous data kept` };
    const r = dataApi.adopt(parsed.dataset, name);
    return r.ok ? { ok: true, data: r.data, problems: parsed.problems } : { ...r, problems: parsed.problems };
  },

  /** Reads the first 64 KiB only: delimiter, header, roles and a few rows for the preview table. */
  async sniff(file: Blob): Promise<Sniff> {
    return sniffText(await file.slice(0, 65_536).text());
  },

  /** Reads item metadata (id, title, tags) and joins it to the current data; a refused file keeps the old metadata. */
  async loadItemMeta(file: Blob, name: string): Promise<Result<DataSummary | null, DataErrorCode>> {
    const r = parseItemMeta(await file.text());
    if (!r.ok) return err('bad-file', `${name}: ${r.reason}; previous metadata kept`);
    itemMeta = r.meta;
    if (!current) return ok(null);
    current.summary = summarise(current.dataset, current.source, itemMeta);
    return ok(current.summary);
  },

  /**
   * Copies of the current Dataset's arrays, moved by transfer (the worker keeps its own): for a worker or the page
   * that needs the raw events (training, export). Null before any data.
   */
  exportDataset(): Dataset | null {
    if (!current) return null;
    const d = current.dataset;
    const copy: Dataset = {
      ...d,
      userIds: d.userIds.slice(),
      itemIds: d.itemIds.slice(),
      user: d.user.slice(),
      item: d.item.slice(),
      time: d.time.slice(),
      value: d.value?.slice(),
      userOffsets: d.userOffsets.slice(),
      itemCounts: d.itemCounts.slice(),
    };
    const buffers = [copy.user, copy.item, copy.time, copy.value, copy.userOffsets, copy.itemCounts].filter((a) => a !== undefined).map((a) => a.buffer);
    return Comlink.transfer(copy, buffers);
  },

  /** Splits the current data (paper appendix D) and returns Table S1; the page never receives the split arrays. */
  split(config: SplitConfig): Result<SplitSummary, DataErrorCode | string> {
    if (!current) return err('no-data', 'no data loaded yet');
    const d = current.dataset;
    const resolved = resolveSplitConfig(d, config);
    if (!resolved.ok) return resolved;
    const s = makeSplit(d, config);
    if (!s.ok) return s;
    return ok({ resolved: resolved.data, suggested: suggestSplitKind(d), stats: s.data.stats, warnings: s.data.warnings ?? [] });
  },

  /** Stops a running loadFile between chunks. */
  cancel(): void {
    loadToken++;
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
