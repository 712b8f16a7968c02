import { beforeEach, describe, expect, it } from 'vitest';
import { resetParadox, setGroupField, setMu, simulate } from './paradox';
import { useStore } from './store';

describe('paradox actions', () => {
  beforeEach(resetParadox);

  it('edits clear the last simulation; a bad edit is refused by simulate with the field named', () => {
    expect(simulate()).toBeNull();
    expect(useStore.getState().paradox.simulation).not.toBeNull();
    setMu(2);
    expect(useStore.getState().paradox.simulation).toBeNull();
    setGroupField(0, 'share', 0.5);
    expect(simulate()).toMatch(/shares sum to 1\.3/);
    expect(useStore.getState().paradox.simulation).toBeNull();
  });

  it('each press draws a new seeded population; back to Figure 2 restores seed and numbers', () => {
    simulate();
    const first = useStore.getState().paradox.simulation;
    simulate();
    expect(useStore.getState().paradox.simulation).not.toEqual(first);
    resetParadox();
    expect(useStore.getState().paradox).toMatchObject({ mu: 0.5, seed: 1, simulation: null });
    expect(useStore.getState().paradox.groups[2]).toEqual({ name: '∅', share: 0.6, pD: 0.3, lambda: null });
    simulate();
    expect(useStore.getState().paradox.simulation).toEqual(first);
  });
});
