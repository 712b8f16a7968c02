/**
 * Model names as the paper's tables write them, parsed against the known part lists, never by splitting at a hyphen
 * (`BPR-Item` or `MuseNet-soft` are one model each, not a composition). A name is one of four kinds:
 *  - an intensity λ(x) times item popularity: `EMA`, `Hawkes`, `HP`;
 *  - a next-item model p(y|x) alone (λ ≡ 1): `RNN`, `Transformer`;
 *  - a RIM composition λ(x)·p(y|x) (paper eq. 5), `SEQUENCE-INTENSITY`: `RNN-Hawkes`, `Transformer-Pop`, …;
 *  - a baseline scorer: `Pop` (rime's: the Pop intensity × item popularity), `Rand`, `ItemKNN`, `BPR`, `ALS`, `LogisticMF`, the
 *    LightFM-style one-sided `BPR-Item` and `BPR-User`, and the GCMC-style `GraphConv-Base` and `GraphConv-Extra`.
 * A new model is one entry in a list below; every realm (registry, run worker, page, CLI) reads its kind from here.
 */

export type IntensityName = 'Pop' | 'EMA' | 'Hawkes' | 'HP';
export type SequenceName = 'RNN' | 'Transformer';
export type BaselineName =
  | 'Pop'
  | 'Rand'
  | 'ItemKNN'
  | 'BPR'
  | 'BPR-Item'
  | 'BPR-User'
  | 'ALS'
  | 'LogisticMF'
  | 'GraphConv-Base'
  | 'GraphConv-Extra';

/** User intensities λ(x) (core/models/intensity). */
export const INTENSITY_NAMES: readonly IntensityName[] = ['Pop', 'EMA', 'Hawkes', 'HP'];
/** Next-item models p(y|x), trained with tfjs (core/models/sequence). */
export const SEQUENCE_NAMES: readonly SequenceName[] = ['RNN', 'Transformer'];
/** Whole scorers the paper compares against; `Pop` is also an intensity, and a baseline wins over it by name. */
export const BASELINE_NAMES: readonly BaselineName[] = [
  'Pop',
  'Rand',
  'ItemKNN',
  'BPR',
  'BPR-Item',
  'BPR-User',
  'ALS',
  'LogisticMF',
  'GraphConv-Base',
  'GraphConv-Extra',
];

export type ModelKind = 'intensity' | 'next-item' | 'composition' | 'baseline';
/** The groups the page shows the models in. */
export type ModelGroup = 'intensities' | 'sequences' | 'compositions' | 'baselines';

/** A model name taken apart. */
export interface ModelParts<I extends string = IntensityName, S extends string = SequenceName> {
  name: string;
  kind: ModelKind;
  /** The next-item part p(y|x): a next-item model's own name, a composition's first part; else null. */
  sequence: S | null;
  /** The intensity part λ(x) the scores are built on: an intensity's own name, a composition's second part, Pop's. */
  intensity: I | null;
  /** Whether it trains with tfjs (a backend must be picked first). */
  tfjs: boolean;
  group: ModelGroup;
}

/** The part lists a parser knows; `tfjsBaselines` are whole scorers that train with tfjs. */
export interface ModelCatalog<I extends string, S extends string> {
  intensities: readonly I[];
  sequences: readonly S[];
  baselines: readonly string[];
  tfjsBaselines?: readonly string[];
}

/** A parser over `catalog`: the parts of a name, or null when the name is not a model of the catalogue. */
export function nameParser<I extends string, S extends string>(
  catalog: ModelCatalog<I, S>,
): (name: string) => ModelParts<I, S> | null {
  const asIntensity = (n: string): I | null => (catalog.intensities.includes(n as I) ? (n as I) : null);
  return (name) => {
    if (catalog.baselines.includes(name)) {
      const tfjs = catalog.tfjsBaselines?.includes(name) ?? false;
      return { name, kind: 'baseline', sequence: null, intensity: asIntensity(name), tfjs, group: 'baselines' };
    }
    const lam = asIntensity(name);
    if (lam) return { name, kind: 'intensity', sequence: null, intensity: lam, tfjs: false, group: 'intensities' };
    if (catalog.sequences.includes(name as S))
      return { name, kind: 'next-item', sequence: name as S, intensity: null, tfjs: true, group: 'sequences' };
    for (const seq of catalog.sequences) {
      const rest = name.startsWith(`${seq}-`) ? asIntensity(name.slice(seq.length + 1)) : null;
      if (rest) return { name, kind: 'composition', sequence: seq, intensity: rest, tfjs: true, group: 'compositions' };
    }
    return null;
  };
}

/** The parts of a model name of this build, or null for a name it does not know. */
export const parseModelName = nameParser({
  intensities: INTENSITY_NAMES,
  sequences: SEQUENCE_NAMES,
  baselines: BASELINE_NAMES,
});

/** `RNN-Hawkes` and friends. */
export const rimName = (seq: SequenceName, intensity: IntensityName): string => `${seq}-${intensity}`;

/**
 * Every model name a run may ask for, in the order a run evaluates them (the paper's table rows: RIM compositions,
 * next-item models, intensities, baselines).
 */
export const MODEL_NAMES: readonly string[] = [
  ...SEQUENCE_NAMES.flatMap((s) => INTENSITY_NAMES.map((i) => rimName(s, i))),
  ...SEQUENCE_NAMES,
  ...INTENSITY_NAMES,
  ...BASELINE_NAMES.filter((b) => !(INTENSITY_NAMES as readonly string[]).includes(b)),
];

/** The models of each group, in MODEL_NAMES order. */
export const MODEL_GROUPS: Readonly<Record<ModelGroup, readonly string[]>> = {
  intensities: MODEL_NAMES.filter((m) => parseModelName(m)?.group === 'intensities'),
  sequences: MODEL_NAMES.filter((m) => parseModelName(m)?.group === 'sequences'),
  compositions: MODEL_NAMES.filter((m) => parseModelName(m)?.group === 'compositions'),
  baselines: MODEL_NAMES.filter((m) => parseModelName(m)?.group === 'baselines'),
};

/** Whether a model trains with tfjs (the next-item models and their compositions); false for unknown names. */
export const needsTfjs = (name: string): boolean => parseModelName(name)?.tfjs ?? false;
