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
  type CtrSplit,
  type ImpressionLog,
  type ImpressionReport,
} from '../src/core/ctr/index';
import * as Comlink from 'comlink';
import { ctrRunFingerprint } from '../src/core/ctr/fingerprint';
import {
  modelPlannerScores,
  plannerModelName,
  plannerRows,
  type CtrPlannerRows,
  type ScoringProgress,
} from '../src/core/ctr/plannerScores';
import type { PlannerInput } from '../src/core/planner/types';
import type { CtrModel } from '../src/core/ctr/models/model';
import { runSplit } from '../src/core/ctr/run';
import { err, ok, type Result } from '../src/core/util/result';
import { currentBackend, type BackendChoice, type BackendOptions } from '../src/platform/backend';
import { backendSession } from './backend';
import { readBlob } from './ingestPart.api';
import { progressBatcher, type RunProgress } from './runProgress';
import type { LoadProblem } from './dataRead';
import type { CtrData } from './ctrData';
import { assembleInput, type Scores } from './lastRun';
import { runWorkspace } from './runWorkspace';
import type { CtrPlannerScores, WorkspaceStore } from './workspace';

export type { RunProgress } from './runProgress';
export type { CtrData } from './ctrData';

export type CtrLoad =
  { ok: true; data: CtrData } | { ok: false; code: string; reason: string; problems: LoadProblem[] };

let log: ImpressionLog | null = null;
let shown: CtrData | null = null;
/** The last run's conversion scores for the planner (null: none, or the log changed since). */
let planner: CtrPlannerScores | null = null;
/** The running experiment's stop flag (null when idle). */
let stop: { aborted: boolean } | null = null;
/** Generation counter of file loads: a newer load or cancelLoad() makes an older one stop between chunks. */
let loadToken = 0;
/** The log and the last run saved in IndexedDB (workspace.ts), so that a reload shows them without retraining. */
const workspace = runWorkspace();
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

/** Holds a new log and saves it in the background (a restored one is saved already). */
function hold(l: ImpressionLog, data: CtrData, save = true): CtrData {
  log = l;
  shown = data;
  planner = null;
  if (save) workspace.saveCtrData({ log: l, shown: data });
  return data;
}

/** The fingerprint of `config` run on `l` (data, split, config), or null when the split fails. */
function fingerprintOf(l: ImpressionLog, config: CtrRunConfig): string | null {
  const sp = runSplit(l, config);
  return sp.ok ? ctrRunFingerprint(l, sp.data, config) : null;
}

/**
 * Scores each conversion model of a run on `l`, once evaluated, over users × items for the planner
 * (plannerScores.ts); `left` says which were left out and why.
 */
function plannerScorer(
  l: ImpressionLog,
  stop: { aborted: boolean },
  onProgress: (name: string, p: ScoringProgress) => void,
) {
  let rows: CtrPlannerRows | null = null;
  const models: CtrPlannerScores['models'] = [];
  const left: string[] = [];
  return {
    left,
    async onFitted(name: string, model: CtrModel, split: CtrSplit): Promise<void> {
      if (!model.info.heads.includes('cvr') || stop.aborted) return;
      rows ??= plannerRows(l, split);
      const s = await modelPlannerScores(model, l, rows, { signal: stop, onProgress: (p) => onProgress(name, p) });
      if (s.ok) models.push([plannerModelName(name), s.data]);
      else if (s.code !== 'aborted') left.push(`${name} left out of the planner: ${s.reason}`);
    },
    scores(): CtrPlannerScores | null {
      if (!rows || models.length === 0) return null;
      return { models, target: rows.target, itemIds: l.itemIds };
    },
  };
}

export const ctrApi = {
  /** Backend ladder options of the host (local WASM binaries) and where to save (absent: nothing is saved). */
  configure(opts: BackendOptions, store?: WorkspaceStore): void {
    backends.configure(opts);
    workspace.configure(store);
  },

  /**
   * After a reload: the saved impression log, held again, and the saved run's results when its fingerprint matches
   * this log, its split and `config` (another file, split or seed gets none); null when nothing was saved.
   */
  async restore(config: CtrRunConfig): Promise<{ data: CtrData; result: CtrResult | null } | null> {
    const saved = await workspace.loadCtr();
    // A log generated or read meanwhile wins over the saved one.
    if (!saved || shown !== null) return null;
    const data = hold(saved.data.log, saved.data.shown, false);
    const v = validateCtrRunConfig(config);
    const same = v.ok && saved.run !== null && fingerprintOf(saved.data.log, v.data) === saved.run.fingerprint;
    if (same) planner = saved.run!.planner;
    return { data, result: same ? saved.run!.result : null };
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
      const held = log;
      planner = null;
      const scorer = plannerScorer(held, my, (name, p) => batch.scoring(name, p));
      const r = await runCtr(held, v.data, {
        onFitted: scorer.onFitted,
        signal: my,
        onProgress: (name, p) => batch.fit(p.net === 'joint' ? name : `${name} · ${p.net}`, p),
        onModel: (name, row) => {
          if (my.aborted) return;
          batch.model(name);
          onModel?.(name, row);
        },
      });
      if (!r.ok) return r;
      if (my.aborted) return err('aborted', 'run: stopped');
      r.data.warnings.push(...scorer.left);
      const done = scorer.scores();
      if (log === held) planner = done;
      const fingerprint = fingerprintOf(held, v.data);
      if (fingerprint) workspace.saveCtrRun({ fingerprint, result: r.data, planner: done });
      return r;
    } finally {
      if (stop === my) stop = null;
    }
  },

  /**
   * The last run's conversion models as the planner's input (`NAME (pCTR×pCVR)`: test users × items, the test
   * conversions as targets): copies moved by transfer (this worker keeps its own for a planner restart); null
   * without a run that had a conversion model.
   */
  plannerInput(): PlannerInput | null {
    if (!planner) return null;
    const copies = planner.models.map(([name, s]): [string, Scores] => [name, { test: s.slice(), valid: null }]);
    const r = assembleInput(planner.target, 0, planner.itemIds, copies);
    return Comlink.transfer(r.input, r.buffers);
  },

  /** Resolves when the log and run saved so far are written, with the last write's problem (null when it went well). */
  saved(): Promise<string | null> {
    return workspace.settled();
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
    planner = null;
  },
};

export type CtrApi = typeof ctrApi;
