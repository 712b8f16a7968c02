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
    // B's validation scores changed: its greedy and offline solutions stand, its online ones do not.
    expect([...unchangedModels(tinyInput(), next)]).toEqual(['A', 'B']);
    expect([...unchangedModels(tinyInput(), next).online]).toEqual(['A']);
    const test = tinyInput();
    test.models[1].test[0] += 1;
    expect([...unchangedModels(tinyInput(), test)]).toEqual(['A']);
    expect(unchangedModels(null, next).size).toBe(0);
    const moved = tinyInput();
    moved.target.indices[2] = 3;
    expect(unchangedModels(tinyInput(), moved).size).toBe(0);
  });

  it('names validation scores left in a saved run the same only for the same saved run', () => {
    const saved = (at: number) => {
      const inp = tinyInput();
      inp.models[0] = { ...inp.models[0], valid: null, validSaved: at };
      return inp;
    };
    expect([...unchangedModels(saved(5), saved(5)).online]).toEqual(['A', 'B']);
    expect([...unchangedModels(saved(5), saved(6)).online]).toEqual(['B']);
    // Given as an array before, left saved now: not known to be the same.
    expect([...unchangedModels(tinyInput(), saved(5)).online]).toEqual(['B']);
    expect([...unchangedModels(tinyInput(), saved(5))]).toEqual(['A', 'B']);
    const both = saved(5);
    both.models[0].valid = new Float32Array(12);
    expect(checkInput(both)).toBe('A: validation scores both given and left saved');
  });
});
