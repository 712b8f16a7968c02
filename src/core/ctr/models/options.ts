import { err, ok, type Result } from '../../util/result';

/** The trainer's options; every model's options extend them. */
export interface TrainOptions {
  /** Passes over the training rows at most. */
  epochs: number;
  /** Impressions per gradient step. */
  batchSize: number;
  /** Adam learning rate (003: 0.001; the Adam class of ../train.ts). */
  lr: number;
  /** Epochs without a lower validation loss before stopping (the best epoch's weights are restored); 0: never stop early. */
  patience: number;
}

export const TRAIN_DEFAULTS: TrainOptions = { epochs: 5, batchSize: 256, lr: 0.001, patience: 1 };

/** The result keys of the click-and-conversion models (what the results table and the worker name them). */
export const CTR_MODEL_NAMES = [
  'LR',
  'DeepFM',
  'DIN',
  'MMoE',
  'MT-RNN',
  'MuseNet-soft',
  'MuseNet-hard',
  'MuseNet-noscenario',
  'MuseNet-norepeat',
] as const;
export type CtrModelName = (typeof CTR_MODEL_NAMES)[number];

/**
 * Single-task models train one network per label: the click network on every training impression, the conversion
 * network on the clicked ones only — the sample-selection bias (trained on clicks, applied to impressions) that 002's
 * multi-task loss removes. The value is fixed; it is an option so that a run's config and results say so.
 */
export type ConversionSamples = 'clicked-only';

export interface SequenceInputOptions {
  /** Clicked items read per impression: the last maxLen before its time. */
  maxLen: number;
  /** Width of every field embedding (user, item, category, context). */
  embeddingDim: number;
}

/** LR: logistic regression on one-hot user, item, category and context (one weight per value, and a bias). */
export interface LrOptions extends TrainOptions {
  conversionSamples: ConversionSamples;
}

/** DeepFM: first-order weights + FM pairwise term + MLP over the field embeddings (history mean-pooled as a field). */
export interface DeepFmOptions extends TrainOptions, SequenceInputOptions {
  /** Hidden widths of the MLP. */
  hidden: number[];
  conversionSamples: ConversionSamples;
}

/** DIN: the target item attends over the clicked items with DIN's activation unit; MLP over the fields. */
export interface DinOptions extends TrainOptions, SequenceInputOptions {
  /** Hidden width of the activation unit (an MLP over [e_j, e_t, e_j − e_t, e_j ⊙ e_t]). */
  attentionHidden: number;
  hidden: number[];
  conversionSamples: ConversionSamples;
}

/** MMoE: shared experts, one softmax gate and one tower per task (click, conversion), 002's loss. */
export interface MmoeOptions extends TrainOptions, SequenceInputOptions {
  experts: number;
  /** Output width of each expert (one ReLU layer). */
  expertDim: number;
  towerHidden: number[];
}

/** MT-RNN (002): GRU user tower over the clicked items, target item embedding, pCTR and pCVR heads, ESMM loss. */
export interface MtRnnOptions extends TrainOptions, SequenceInputOptions {
  gruHidden: number;
  towerHidden: number[];
  /**
   * The labels its loss reads: 'click-and-conversion', 002's loss over all impressions; 'click-only', the click term
   * l(click, pCTR) alone, so the same network is a single-task click model (the peer for 002's claim that learning
   * the conversion task as well costs the click head nothing). Its conversion head then learns nothing and is not used.
   */
  tasks: MtRnnTasks;
}
export type MtRnnTasks = 'click-and-conversion' | 'click-only';

/** MuseNet (003). */
export interface MuseNetOptions extends TrainOptions, SequenceInputOptions {
  /** Soft (eq. 3) or hard (Gumbel-softmax, eq. 4 and 7, straight-through) scenario assignment. */
  assignment: 'soft' | 'hard';
  /** K: number of scenarios (prototypes). */
  scenarios: number;
  /** Whether the repeat intention module is on (eq. 9, 10); off: each scenario's explore score alone. */
  repeat: boolean;
  /** β: weight of the auxiliary repeat loss (eq. 10, 13). */
  beta: number;
  /** α: prototype update rate of Step 1 (eq. 14). */
  alpha: number;
  /** τ: Gumbel-softmax temperature (eq. 7). */
  tau: number;
  /** Weight of the KL term of eq. 12 in eq. 13 (1 in the paper). */
  klWeight: number;
  /**
   * Which distribution the KL term compares with the uniform prior. 'per-sample': eq. 12 as printed, the mean over rows
   * of KL(a_i ‖ 1/K), minimised when every row's assignment is uniform, i.e. by the collapse of the scenarios;
   * 'batch-mean': KL(ā ‖ 1/K) with ā the batch's mean assignment, which keeps the scenarios in use without pushing a
   * single row toward uniform (the default: see musenet.ts).
   */
  kl: 'batch-mean' | 'per-sample';
  /**
   * What the scenario learner projects (eq. 3): 'request', the user, their clicked items and the context
   * [p_u, B_u, o_u] (what the intention module of §3.2.2 reads); 'impression', those and the target item with its
   * category (x of eq. 3 taken literally). The default is 'request': see musenet.ts.
   */
  scenarioInput: 'request' | 'impression';
  /**
   * The scenario learner also reads the mean embedding of the contexts of the user's impressions at this many earlier
   * requests (o_u over a recent window: a session keeps its scenario while each page shows it noisily); 0: only the
   * request's own context, as in 003. Inert on a log without contexts. See musenet.ts.
   */
  recentRequests: number;
  /** Width of the projected space f_ω(x) where prototypes live (eq. 3). */
  projectionDim: number;
  /** Hidden width of each intention, repeat and explore MLP. */
  hidden: number;
}

const SEQ_DEFAULTS: SequenceInputOptions = { maxLen: 20, embeddingDim: 16 };

export const LR_DEFAULTS: LrOptions = { ...TRAIN_DEFAULTS, conversionSamples: 'clicked-only' };
export const DEEPFM_DEFAULTS: DeepFmOptions = {
  ...TRAIN_DEFAULTS,
  ...SEQ_DEFAULTS,
  hidden: [64, 32],
  conversionSamples: 'clicked-only',
};
export const DIN_DEFAULTS: DinOptions = {
  ...TRAIN_DEFAULTS,
  ...SEQ_DEFAULTS,
  attentionHidden: 32,
  hidden: [64, 32],
  conversionSamples: 'clicked-only',
};
export const MMOE_DEFAULTS: MmoeOptions = {
  ...TRAIN_DEFAULTS,
  ...SEQ_DEFAULTS,
  experts: 4,
  expertDim: 32,
  towerHidden: [16],
};
export const MTRNN_DEFAULTS: MtRnnOptions = {
  ...TRAIN_DEFAULTS,
  ...SEQ_DEFAULTS,
  gruHidden: 32,
  towerHidden: [32],
  tasks: 'click-and-conversion',
};
/** 003's defaults: K = 4, β = 0.5, α = 0.2, τ = 0.1, Adam 0.001. */
export const MUSENET_DEFAULTS: MuseNetOptions = {
  ...TRAIN_DEFAULTS,
  ...SEQ_DEFAULTS,
  assignment: 'soft',
  scenarios: 4,
  repeat: true,
  beta: 0.5,
  alpha: 0.2,
  tau: 0.1,
  klWeight: 1,
  kl: 'batch-mean',
  scenarioInput: 'request',
  recentRequests: 5,
  projectionDim: 16,
  hidden: 32,
};

export interface CtrOptionsByName {
  LR: LrOptions;
  DeepFM: DeepFmOptions;
  DIN: DinOptions;
  MMoE: MmoeOptions;
  'MT-RNN': MtRnnOptions;
  'MuseNet-soft': MuseNetOptions;
  'MuseNet-hard': MuseNetOptions;
  'MuseNet-noscenario': MuseNetOptions;
  'MuseNet-norepeat': MuseNetOptions;
}

/** What each MuseNet variant fixes: the ablations of 003's Table 3 start from the soft version. */
const MUSENET_VARIANTS: Record<string, Partial<MuseNetOptions>> = {
  'MuseNet-soft': { assignment: 'soft' },
  'MuseNet-hard': { assignment: 'hard' },
  'MuseNet-noscenario': { assignment: 'soft', scenarios: 1 },
  'MuseNet-norepeat': { assignment: 'soft', repeat: false },
};

const DEFAULTS: { [N in CtrModelName]: CtrOptionsByName[N] } = {
  LR: LR_DEFAULTS,
  DeepFM: DEEPFM_DEFAULTS,
  DIN: DIN_DEFAULTS,
  MMoE: MMOE_DEFAULTS,
  'MT-RNN': MTRNN_DEFAULTS,
  'MuseNet-soft': { ...MUSENET_DEFAULTS, ...MUSENET_VARIANTS['MuseNet-soft'] },
  'MuseNet-hard': { ...MUSENET_DEFAULTS, ...MUSENET_VARIANTS['MuseNet-hard'] },
  'MuseNet-noscenario': { ...MUSENET_DEFAULTS, ...MUSENET_VARIANTS['MuseNet-noscenario'] },
  'MuseNet-norepeat': { ...MUSENET_DEFAULTS, ...MUSENET_VARIANTS['MuseNet-norepeat'] },
};

/** Kinds of field, checked by resolveCtrOptions. */
const POSITIVE_INTS = new Set([
  'epochs',
  'batchSize',
  'maxLen',
  'embeddingDim',
  'attentionHidden',
  'experts',
  'expertDim',
  'gruHidden',
  'scenarios',
  'projectionDim',
  'hidden',
]);
const INT_LISTS = new Set(['hidden', 'towerHidden']);

/**
 * Fills a model's defaults and checks every field; messages name the model, the bad field and its value.
 * Unknown fields are refused (a misspelt option would otherwise be silently ignored).
 */
export function resolveCtrOptions<N extends CtrModelName>(
  name: N,
  given: Partial<CtrOptionsByName[N]> = {},
): Result<CtrOptionsByName[N], 'bad-config'> {
  if (!(CTR_MODEL_NAMES as readonly string[]).includes(name))
    return err('bad-config', `model: expected one of ${CTR_MODEL_NAMES.join(', ')}, got ${String(name)}`);
  const defaults = DEFAULTS[name];
  const bad = (field: string, expected: string, v: unknown) =>
    err('bad-config', `${name} ${field}: expected ${expected}, got ${JSON.stringify(v) ?? String(v)}`);
  for (const k of Object.keys(given))
    if (!(k in defaults)) return bad(k, `one of the fields ${Object.keys(defaults).join(', ')}`, 'an unknown field');
  const fixed = MUSENET_VARIANTS[name] ?? {};
  for (const [k, v] of Object.entries(fixed)) {
    const g = (given as Record<string, unknown>)[k];
    if (g !== undefined && g !== v) return bad(k, `${JSON.stringify(v)} (fixed by ${name})`, g);
  }
  const r = { ...defaults, ...given } as Record<string, unknown>;
  const isPosInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
  for (const [k, v] of Object.entries(r)) {
    if (INT_LISTS.has(k) && Array.isArray(defaults[k as keyof typeof defaults])) {
      if (!Array.isArray(v) || !v.every(isPosInt)) return bad(k, 'a list of positive integers', v);
    } else if (POSITIVE_INTS.has(k) && !isPosInt(v)) return bad(k, 'a positive integer', v);
  }
  if (!Number.isInteger(r.patience) || (r.patience as number) < 0) return bad('patience', 'an integer ≥ 0', r.patience);
  if (!(typeof r.lr === 'number' && r.lr > 0 && Number.isFinite(r.lr))) return bad('lr', 'a number > 0', r.lr);
  if ('conversionSamples' in r && r.conversionSamples !== 'clicked-only')
    return bad('conversionSamples', "'clicked-only'", r.conversionSamples);
  if ('tasks' in r && r.tasks !== 'click-and-conversion' && r.tasks !== 'click-only')
    return bad('tasks', "'click-and-conversion' or 'click-only'", r.tasks);
  if ('assignment' in r) {
    if (r.assignment !== 'soft' && r.assignment !== 'hard') return bad('assignment', "'soft' or 'hard'", r.assignment);
    if (typeof r.repeat !== 'boolean') return bad('repeat', 'true or false', r.repeat);
    const num = (k: string, ok: (v: number) => boolean, expected: string) =>
      typeof r[k] === 'number' && ok(r[k] as number) ? null : bad(k, expected, r[k]);
    const problem =
      num('beta', (v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0') ??
      num('alpha', (v) => v > 0 && v <= 1, 'a number in (0, 1]') ??
      num('tau', (v) => v > 0 && Number.isFinite(v), 'a number > 0') ??
      num('klWeight', (v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0') ??
      num('recentRequests', (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0');
    if (problem) return problem;
    if (r.kl !== 'batch-mean' && r.kl !== 'per-sample') return bad('kl', "'batch-mean' or 'per-sample'", r.kl);
    if (r.scenarioInput !== 'request' && r.scenarioInput !== 'impression')
      return bad('scenarioInput', "'request' or 'impression'", r.scenarioInput);
  }
  return ok(r as unknown as CtrOptionsByName[N]);
}
