/**
 * The page's store, in slices (STYLE: handles and small summaries only; big arrays stay in the workers).
 * Components select from it; actions live in the slice modules as exported functions.
 */
import { create } from 'zustand';
import type { DataSummary, LoadProblem, LoadTiming, ReadAs, Sniff, SplitSummary } from '../../workers/data.api';
import { FIGURE2_GROUPS, type ParadoxGroup } from '../core/paradox';
import type { WorldSimulation } from '../core/paradox';
import type { ExperimentResult } from '../core/pipeline/run';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../core/pipeline/config';
import type { TuneStep } from '../core/tune/tune';

export interface DatasetSlice {
  dataset: {
    /** idle before the first data; busy while generating or loading; the summary stays during a busy load. */
    status: 'idle' | 'busy' | 'ready';
    /** What is being done now, e.g. "Reading ratings.csv". */
    activity: string;
    summary: DataSummary | null;
    /** Bytes read of the file being loaded (null when not loading a file). */
    progress: { loaded: number; total: number } | null;
    /** Lines skipped or the reason a file was refused. */
    problems: LoadProblem[];
    /** Last refusal or failure, shown above the summary; the previous data stays. */
    error: string | null;
    /** Worker-side milliseconds of the last file load by phase, for the benches (absent for generated data). */
    loadTiming?: LoadTiming;
    /** The chosen file's first lines and how it will be read (roles editable before or after the load). */
    preview: { fileName: string; sniff: Sniff; readAs: ReadAs } | null;
  };
}

export interface TrainingSlice {
  training: {
    /** Table S1 of the split the run config asks for, on the current data (null while computing or without data). */
    split: SplitSummary | null;
    /** The data source the split was computed on (to say "updating…" without flicker). */
    splitSource: string | null;
    splitError: string | null;
    /** idle: no run yet; running: the run worker is fitting; the others say how the last run ended. */
    status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
    /** The tfjs backend of the run worker (null until a sequence model asked for the ladder) and why others were skipped. */
    backend: string | null;
    backendNote: string;
    /** The threads the WASM backend runs on (null for other backends or before the pick). */
    backendThreads: number | null;
    /** Which rungs of the ladder the user allows: auto = webgpu → webgl → wasm → cpu; or one backend (then cpu). */
    backendPref: 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
    /** Latest batched progress of the running fit (null when not running). */
    progress: {
      model: string;
      done: number;
      total: number;
      epoch: number;
      epochs: number;
      /** Whole run, 0 to 1. */
      fraction: number;
      etaSeconds: number | null;
      examplesPerSecond: number;
      validLoss?: number;
      /** While a search (config.tune) trains its trials: which trial, and the best so far. */
      tune?: TuneStep;
    } | null;
    /** Table rows of the running experiment, as each model finishes. */
    liveModels: string[];
    /** The shown results (rime's ExperimentResult: a few numbers per model), the config and data they were computed on. */
    result: ExperimentResult | null;
    resultConfig: RunConfig | null;
    resultSource: string | null;
    /** Incremented whenever the run worker's kept results change (a run completed, or results were dropped): fetch plannerInput again. */
    resultRevision: number;
    error: string | null;
    /** Set when the running job lost its worker or backend and went on with the next rung (what happened, and where). */
    fallback: string | null;
    /** The workspace in IndexedDB after the last run: being written, written, or not written (see error). */
    saveState: 'idle' | 'saving' | 'saved' | 'failed';
  };
}

export interface ParadoxSlice {
  paradox: {
    groups: ParadoxGroup[];
    /** Background intensity of inactive users, events per week (Figure 2's μ). */
    mu: number;
    nUsers: number;
    topC: number;
    /** Seed of the next simulated world. */
    seed: number;
    /** Figure 2 played on a synthetic world (D its item index), for the μ, C and seed it was drawn with. */
    simulation: (WorldSimulation & { item: number }) | null;
    /** A simulation is being drawn in the run worker. */
    simulating: boolean;
  };
}

export type SplitBy = 'default' | 'url' | 'user' | 'suggested';

export interface UiSlice {
  ui: {
    /** The run config the user is editing, mirrored in the URL (the default until the URL's is read). */
    config: RunConfig;
    /** Why the URL's config was refused (the default is used instead), or null. */
    urlProblem: string | null;
    /** Set when another tab of this page saved its workspace over this tab's (what a reload would now restore). */
    otherTab: string | null;
    /**
     * Who set the run config's split: the default, the URL the page was opened with (or a pasted one), the user in
     * the split panel, or the page adopting the split suggested for the data (./split.ts). Only the default and an
     * adopted suggestion give way to the next data's suggestion.
     */
    splitBy: SplitBy;
  };
}

export type AppState = DatasetSlice & TrainingSlice & ParadoxSlice & UiSlice;

export const initialState = (): AppState => ({
  dataset: { status: 'idle', activity: '', summary: null, progress: null, problems: [], error: null, preview: null },
  training: {
    split: null,
    splitSource: null,
    splitError: null,
    status: 'idle',
    backend: null,
    backendNote: '',
    backendThreads: null,
    backendPref: 'auto',
    progress: null,
    liveModels: [],
    result: null,
    resultConfig: null,
    resultSource: null,
    resultRevision: 0,
    error: null,
    fallback: null,
    saveState: 'idle',
  },
  paradox: {
    groups: FIGURE2_GROUPS.map((g) => ({ ...g })),
    mu: 0.5,
    nUsers: 10_000,
    topC: 1_000,
    seed: 1,
    simulation: null,
    simulating: false,
  },
  ui: { config: DEFAULT_RUN_CONFIG, urlProblem: null, otherTab: null, splitBy: 'default' },
});

export const useStore = create<AppState>()(() => initialState());

/** Shallow-merges into one slice. */
export function patch<K extends keyof AppState>(slice: K, part: Partial<AppState[K]>): void {
  useStore.setState((s) => ({ [slice]: { ...s[slice], ...part } }) as Partial<AppState>);
}
