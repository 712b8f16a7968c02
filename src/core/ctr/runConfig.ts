/**
 * The click-and-conversion run's config: one serialisable object that the page, the worker and `rimw run` share
 * (STYLE habit 8), checked at the edge by validateCtrRunConfig with messages that name the bad field and value.
 */
import { err, ok, type Result } from '../util/result';
import { CTR_MODEL_NAMES, resolveCtrOptions, type CtrModelName, type CtrOptionsByName } from './models/options';
import type { CtrSplitConfig } from './split';

/** The tasks a run reports (002's table): click on every impression; conversion given a click, and both together. */
export const CTR_TASKS = ['click', 'conversion'] as const;
export type CtrTask = (typeof CTR_TASKS)[number];

export interface CtrRunConfig {
  /** Marks a click-and-conversion run (the RIM track's RunConfig has no `task`). */
  task: 'ctr';
  /** Result keys (models/options.ts CTR_MODEL_NAMES), trained and evaluated in this order. */
  models: CtrModelName[];
  /** Default: MuseNet's ADS protocol (seven equal time parts, six train, the last tests). */
  split?: CtrSplitConfig;
  /** Seeds the initial weights, the shuffles and MuseNet's Gumbel noise. */
  seed: number;
  /** Reported tasks; default both. 'conversion' adds conversion-given-click and click-and-conversion. */
  tasks?: CtrTask[];
  /** RelaImpr's base model (one of `models`); default the first. */
  base?: CtrModelName;
  /** Overrides of every model's field of the same name, where the model has it (a small run for a laptop). */
  epochs?: number;
  batchSize?: number;
  embeddingDim?: number;
  maxLen?: number;
  /** Per-model options (models/options.ts), over the overrides above. */
  options?: { [N in CtrModelName]?: Partial<CtrOptionsByName[N]> };
}

export const DEFAULT_CTR_RUN_CONFIG: CtrRunConfig = {
  task: 'ctr',
  models: ['LR', 'MT-RNN', 'MuseNet-soft'],
  split: { protocol: 'ads' },
  seed: 1,
};

/** The shared overrides, in the order they are applied. */
const SHARED = ['epochs', 'batchSize', 'embeddingDim', 'maxLen'] as const;

type Bad = Result<never, 'bad-config'>;
const show = (v: unknown) => (v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v)));
const bad = (field: string, value: unknown, why: string): Bad =>
  err('bad-config', `ctr run config: ${field} = ${show(value)}: ${why}`);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(o: Record<string, unknown>, prefix: string, keys: readonly string[]): Bad | null {
  for (const k of Object.keys(o))
    if (!keys.includes(k)) return bad(`${prefix}${k}`, o[k], `unknown field; expected one of ${keys.join(', ')}`);
  return null;
}

function checkSplit(s: unknown): Bad | null {
  if (!isObj(s)) return bad('split', s, 'must be an object with protocol "ads", "otp" or "custom"');
  const fraction = (k: string) =>
    s[k] === undefined || (typeof s[k] === 'number' && (s[k] as number) >= 0 && (s[k] as number) < 1)
      ? null
      : bad(`split.${k}`, s[k], 'must be a fraction in [0, 1)');
  const days = (k: string) =>
    s[k] === undefined || (Number.isInteger(s[k]) && (s[k] as number) >= 1)
      ? null
      : bad(`split.${k}`, s[k], 'must be a whole number of days ≥ 1');
  const time = (k: string, required: boolean) =>
    (s[k] === undefined && !required) || (typeof s[k] === 'number' && Number.isFinite(s[k]))
      ? null
      : bad(`split.${k}`, s[k], 'must be a unix time in seconds');
  if (s.protocol === 'ads') return onlyKeys(s, 'split.', ['protocol', 'validFraction']) ?? fraction('validFraction');
  if (s.protocol === 'otp')
    return (
      onlyKeys(s, 'split.', ['protocol', 'trainDays', 'testDays', 'validFraction']) ??
      days('trainDays') ??
      days('testDays') ??
      fraction('validFraction')
    );
  if (s.protocol === 'custom')
    return (
      onlyKeys(s, 'split.', ['protocol', 'testStart', 'validStart', 'validFraction']) ??
      time('testStart', true) ??
      time('validStart', false) ??
      fraction('validFraction')
    );
  return bad('split.protocol', s.protocol, 'must be "ads", "otp" or "custom"');
}

/**
 * Each model's options for this run: its defaults, then the shared overrides it has a field for, then its own
 * `options` entry; checked by resolveCtrOptions (messages name the model and the field).
 */
export function modelOptions(
  config: CtrRunConfig,
  name: CtrModelName,
): Result<CtrOptionsByName[CtrModelName], 'bad-config'> {
  const defaults = resolveCtrOptions(name, {});
  if (!defaults.ok) return defaults;
  const given: Record<string, unknown> = {};
  for (const k of SHARED) if (config[k] !== undefined && k in defaults.data) given[k] = config[k];
  Object.assign(given, config.options?.[name] ?? {});
  return resolveCtrOptions(name, given as Partial<CtrOptionsByName[CtrModelName]>);
}

/** Validates a parsed JSON value as a CtrRunConfig (defaults are not filled in: absent fields stay absent). */
export function validateCtrRunConfig(v: unknown): Result<CtrRunConfig, 'bad-config'> {
  if (!isObj(v)) return bad('(root)', v, 'must be a JSON object');
  const e0 = onlyKeys(v, '', ['task', 'models', 'split', 'seed', 'tasks', 'base', ...SHARED, 'options']);
  if (e0) return e0;
  if (v.task !== 'ctr') return bad('task', v.task, 'must be "ctr" for a click-and-conversion run');
  const names = CTR_MODEL_NAMES as readonly string[];
  if (!Array.isArray(v.models) || v.models.length === 0)
    return bad('models', v.models, 'must be a non-empty array of model names');
  for (let i = 0; i < v.models.length; i++)
    if (typeof v.models[i] !== 'string' || !names.includes(v.models[i]))
      return bad(`models[${i}]`, v.models[i], `unknown model; expected one of ${names.join(', ')}`);
  if (new Set(v.models).size !== v.models.length) return bad('models', v.models, 'lists a model twice');
  if (!Number.isInteger(v.seed)) return bad('seed', v.seed, 'must be an integer');
  if (v.split !== undefined) {
    const e = checkSplit(v.split);
    if (e) return e;
  }
  if (v.tasks !== undefined) {
    const t = v.tasks;
    if (!Array.isArray(t) || t.length === 0 || !t.every((x) => (CTR_TASKS as readonly unknown[]).includes(x)))
      return bad('tasks', t, `must be a non-empty array of ${CTR_TASKS.join(', ')}`);
  }
  if (v.base !== undefined && !(v.models as unknown[]).includes(v.base))
    return bad('base', v.base, "must be one of the run's models (RelaImpr compares each model with it)");
  for (const k of SHARED)
    if (v[k] !== undefined && !(Number.isInteger(v[k]) && (v[k] as number) >= 1))
      return bad(k, v[k], 'must be a positive integer');
  if (v.options !== undefined) {
    if (!isObj(v.options)) return bad('options', v.options, 'must be an object: model name → options');
    for (const k of Object.keys(v.options)) {
      if (!names.includes(k))
        return bad(`options.${k}`, v.options[k], `unknown model; expected one of ${names.join(', ')}`);
      if (!isObj(v.options[k])) return bad(`options.${k}`, v.options[k], "must be an object of that model's options");
    }
  }
  const config = v as unknown as CtrRunConfig;
  for (const name of config.models) {
    const o = modelOptions(config, name);
    if (!o.ok) return err('bad-config', `ctr run config: ${o.reason}`);
  }
  return ok(config);
}

/** Whether a parsed run config asks for the click-and-conversion track (`"task": "ctr"`). */
export const isCtrRunConfig = (v: unknown): boolean => isObj(v) && v.task === 'ctr';
