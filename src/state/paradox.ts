/**
 * Paradox actions: Figure 2's edits recompute both rankings in render (cheap); "simulate" draws a seeded population.
 * The paradox on data asks the run worker for a sweep over γ once per model or item choice; γ itself is a lookup.
 */
import { create } from 'zustand';
import type { ParadoxGroup } from '../core/paradox';
import { paradoxModels, paradoxSweep, paradoxWorld } from '../bridge/run';
import { PARADOX_MODEL, keptChoices, snapGamma, type ParadoxDataState } from './paradoxSettings';
import { exploreItems } from './explorer';
import { isRunning, startRun } from './run';
import { currentRunConfig, setRunConfig } from './ui';
import { patch, useStore } from './store';

export function setMu(mu: number): void {
  patch('paradox', { mu, simulation: null });
}

export function setGroupField(i: number, field: 'share' | 'pD' | 'lambda', value: number): void {
  const groups = useStore
    .getState()
    .paradox.groups.map((g, k): ParadoxGroup => (k === i ? { ...g, [field]: value } : g));
  patch('paradox', { groups });
}

export function resetParadox(): void {
  const fresh = useStore.getInitialState().paradox;
  patch('paradox', { ...fresh, groups: fresh.groups.map((g) => ({ ...g })) });
}

/**
 * Plays Figure 2 on a synthetic world of nUsers (seeded; each press the next seed), its next week drawn from the world's
 * own process in the run worker; resolves with an error message or null.
 */
export async function simulate(): Promise<string | null> {
  const p = useStore.getState().paradox;
  if (!(Number.isFinite(p.mu) && p.mu > 0)) return `paradox: μ = ${p.mu}: must be a positive number`;
  patch('paradox', { simulating: true, seed: p.seed + 1 });
  try {
    const r = await paradoxWorld({ nUsers: p.nUsers, seed: p.seed, mu: p.mu, topC: p.topC });
    patch('paradox', { simulating: false, simulation: r.ok ? r.data : null });
    return r.ok ? null : r.reason;
  } catch (e) {
    patch('paradox', { simulating: false });
    return e instanceof Error ? e.message : String(e);
  }
}

// ---- The paradox on data: a trained composition's λ(x) and p(y|x), ranked by λ(x)^γ · p(y|x) ----

export { shownPoint, type ParadoxDataState } from './paradoxSettings';

/** The on-data panel's own small store (the sweep is a few numbers; γ moves at slider speed and never asks again). */

export const useParadoxData = create<ParadoxDataState>()(() => ({
  models: [],
  items: [],
  model: null,
  chosen: [],
  topC: null,
  gamma: 0,
  answer: null,
  status: 'idle',
  error: null,
}));

const setData = (part: Partial<ParadoxDataState>) => useParadoxData.setState(part);

export { PARADOX_MODEL } from './paradoxSettings';

/** Generation of the sweep in flight: a newer request makes an older answer drop. */
let sweepGen = 0;

async function refreshSweep(): Promise<void> {
  const my = ++sweepGen;
  const { model, chosen, topC } = useParadoxData.getState();
  if (!model || chosen.length === 0) {
    setData({ answer: null, status: 'idle' });
    return;
  }
  setData({ status: 'loading', error: null });
  try {
    const r = await paradoxSweep(model, chosen, topC);
    if (my !== sweepGen) return;
    if (r.ok) setData({ answer: r.data, status: 'ready', error: null });
    else setData({ answer: null, status: 'error', error: r.reason });
  } catch (e) {
    if (my === sweepGen) setData({ status: 'error', error: e instanceof Error ? e.message : String(e) });
  }
}

/** Reads the last run's compositions and items again (after each run); keeps the user's picks where still valid. */
export async function refreshParadoxData(): Promise<void> {
  const my = ++sweepGen;
  let models: string[];
  let items: { id: string; events: number }[];
  try {
    [models, items] = await Promise.all([paradoxModels(), exploreItems()]);
  } catch (e) {
    if (my === sweepGen) setData({ status: 'error', error: e instanceof Error ? e.message : String(e) });
    return;
  }
  if (my !== sweepGen) return;
  setData({ models, items, ...keptChoices(useParadoxData.getState(), models, items), answer: null });
  await refreshSweep();
}

export function setParadoxModel(model: string): void {
  setData({ model });
  void refreshSweep();
}

/** The item group G (one item or several). */
export function setParadoxItems(ids: string[]): void {
  setData({ chosen: ids });
  void refreshSweep();
}

export function setParadoxTopC(topC: number | null): void {
  setData({ topC });
  void refreshSweep();
}

/** γ from 0 (Bayes rule) to 1 (RIM), snapped to the sweep's grid: a lookup, no worker call. */
export function setParadoxGamma(gamma: number): void {
  setData({ gamma: snapGamma(gamma) });
}

/**
 * Trains a small `PARADOX_MODEL` beside the run config's models (it lands in the config, so the results and the URL
 * agree) when the last run lacks it; resolves when the run ended.
 */
export async function trainParadoxModel(): Promise<void> {
  if (useParadoxData.getState().models.includes(PARADOX_MODEL) || isRunning()) return;
  const c = currentRunConfig();
  const models = c.models.includes(PARADOX_MODEL) ? c.models : [...c.models, PARADOX_MODEL];
  const config = { ...c, models, epochs: c.epochs ?? 2, sequence: c.sequence ?? { hidden: 16, layers: 1, maxLen: 32 } };
  setRunConfig(config);
  await startRun(config);
}

let watching = false;

/** Once per page: the panel follows each completed run (training.resultRevision). */
export function watchParadoxData(): void {
  if (watching) return;
  watching = true;
  useStore.subscribe((s, prev) => {
    if (s.training.resultRevision !== prev.training.resultRevision) void refreshParadoxData();
  });
  if (useStore.getState().training.result) void refreshParadoxData();
}
