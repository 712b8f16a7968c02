/**
 * The click-and-conversion worker's API: a thin adapter over core/ctr, importable in Node tests; ctr.worker.ts only
 * exposes it with Comlink. It holds the impression log (generated here or read here from the user's file, so its
 * arrays never cross to the page), runs core's runCtr with batched progress (runProgress.ts's batcher) and a cancel
 * that stops within one batch, and hands the page the log's summary and the run's results (a few numbers and at most
 * ROC_POINTS points per curve).
 */
import {
  ctrPresetConfig,
  generateCtrWorld,
  ImpressionReader,
  runCtr,
  summariseImpressions,
  validateCtrRunConfig,
  type CtrModelResult,
  type CtrResult,
  type CtrRunConfig,
  type CtrWorldPreset,
  type ImpressionLog,
  type ImpressionReport,
  type ImpressionSummary,
} from '../src/core/ctr/index';
import { err, ok, type Result } from '../src/core/util/result';
import { currentBackend, type BackendChoice, type BackendOptions } from '../src/platform/backend';
import { backendSession } from './backend';
import { readBlob } from './ingestPart.api';
import { progressBatcher, type RunProgress } from './runProgress';
import type { LoadProblem } from './dataRead';

export type { RunProgress } from './runProgress';

/** What the page shows of the impression log held here. */
export interface CtrData {
  source: string;
  summary: ImpressionSummary;
  /** The hidden scenarios of a synthetic world (null for a file: nothing knows them). */
  trueScenarios: number | null;
  /** Rows the reader left out, by physical line, with what was expected. */
  problems: LoadProblem[];
  /** How many rows were left out in all (problems lists the first of each kind). */
  skipped: number;
}

export type CtrLoad =
  { ok: true; data: CtrData } | { ok: false; code: string; reason: string; problems: LoadProblem[] };

let log: ImpressionLog | null = null;
let shown: CtrData | null = null;
/** The running experiment's stop flag (null when idle). */
let stop: { aborted: boolean } | null = null;
/** Generation counter of file loads: a newer load or cancelLoad() makes an older one stop between chunks. */
let loadToken = 0;
const backends = backendSession({
  onLost: () => {
    if (stop) stop.aborted = true;
  },
});

/** The reader's left-out rows as the page lists them: ingest skips with their text, label problems by line. */
function problemsOf(r: ImpressionReport): { problems: LoadProblem[]; skipped: number } {
  const problems: LoadProblem[] = r.ingest.problems.map((p) => ({ line: p.line, reason: p.reason, text: p.text }));
  const add = (lines: number[], reason: string) => {
    for (const line of lines) problems.push({ line, reason, text: '' });
  };
  add(r.badLabels.lines, 'label not 0, 1, true or false');
  add(r.conversionWithoutClick.lines, 'conversion without a click');
  problems.sort((a, b) => a.line - b.line);
  return { problems, skipped: r.ingest.skipped + r.badLabels.count + r.conversionWithoutClick.count };
}

function hold(l: ImpressionLog, data: CtrData): CtrData {
  log = l;
  shown = data;
  return data;
}

export const ctrApi = {
  /** Backend ladder options of the host (local WASM binaries); picks nothing yet. */
  configure(opts: BackendOptions): void {
    backends.configure(opts);
  },

  /** Generates a synthetic impression world (core/ctr/worldConfig presets) and holds it. */
  generate(preset: CtrWorldPreset, seed: number): Result<CtrData, string> {
    const g = generateCtrWorld(ctrPresetConfig(preset, seed));
    if (!g.ok) return g;
    const summary = summariseImpressions(g.data.log, { kind: 'impressions', labels: 'synthetic' });
    const source = `synthetic impressions ${preset} (seed ${seed})`;
    return ok(
      hold(g.data.log, {
        source,
        summary,
        trueScenarios: g.data.log.truth?.nScenarios ?? null,
        problems: [],
        skipped: 0,
      }),
    );
  },

  /**
   * Streams an impression file through the reader (core/ctr/read.ts). Bad rows are left out and listed by line; a
   * refused file (or a cancelled read) leaves the log held before in place.
   */
  async loadFile(file: Blob, name: string, onProgress?: (bytes: number, total: number) => void): Promise<CtrLoad> {
    const token = ++loadToken;
    const reader = new ImpressionReader({}, { sizeHint: file.size });
    let bytes = 0;
    const done = await readBlob(file, (chunk) => {
      if (token !== loadToken) return false;
      reader.push(chunk);
      bytes += chunk.length;
      onProgress?.(bytes, file.size);
      return true;
    });
    if (!done)
      return { ok: false, code: 'cancelled', reason: `${name}: loading cancelled, previous data kept`, problems: [] };
    const r = reader.finish();
    const { problems } = r.report ? problemsOf(r.report) : { problems: [] };
    if (!r.ok) return { ok: false, code: r.code, reason: `${name}: ${r.reason}; previous data kept`, problems };
    if (r.log.user.length === 0)
      return { ok: false, code: 'empty', reason: `${name}: no impressions were read, previous data kept`, problems };
    const { skipped } = problemsOf(r.report);
    return {
      ok: true,
      data: hold(r.log, { source: name, summary: r.summary, trueScenarios: null, problems, skipped }),
    };
  },

  /** Stops a running loadFile between chunks. */
  cancelLoad(): void {
    loadToken++;
  },

  /** The log held now, summarised; null before any. */
  data(): CtrData | null {
    return shown;
  },

  /** Walks the backend ladder (or `order`) with self-tests; null while a cancelled fit still runs on the current one. */
  initBackend(order?: string[], opts: { software?: boolean } = {}): Promise<BackendChoice | null> {
    return backends.request({ order, software: opts.software }, () => stop !== null);
  },

  backend(): { current: string; choice: BackendChoice | null } {
    return { current: currentBackend(), choice: backends.choice() };
  },

  /**
   * Runs the config on the held log: progress batched (at most every PROGRESS_MS and at each epoch end, keyed
   * `model` or `model · net` for a single-task model's two networks), each model's results as they are ready.
   */
  async run(
    config: CtrRunConfig,
    onProgress?: (p: RunProgress) => void,
    onModel?: (name: string, r: CtrModelResult) => void,
  ): Promise<Result<CtrResult, string>> {
    if (stop) return err('busy', 'a run is in progress; cancel it first');
    if (!log) return err('no-data', 'no impression log in the worker yet');
    const v = validateCtrRunConfig(config);
    if (!v.ok) return v;
    const my = { aborted: false };
    stop = my;
    try {
      await backends.forRun();
      if (my.aborted) return err('aborted', 'run: stopped');
      const batch = progressBatcher(config.models.length, (p) => my.aborted || onProgress?.(p));
      const r = await runCtr(log, v.data, {
        signal: my,
        onProgress: (name, p) => batch.fit(p.net === 'joint' ? name : `${name} · ${p.net}`, p),
        onModel: (name, row) => {
          if (my.aborted) return;
          batch.model(name);
          onModel?.(name, row);
        },
      });
      if (!r.ok) return r;
      return my.aborted ? err('aborted', 'run: stopped') : r;
    } finally {
      if (stop === my) stop = null;
    }
  },

  /** Stops the running experiment within one batch (its promise resolves with code 'aborted'). */
  cancel(): void {
    if (stop) stop.aborted = true;
  },

  /** Forgets the log (the page went back to an interaction log). */
  clear(): void {
    if (stop) stop.aborted = true;
    log = null;
    shown = null;
  },
};

export type CtrApi = typeof ctrApi;
