/** Paradox actions: edits recompute both rankings in render (cheap); "simulate" draws a seeded population. */
import { checkGroups, simulateParadox, type ParadoxGroup } from '../core/paradox';
import { createRng } from '../core/util/rng';
import { patch, useStore } from './store';

export function setMu(mu: number): void {
  patch('paradox', { mu, simulation: null });
}

export function setGroupField(i: number, field: 'share' | 'pD' | 'lambda', value: number): void {
  const groups = useStore
    .getState()
    .paradox.groups.map((g, k): ParadoxGroup => (k === i ? { ...g, [field]: value } : g));
  patch('paradox', { groups, simulation: null });
}

export function resetParadox(): void {
  const fresh = useStore.getInitialState().paradox;
  patch('paradox', { ...fresh, groups: fresh.groups.map((g) => ({ ...g })) });
}

/** Draws nUsers with the group shares and next week's D events; returns an error message or null. */
export function simulate(): string | null {
  const p = useStore.getState().paradox;
  const c = checkGroups(p.groups, p.mu);
  if (!c.ok) return c.reason;
  const simulation = simulateParadox(p.groups, p.mu, { nUsers: p.nUsers, topC: p.topC }, createRng(p.seed));
  patch('paradox', { simulation, seed: p.seed + 1 });
  return null;
}
