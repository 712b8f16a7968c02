import type { Dataset, Split, SplitConfig, SplitStats } from '../data/types';
import type { StopSignal } from '../util/abort';
import { err, ok, type Result } from '../util/result';
import { evaluateItemRec, evaluateUserRec, onePercent, type RecMetrics } from '../metrics/evaluate';
import { effectiveSplit, type RunConfig } from './config';
import type { FitContext, ModelMeta, ModelRegistry } from './registry';
import { defaultRegistry } from './defaultRegistry';
import { makeSplit } from '../data/split';
import { historyMask } from '../metrics/mask';
import { maskedScores, matchSweeps } from '../planner/experiment';
import { scoreKeeper, type KeepOptions, type KeptScores } from './keep';
import { applyProtocol, type ProtocolStats } from '../data/protocols';
import { rimeHeader, rimeMtchPoint, type RimeHeader, type RimeMtchPoint } from './rimeHeader';

/**
 * One experiment: split → fit → evaluate, the same in the worker, the CLI and tests. Results use rime's
 * `ExperimentResult` field names: its header (./rimeHeader.ts), `item_rec` and `user_rec` map a model name to its
 * metrics, `mtch_` a model name to its sweep points; our own fields (config, meta, …) sit beside them.
 */

export interface ExperimentResult extends RimeHeader {
  config: RunConfig;
  item_rec: Record<string, RecMetrics>;
  user_rec: Record<string, RecMetrics>;
  /** Per model: backend, seconds, epochs, final losses, fitted Hawkes coefficients, … */
  meta: Record<string, ModelMeta & { evalSeconds: number }>;
  /** Models that could not be fitted or evaluated, with the reason (the rest of the run goes on). */
  failed: Record<string, { code: string; reason: string }>;
  /** Table S1 of the split, its warnings, and the K and C used. */
  split: SplitStats;
  warnings: string[];
  itemRecTopK: number;
  /**
   * With config.match: per model the β sweep then the α sweep (core/planner/experiment.ts), rime's field names, with
   * k and c the settings of each point (./rimeHeader.ts); the α sweep's item maximal exposure is _c1 test states.
   */
  mtch_?: Record<string, RimeMtchPoint[]>;
  userRecTopC: number;
  /** With config.protocol: the log's sizes before and after its filter. */
  protocol?: ProtocolStats;
}

export type Splitter = (dataset: Dataset, config: SplitConfig) => Result<Split, string>;

export interface RunOptions {
  /** Builds the split; default core/data/split's makeSplit (tests may pass a hand-built one). */
  splitter?: Splitter;
  registry?: ModelRegistry;
  signal?: StopSignal;
  onProgress?: FitContext['onProgress'];
  /** Called when a model's metrics are ready, so a UI can fill its table row by row. */
  onModel?: (name: string, item: RecMetrics, user: RecMetrics) => void;
  /** Keep each model's dense scores within a byte budget (./keep.ts); runAndKeep hands them back. */
  keep?: KeepOptions;
  /**
   * Called when a model's scores were kept (before its metrics are computed and onModel), e.g. to show a first model
   * before the run ends; `dataset` is the log the run works on (the protocol's filtered one when set). The run waits
   * for a returned promise (a worker yields there so that its reply is posted before the next fit).
   */
  onKept?: (name: string, kept: KeptScores, split: Split, dataset: Dataset) => void | Promise<void>;
}

/**
 * A run with what it kept: the data and split it evaluated on (with a protocol, the filtered log: user, item and row
 * indices of the split and the kept scores refer to it) and the kept scores by model (empty without `opts.keep`).
 */
export interface KeptRun {
  dataset: Dataset;
  result: ExperimentResult;
  split: Split;
  kept: Map<string, KeptScores>;
}

export async function runExperiment(
  dataset: Dataset,
  config: RunConfig,
  opts: RunOptions = {},
): Promise<Result<ExperimentResult, string>> {
  const r = await runAndKeep(dataset, config, opts);
  return r.ok ? ok(r.data.result) : r;
}

/** The log and split config a run works on: with `config.protocol`, the protocol's filtered log and split. */
export function runData(
  dataset: Dataset,
  config: RunConfig,
): Result<{ dataset: Dataset; split: SplitConfig; protocol?: ProtocolStats }, string> {
  const split = effectiveSplit(config);
  if (!config.protocol) return ok({ dataset, split });
  const p = applyProtocol(dataset, config.protocol, split, config.seed);
  return p.ok ? ok({ dataset: p.data.dataset, split: p.data.split, protocol: p.data.stats }) : p;
}

/** runExperiment that also hands back the split and, with `opts.keep`, each model's kept scores. */
export async function runAndKeep(
  original: Dataset,
  config: RunConfig,
  opts: RunOptions = {},
): Promise<Result<KeptRun, string>> {
  const data = runData(original, config);
  if (!data.ok) return data;
  const dataset = data.data.dataset;
  const sp = (opts.splitter ?? makeSplit)(dataset, data.data.split);
  if (!sp.ok) return sp;
  const split = sp.data;
  const test = split.test;
  if (test.users.length === 0) return err('empty-test', 'run: the split has no test users');
  const registry = opts.registry ?? defaultRegistry();
  const session = registry.session({ dataset, split, config, signal: opts.signal, onProgress: opts.onProgress });
  const topK = config.itemRecTopK ?? onePercent(test.target.nCols);
  const topC = config.userRecTopC ?? onePercent(test.users.length);
  const header = rimeHeader(dataset, split, config, topK, topC);
  const result: ExperimentResult = {
    ...header,
    config,
    item_rec: {},
    user_rec: {},
    meta: {},
    failed: {},
    split: split.stats,
    warnings: split.warnings ?? [],
    itemRecTopK: topK,
    userRecTopC: topC,
    ...(data.data.protocol ? { protocol: data.data.protocol } : {}),
  };
  const keeper = opts.keep ? scoreKeeper(split, opts.keep) : null;
  try {
    for (const name of config.models) {
      if (opts.signal?.aborted) return err('aborted', 'run: stopped');
      const built = await session.build(name);
      if (!built.ok) {
        result.failed[name] = { code: built.code, reason: built.reason };
        continue;
      }
      const t0 = Date.now();
      const scored = await built.data.model.scores(test);
      if (scored.nRows !== test.users.length || scored.nCols !== test.target.nCols) {
        result.failed[name] = {
          code: 'shape',
          reason: `${name}: scores are ${scored.nRows}×${scored.nCols}, targets ${test.users.length}×${test.target.nCols}`,
        };
        continue;
      }
      const src = keeper ? await keeper.keep(name, scored, built.data.model, (n) => session.intensity(n)) : scored;
      const k = keeper?.kept.get(name);
      if (k) await opts.onKept?.(name, k, split, dataset);
      const item = evaluateItemRec(src, test, { topK, dataset });
      const user = evaluateUserRec(src, test, { topC, dataset });
      result.item_rec[name] = item;
      result.user_rec[name] = user;
      result.meta[name] = { ...built.data.meta, evalSeconds: (Date.now() - t0) / 1000 };
      opts.onModel?.(name, item, user);
      if (config.match) {
        try {
          const valid =
            config.match.mode === 'online'
              ? maskedScores(await built.data.model.scores(split.valid), historyMask(dataset, split.valid))
              : undefined;
          const m = matchSweeps(maskedScores(src, historyMask(dataset, test)), test.target, config.match, {
            topK,
            valid,
            signal: opts.signal,
            betaMax: topC / test.users.length,
          });
          (result.mtch_ ??= {})[name] = m.points.map((p) => rimeMtchPoint(p, header, test.target.nCols));
          for (const w of m.skipped) result.warnings.push(`mtch_ ${name}: skipped ${w}`);
        } catch (e) {
          result.warnings.push(`mtch_ ${name}: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    await session.dispose();
  }
  return ok({ dataset, result, split, kept: keeper?.kept ?? new Map() });
}
