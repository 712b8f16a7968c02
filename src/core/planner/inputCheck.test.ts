import { describe, expect, it } from 'vitest';
import { checkInput, unchangedModels } from './inputCheck';
import { tinyInput } from './session.fixtures';

describe('planner input checks', () => {
  it('refuses inputs whose shapes disagree', () => {
    const bad = tinyInput();
    bad.models[1].testRows = 2;
    expect(checkInput(bad)).toMatch(/B: scores 2×4, targets 3×4/);
    const ids = tinyInput();
    ids.itemIds.pop();
    expect(checkInput(ids)).toMatch(/itemIds has 3 ids for 4 items/);
    const short = tinyInput();
    short.models[0].test = new Float32Array(11);
    expect(checkInput(short)).toBe('A: 11 test scores for 3×4');
    const valid = tinyInput();
    valid.models[0].valid = new Float32Array(5);
    expect(checkInput(valid)).toBe('A: 5 validation scores for 3×4');
    expect(checkInput({ ...tinyInput(), models: [] })).toBe('no models');
    expect(checkInput(tinyInput())).toBeNull();
  });

  it('finds the models whose scores and targets are equal by value', () => {
    const next = tinyInput();
    next.models[1].valid = Float32Array.from([1]);
    expect([...unchangedModels(tinyInput(), next)]).toEqual(['A']);
    expect(unchangedModels(null, next).size).toBe(0);
    const moved = tinyInput();
    moved.target.indices[2] = 3;
    expect(unchangedModels(tinyInput(), moved).size).toBe(0);
  });
});
