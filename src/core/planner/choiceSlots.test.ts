import { describe, expect, it } from 'vitest';
import { createRng } from '../util/rng';
import { ChoiceSlots } from './choiceSlots';

describe('ChoiceSlots', () => {
  it("keeps each user's smallest value and its slot through replacements and value changes, against a rescan", () => {
    const r = createRng(3);
    const n = 7;
    const K = 5;
    const c = new ChoiceSlots(n, K);
    // A plain model: the values and items per user.
    const val = Array.from({ length: n }, () => new Array(K).fill(0));
    const item = Array.from({ length: n }, () => new Array(K).fill(-1));
    for (let step = 0; step < 5000; step++) {
      const x = Math.floor(r.next() * n);
      // Coarse values make ties.
      const v = Math.round(r.next() * 16) / 4 - 1;
      if (r.next() < 0.5) {
        // Among equal smallest values any slot may be the one kept aside; it must hold the smallest.
        const s = c.minSlot[x];
        expect(val[x][s]).toBe(Math.min(...val[x]));
        const it = step;
        expect(c.replaceMin(x, it, v, step % 11)).toBe(item[x][s]);
        val[x][s] = v;
        item[x][s] = it;
      } else {
        const s = Math.floor(r.next() * K);
        c.setValue(x, s, v);
        val[x][s] = v;
      }
      for (let u = 0; u < n; u++) {
        const min = Math.min(...val[u]);
        expect(c.kth[u]).toBe(min);
        expect(c.kth32[u]).toBe(Math.fround(min));
        expect(c.val[u * K + c.minSlot[u]]).toBe(min);
        expect(Array.from(c.item.subarray(u * K, u * K + K))).toEqual(item[u]);
      }
    }
    const s = c.minSlot[2];
    expect(c.find(2, c.item[2 * K + s])).toBe(s);
    expect(c.find(2, -99)).toBe(-1);
  });
});
