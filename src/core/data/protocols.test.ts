import { describe, expect, it } from 'vitest';
import { datasetFromEvents } from './split.fixtures';
import { applyProtocol, keepEvents, NETFLIX } from './protocols';
import type { Dataset } from './types';

/** The log as (user id, item id, time) triples, in the dataset's order. */
const triples = (d: Dataset) => Array.from(d.time, (t, e) => [d.userIds[d.user[e]], d.itemIds[d.item[e]], t]);
const must = <T>(r: { ok: true; data: T } | { ok: false; reason: string }): T => {
  if (!r.ok) throw new Error(r.reason);
  return r.data;
};
const DAY = 86400;

describe('dataset protocols on hand-made logs', () => {
  it("ml-1m keeps each user's second half (position j of n when j/n ≥ ½) and splits by user", () => {
    // a: 4 events → positions 2, 3, 4 (2/4 = ½); b: 3 events → 2, 3 (1/3 < ½ ≤ 2/3); c: 1 event → kept.
    const d = datasetFromEvents(
      ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c'],
      ['x', 'y', 'z', 'x', 'y', 'y', 'w', 'v'],
      [1, 2, 3, 4, 10, 20, 30, 5],
    );
    const r = must(applyProtocol(d, 'ml-1m', { kind: 'user' }, 7));
    expect(triples(r.dataset)).toEqual([
      ['a', 'y', 2],
      ['a', 'z', 3],
      ['a', 'x', 4],
      ['b', 'y', 20],
      ['b', 'w', 30],
      ['c', 'v', 5],
    ]);
    expect(r.split).toEqual({ kind: 'user', testFraction: 0.5, seed: 7 });
    expect(r.stats.before).toEqual({ events: 8, users: 3, items: 5 });
    expect(r.stats.after).toEqual({ events: 6, users: 3, items: 5 });
    // Given split fields win over the preset's.
    expect(must(applyProtocol(d, 'ml-1m', { kind: 'user', testFraction: 0.2, seed: 3 }, 7)).split).toEqual({
      kind: 'user',
      testFraction: 0.2,
      seed: 3,
    });
  });

  it('netflix keeps 2005-01-01 … 06-29 (UTC, end excluded) of users with id divisible by 10; test at 06-15 + 14 d', () => {
    const t = (m: number, dd: number) => Date.UTC(2005, m - 1, dd) / 1000;
    const d = datasetFromEvents(
      ['10', '10', '10', '10', '7', '20', '20'],
      ['a', 'b', 'c', 'd', 'a', 'b', 'e'],
      [Date.UTC(2004, 11, 31) / 1000, t(1, 1), t(6, 28), t(6, 29), t(3, 1), t(2, 2), t(6, 20)],
    );
    const r = must(applyProtocol(d, 'netflix', { kind: 'temporal' }, 1));
    expect(triples(r.dataset)).toEqual([
      ['10', 'b', t(1, 1)],
      ['10', 'c', t(6, 28)],
      ['20', 'b', t(2, 2)],
      ['20', 'e', t(6, 20)],
    ]);
    expect(r.split).toEqual({ kind: 'temporal', testStart: NETFLIX.testStart, horizon: 14 * DAY });
    expect(NETFLIX.testStart).toBe(t(6, 15));
    const bad = applyProtocol(datasetFromEvents(['u1'], ['a'], [t(2, 1)]), 'netflix', { kind: 'temporal' }, 1);
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/user id "u1" is not a whole number/) });
    expect(applyProtocol(d, 'netflix', { kind: 'user' }, 1)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/splits by time: split.kind must be "temporal"/),
    });
  });

  it('yoochoose: first event per user-item pair, 10% of users, then users ≥ 4 and items ≥ 10 events', () => {
    // 20 users of the same shape, 2 sampled: items i0…i3, i0 again (a duplicate) and an item of its own. Counted on the
    // sample, i0…i3 have 2 events each and the own items 1: every item is under 10 events, nothing is left.
    const users: string[] = [];
    const items: string[] = [];
    const times: number[] = [];
    for (let u = 0; u < 20; u++) {
      for (const [k, it] of ['i0', 'i1', 'i2', 'i3', 'i0', `own${u}`].entries()) {
        users.push(`u${u}`);
        items.push(it);
        times.push(k);
      }
    }
    const d = datasetFromEvents(users, items, times);
    const r = applyProtocol(d, 'yoochoose', { kind: 'user' }, 1);
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/no event is left/) });
    // With 200 users sharing ten items, 20 are sampled: each shared item has 20 events (≥ 10), each user 10 after
    // deduplication (≥ 4), the own items 1 event each (dropped).
    const u2: string[] = [];
    const i2: string[] = [];
    const t2: number[] = [];
    for (let u = 0; u < 200; u++) {
      for (let k = 0; k < 10; k++) {
        u2.push(`u${u}`);
        i2.push(`s${k}`);
        t2.push(k);
      }
      u2.push(`u${u}`, `u${u}`);
      i2.push('s0', `own${u}`);
      t2.push(20, 21);
    }
    const big = must(applyProtocol(datasetFromEvents(u2, i2, t2), 'yoochoose', { kind: 'user' }, 1));
    expect(big.stats.after).toEqual({ events: 200, users: 20, items: 10 });
    expect(big.dataset.itemIds.sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']);
    // Only first occurrences: every kept time is below 10.
    expect(Math.max(...big.dataset.time)).toBe(9);
    expect(big.split).toEqual({ kind: 'user', testFraction: 0.5, seed: 1 });
    // The user sample follows the seed.
    const other = must(applyProtocol(datasetFromEvents(u2, i2, t2), 'yoochoose', { kind: 'user' }, 2));
    expect(other.dataset.userIds).not.toEqual(big.dataset.userIds);
  });

  it('keepEvents re-encodes the kept users and items in their old order and keeps values', () => {
    const d = { ...datasetFromEvents(['a', 'b', 'c'], ['x', 'y', 'z'], [1, 2, 3]), value: Float32Array.of(5, 4, 3) };
    const k = keepEvents(d, Uint8Array.of(1, 0, 1));
    expect(k.userIds).toEqual(['a', 'c']);
    expect(k.itemIds).toEqual(['x', 'z']);
    expect(Array.from(k.userOffsets)).toEqual([0, 1, 2]);
    expect(Array.from(k.itemCounts)).toEqual([1, 1]);
    expect(Array.from(k.value!)).toEqual([5, 3]);
  });
});
