import type { SplitConfig } from '../data/types';
import { err, ok, type Result } from '../util/result';
import type { PlannerMode } from '../planner/types';
import { MODEL_NAMES } from '../models/names';
import { PROTOCOL_NAMES, PROTOCOL_SPLIT, type ProtocolName } from '../data/protocols';

/**
 * The ONE serialisable run configuration shared by the app, the URL and the CLI (STYLE habit 8): which split, which
 * models, how to evaluate. Checked at the edge by `validateRunConfig`, whose messages name the bad field and value.
 */

/** The planner's sweeps (`mtch_` in the results; core/planner/experiment.ts). */
export interface MatchConfig {
  /** Item minimal exposures β to sweep, fractions of test users in [0, 1], at α = itemRecTopK / items (paper: 0…1%). */
  betas: number[];
  /** User capacities α to sweep, fractions of items in (0, 1], with item maximal exposure β' = 1% (appendix F). */
  alphas: number[];
  /** greedy | offline (Dual on the test rows) | online (v calibrated on the validation rows). */
  mode: PlannerMode;
}

export const PLANNER_MODES: readonly PlannerMode[] = ['greedy', 'offline', 'online'];

export interface RunConfig {
  /**
   * A dataset protocol of the paper (core/data/protocols.ts): filters the log before the split and fills the split
   * fields `split` leaves out; `split.kind` must be the protocol's.
   */
  protocol?: ProtocolName;
  split: SplitConfig;
  /** Names from core/models/names MODEL_NAMES, evaluated in this order. */
  models: string[];
  /** ItemRec: items per user; default ceil(1% of items). */
  itemRecTopK?: number;
  /** UserRec: users per item; default ceil(1% of test users). */
  userRecTopC?: number;
  /** Mask items already in a user's history; overrides split.excludeTrain when set. */
  excludeTrain?: boolean;
  /** Seeds every random choice of the run (splits by user, Rand, model initialisation). */
  seed: number;
  /** Training epochs of the learned models (sequence models, MF); their own default when absent. */
  epochs?: number;
  /**
   * Architecture of the sequence models (RNN, Transformer) when smaller than the paper's (hidden 128, 2 layers,
   * last 256 events): a browser run on a laptop trains in seconds with hidden 16 and 1 layer. Absent: the defaults.
   */
  sequence?: SequenceOptions;
  /**
   * Search the sequence models' training settings (lr, hidden, dropout, weightDecay) on the validation window before
   * training them (core/tune): `trials` at most, within `minutes` when given; the trials go into the results'
   * metadata and the chosen settings are used (a host may write them into `sequence` to keep them).
   */
  tune?: TuneConfig;
  /**
   * Temper each RIM composition's p(y|x) with a τ chosen on the validation window's UserRec (core/models/calibrate);
   * default true. false: the reference's plain product λ(x) · p(y|x).
   */
  calibrate?: boolean;
  match?: MatchConfig;
  /**
   * Threads that train the sequence models in Node (`rimw run`): each batch split among model replicas in worker
   * threads, their gradients averaged (core/models/sequence/parallel.ts). Default: the machine's cores, at most 8.
   * The page ignores it (its WASM backend runs its own thread pool).
   */
  threads?: number;
}

/** Sequence-model fields a run may set (core/models/sequence/config.ts SeqConfig has the meaning of each). */
export interface SequenceOptions {
  /** Hidden size = item embedding size. */
  hidden?: number;
  layers?: number;
  /** Only the last maxLen events of each user are used. */
  maxLen?: number;
  lr?: number;
  dropout?: number;
  weightDecay?: number;
}

export interface TuneConfig {
  trials: number;
  minutes?: number;
}

/** Most threads a run may ask for (RunConfig.threads): past a few, shards of a 64-user batch are too small to gain. */
export const MAX_THREADS = 64;

export const DEFAULT_RUN_CONFIG: RunConfig = {
  split: { kind: 'temporal' },
  models: ['Pop', 'EMA', 'Hawkes', 'HP', 'Rand'],
  seed: 1,
};

type Bad = Result<never, 'bad-config'>;
const show = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v));
const bad = (field: string, value: unknown, why: string): Bad =>
  err('bad-config', `run config: ${field} = ${show(value)}: ${why}`);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks that `o` has only the named keys. */
function onlyKeys(o: Record<string, unknown>, prefix: string, keys: string[]): Bad | null {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) return bad(`${prefix}${k}`, o[k], `unknown field; expected one of ${keys.join(', ')}`);
  return null;
}

function optNumber(
  o: Record<string, unknown>,
  prefix: string,
  key: string,
  test: (v: number) => boolean,
  why: string,
): Bad | null {
  const v = o[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || !test(v)) return bad(`${prefix}${key}`, v, why);
  return null;
}

function optBool(o: Record<string, unknown>, prefix: string, key: string): Bad | null {
  const v = o[key];
  return v === undefined || typeof v === 'boolean' ? null : bad(`${prefix}${key}`, v, 'must be true or false');
}

function validateSplit(s: unknown): Result<SplitConfig, 'bad-config'> {
  if (!isObj(s)) return bad('split', s, 'must be an object with kind "temporal" or "user"');
  const pos = (v: number) => v > 0;
  if (s.kind === 'temporal') {
    const e =
      onlyKeys(s, 'split.', ['kind', 'testStart', 'horizon', 'excludeTrain']) ??
      optNumber(s, 'split.', 'testStart', () => true, 'must be a time in unix seconds') ??
      optNumber(s, 'split.', 'horizon', pos, 'must be a positive number of seconds') ??
      optBool(s, 'split.', 'excludeTrain');
    return e ?? ok(s as SplitConfig);
  }
  if (s.kind === 'user') {
    const e =
      onlyKeys(s, 'split.', ['kind', 'testFraction', 'relativeTestStart', 'horizon', 'excludeTrain', 'seed']) ??
      optNumber(s, 'split.', 'testFraction', (v) => v > 0 && v < 1, 'must be a fraction strictly between 0 and 1') ??
      optNumber(s, 'split.', 'relativeTestStart', (v) => v >= 0, 'must be a non-negative number of seconds') ??
      optNumber(s, 'split.', 'horizon', pos, 'must be a positive number of seconds') ??
      optNumber(s, 'split.', 'seed', Number.isInteger, 'must be an integer') ??
      optBool(s, 'split.', 'excludeTrain');
    return e ?? ok(s as SplitConfig);
  }
  return bad('split.kind', s.kind, 'must be "temporal" or "user"');
}

/** Validates a parsed JSON value as a RunConfig. */
export function validateRunConfig(v: unknown): Result<RunConfig, 'bad-config'> {
  if (!isObj(v)) return bad('(root)', v, 'must be a JSON object');
  const keys = [
    'protocol',
    'split',
    'models',
    'itemRecTopK',
    'userRecTopC',
    'excludeTrain',
    'seed',
    'epochs',
    'sequence',
    'tune',
    'calibrate',
    'match',
    'threads',
  ];
  const e0 = onlyKeys(v, '', keys);
  if (e0) return e0;
  const split = validateSplit(v.split);
  if (!split.ok) return split;
  if (v.protocol !== undefined) {
    const p = v.protocol as ProtocolName;
    if (!PROTOCOL_NAMES.includes(p)) return bad('protocol', p, `must be one of ${PROTOCOL_NAMES.join(', ')}`);
    if (split.data.kind !== PROTOCOL_SPLIT[p])
      return bad(
        'split.kind',
        split.data.kind,
        `protocol ${p} splits by ${PROTOCOL_SPLIT[p]}: must be "${PROTOCOL_SPLIT[p]}"`,
      );
  }
  if (!Array.isArray(v.models) || v.models.length === 0)
    return bad('models', v.models, 'must be a non-empty array of model names');
  for (let i = 0; i < v.models.length; i++) {
    const m = v.models[i];
    if (typeof m !== 'string' || !MODEL_NAMES.includes(m))
      return bad(`models[${i}]`, m, `unknown model; expected one of ${MODEL_NAMES.join(', ')}`);
  }
  if (new Set(v.models).size !== v.models.length) return bad('models', v.models, 'lists a model twice');
  if (typeof v.seed !== 'number' || !Number.isInteger(v.seed)) return bad('seed', v.seed, 'must be an integer');
  const posInt = (x: number) => Number.isInteger(x) && x >= 1;
  const e1 =
    optNumber(v, '', 'itemRecTopK', posInt, 'must be a positive integer') ??
    optNumber(v, '', 'userRecTopC', posInt, 'must be a positive integer') ??
    optNumber(v, '', 'epochs', posInt, 'must be a positive integer') ??
    optNumber(v, '', 'threads', (x) => posInt(x) && x <= MAX_THREADS, `must be an integer from 1 to ${MAX_THREADS}`) ??
    optBool(v, '', 'excludeTrain') ??
    optBool(v, '', 'calibrate');
  if (e1) return e1;
  if (v.sequence !== undefined) {
    const q = v.sequence;
    if (!isObj(q)) return bad('sequence', q, 'must be an object {hidden, layers, maxLen, lr, dropout, weightDecay}');
    const e3 =
      onlyKeys(q, 'sequence.', ['hidden', 'layers', 'maxLen', 'lr', 'dropout', 'weightDecay']) ??
      optNumber(q, 'sequence.', 'hidden', (x) => posInt(x) && x <= 1024, 'must be an integer from 1 to 1024') ??
      optNumber(q, 'sequence.', 'layers', (x) => posInt(x) && x <= 8, 'must be an integer from 1 to 8') ??
      optNumber(q, 'sequence.', 'maxLen', (x) => posInt(x) && x <= 4096, 'must be an integer from 1 to 4096') ??
      optNumber(q, 'sequence.', 'lr', (x) => x > 0 && x <= 10, 'must be a learning rate in (0, 10]') ??
      optNumber(q, 'sequence.', 'dropout', (x) => x >= 0 && x < 1, 'must be a rate in [0, 1)') ??
      optNumber(q, 'sequence.', 'weightDecay', (x) => x >= 0 && x <= 1, 'must be in [0, 1]');
    if (e3) return e3;
  }
  if (v.tune !== undefined) {
    const t = v.tune;
    if (!isObj(t)) return bad('tune', t, 'must be an object {trials, minutes}');
    if (t.trials === undefined) return bad('tune.trials', t.trials, 'is required: the number of trials');
    const e4 =
      onlyKeys(t, 'tune.', ['trials', 'minutes']) ??
      optNumber(t, 'tune.', 'trials', (x) => posInt(x) && x <= 1000, 'must be an integer from 1 to 1000') ??
      optNumber(t, 'tune.', 'minutes', (x) => x > 0, 'must be a positive number of minutes');
    if (e4) return e4;
  }
  if (v.match !== undefined) {
    const m = v.match;
    if (!isObj(m)) return bad('match', m, 'must be an object {betas, alphas, mode}');
    const e2 = onlyKeys(m, 'match.', ['betas', 'alphas', 'mode']);
    if (e2) return e2;
    for (const k of ['betas', 'alphas'] as const) {
      const a = m[k];
      if (!Array.isArray(a) || a.length === 0)
        return bad(`match.${k}`, a, 'must be a non-empty array of non-negative numbers');
      for (let i = 0; i < a.length; i++) {
        if (typeof a[i] !== 'number' || !Number.isFinite(a[i]) || a[i] < 0)
          return bad(`match.${k}[${i}]`, a[i], 'must be a non-negative number');
      }
    }
    for (let i = 0; i < (m.betas as number[]).length; i++) {
      const b = (m.betas as number[])[i];
      if (b > 1) return bad(`match.betas[${i}]`, b, 'must be a fraction of users in [0, 1]');
    }
    for (let i = 0; i < (m.alphas as number[]).length; i++) {
      const a = (m.alphas as number[])[i];
      if (a <= 0 || a > 1) return bad(`match.alphas[${i}]`, a, 'must be a fraction of items in (0, 1]');
    }
    if (!PLANNER_MODES.includes(m.mode as PlannerMode))
      return bad('match.mode', m.mode, `must be one of ${PLANNER_MODES.join(', ')}`);
  }
  return ok(v as unknown as RunConfig);
}

/** Parses and validates JSON text (a file or a URL parameter). */
export function parseRunConfig(text: string): Result<RunConfig, 'bad-config'> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return err('bad-config', `run config: not valid JSON: ${(e as Error).message}`);
  }
  return validateRunConfig(v);
}

/** URL form: a query parameter value that round-trips through `runConfigFromUrl`. */
export const runConfigToUrl = (c: RunConfig): string => encodeURIComponent(JSON.stringify(c));
export const runConfigFromUrl = (s: string): Result<RunConfig, 'bad-config'> => parseRunConfig(decodeURIComponent(s));

/** The split config the run uses: the top-level excludeTrain, when set, overrides the split's. */
export function effectiveSplit(c: RunConfig): SplitConfig {
  return c.excludeTrain === undefined ? c.split : { ...c.split, excludeTrain: c.excludeTrain };
}
