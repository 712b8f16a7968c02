import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { ingestBytes } from '../data/ingest/index';
import type { Dataset } from '../data/types';
import { impressionsFromRatings, type FromRatingsOptions } from './fromRatings';
import type { ImpressionLog } from './types';

/** A Dataset from [user, item, time, rating] rows (ids as given). */
function ratings(rows: [string, string, number, number][]): Dataset {
  const users: string[] = [];
  const items: string[] = [];
  const idx = (ids: string[], id: string) => (ids.includes(id) ? ids.indexOf(id) : ids.push(id) - 1);
  const u = rows.map((r) => idx(users, r[0]));
  const i = rows.map((r) => idx(items, r[1]));
  return buildDataset({
    userIds: users,
    itemIds: items,
    user: Int32Array.from(u),
    item: Int32Array.from(i),
    time: Float64Array.from(rows, (r) => r[2]),
    value: Float32Array.from(rows, (r) => r[3]),
  });
}

function convert(d: Dataset, o: FromRatingsOptions = {}) {
  const r = impressionsFromRatings(d, o);
  if (!r.ok) throw new Error(r.reason);
  return r.data;
}

/** Impressions of a log as [user id, item id, time, click, conversion]. */
const rowsOf = (log: ImpressionLog) =>
  Array.from(log.user, (u, e) => [
    log.userIds[u],
    log.itemIds[log.item[e]],
    log.time[e],
    log.click[e],
    log.conversion[e],
  ]);

/** Checks the shape every conversion must have; returns the clicked rows and the negatives per click. */
function checkShape(d: Dataset, log: ImpressionLog, perClick: number) {
  const rated = new Set(Array.from(d.user, (u, e) => `${u} ${d.item[e]}`));
  const n = log.user.length;
  expect(log.negatives).toBe('sampled');
  expect(log.negativesPerClick).toBe(perClick);
  expect(log.userOffsets[log.nUsers]).toBe(n);
  let ok = true;
  for (let u = 0; u < log.nUsers; u++)
    for (let e = log.userOffsets[u]; e < log.userOffsets[u + 1]; e++)
      ok &&= log.user[e] === u && (e === log.userOffsets[u] || log.time[e] >= log.time[e - 1]);
  expect(ok, 'sorted by user, then time, CSR offsets').toBe(true);
  // Every negative: an item the user never rated, sharing the time of a click of the same user.
  let negOk = true;
  for (let e = 0; e < n; e++) if (!log.click[e]) negOk &&= !rated.has(`${log.user[e]} ${log.item[e]}`);
  expect(negOk, 'negatives are unrated movies').toBe(true);
  expect(log.conversion.every((v, e) => v === 0 || log.click[e] === 1)).toBe(true);
}

describe('impressionsFromRatings', () => {
  const d = ratings([
    ['a', 'm1', 100, 5],
    ['a', 'm2', 200, 3],
    ['b', 'm2', 150, 4],
    ['b', 'm3', 150, 1],
    ['c', 'm4', 120, 4.5],
    ['c', 'm5', 5_000_000, 2],
    ['d', 'm6', 130, 3.5],
  ]);

  it('a click per rating, a conversion per rating ≥ 4; negatives are unrated movies at the rating time', () => {
    expect(convert(d).log.negativesPerClick).toBe(4);
    const two = convert(d, { perClick: 2, seed: 3 });
    checkShape(d, two.log, 2);
    const clicks = rowsOf(two.log).filter((r) => r[3] === 1);
    expect(clicks).toEqual([
      ['a', 'm1', 100, 1, 1],
      ['a', 'm2', 200, 1, 0],
      ['b', 'm2', 150, 1, 1],
      ['b', 'm3', 150, 1, 0],
      ['c', 'm4', 120, 1, 1],
      ['c', 'm5', 5_000_000, 1, 0],
      ['d', 'm6', 130, 1, 0],
    ]);
    // Only m5's window (at 5e6) reaches back for more; the others already start at the log's first rating.
    expect(two.stats).toEqual({ clicks: 7, negatives: 14, short: 0, widened: 1 });
    // Each click's negatives share its user and time, and are two distinct items other than the click's.
    for (const [u, , t] of clicks) {
      const at = rowsOf(two.log).filter((r) => r[0] === u && r[2] === t && r[3] === 0);
      const own = clicks.filter((r) => r[0] === u && r[2] === t).length;
      expect(at.length).toBe(2 * own);
    }
  });

  it('popularity in the window: a lone window draws its only eligible movie; a wider one ∝ rating counts', () => {
    // a's rating at t = 0: within ±100 s only m1 (its own) and m2 (b's) were rated.
    const lone = ratings([
      ['a', 'm1', 0, 5],
      ['b', 'm2', 10, 5],
      ['b', 'm3', 1_000_000, 5],
    ]);
    const l = convert(lone, { perClick: 1, windowSeconds: 100, minWindowClicks: 1 });
    expect(rowsOf(l.log).filter((r) => r[0] === 'a')).toContainEqual(['a', 'm2', 0, 0, 0]);
    // 400 users rate x once at t = 0; others rated p, q, r 60, 30, 10 times around then.
    const rows: [string, string, number, number][] = [];
    for (let k = 0; k < 400; k++) rows.push([`u${k}`, 'x', 0, 3]);
    for (const [m, c] of [
      ['p', 60],
      ['q', 30],
      ['r', 10],
    ] as const)
      for (let k = 0; k < c; k++) rows.push([`${m}${k}`, m, 50, 3]);
    const big = convert(ratings(rows), { perClick: 1, windowSeconds: 100, minWindowClicks: 1, seed: 5 });
    const neg = rowsOf(big.log).filter((r) => r[3] === 0 && String(r[0]).startsWith('u'));
    expect(neg.length).toBe(400);
    // x is each u's own movie, so p, q, r share 100: expected 240, 120, 40 of 400 (binomial sd ≤ 9.8).
    for (const [m, want] of [
      ['p', 240],
      ['q', 120],
      ['r', 40],
    ] as const)
      expect(Math.abs(neg.filter((r) => r[1] === m).length - want)).toBeLessThan(
        4 * Math.sqrt(400 * (want / 400) * (1 - want / 400)),
      );
  });

  it('never draws a movie first rated after the window: what was not on show yet is no non-click', () => {
    // a rates ten movies in its first minute, when only c's "old" had been rated by anyone else; b rates twenty new
    // movies four months later. a's non-clicks can only be "old"; b's may be any earlier movie but its own.
    const rows: [string, string, number, number][] = [['c', 'old', 5, 4]];
    for (let k = 0; k < 10; k++) rows.push(['a', `a${k}`, k, 4]);
    for (let k = 0; k < 20; k++) rows.push(['b', `new${k}`, 1e7 + k, 4]);
    const { log, stats } = convert(ratings(rows), { perClick: 1, seed: 2 });
    const neg = rowsOf(log).filter((r) => r[3] === 0);
    expect(neg.filter((r) => r[0] === 'a').map((r) => r[1])).toEqual(Array(10).fill('old'));
    expect(neg.filter((r) => r[0] === 'b').every((r) => !String(r[1]).startsWith('new'))).toBe(true);
    // c's "old" draws from a's movies, rated within the day after it.
    expect(neg.filter((r) => r[0] === 'c').map((r) => String(r[1])[0])).toEqual(['a']);
    expect(stats.short).toBe(0);
  });

  it('is seeded: the same seed gives the same log, another seed another one', () => {
    const a = rowsOf(convert(d, { seed: 1 }).log);
    expect(rowsOf(convert(d, { seed: 1 }).log)).toEqual(a);
    expect(rowsOf(convert(d, { seed: 2 }).log)).not.toEqual(a);
  });

  it('refuses bad options and an empty dataset', () => {
    const r = impressionsFromRatings(d, { perClick: -1 });
    expect(!r.ok && r.reason).toBe('perClick = -1: a whole number of negatives ≥ 0');
    const e = impressionsFromRatings(ratings([]));
    expect(!e.ok && e.code).toBe('empty');
  });

  const dir = resolve(__dirname, '../../../../shared/data/ml-latest-small');
  const have = existsSync(`${dir}/ratings.csv`);
  it.skipIf(!have)(
    `ml-latest-small ratings.csv: 100,836 clicks, 4 unrated movies each, likes = ratings ≥ 4${have ? '' : ' (skipped: ../shared/data/ml-latest-small is absent)'}`,
    () => {
      const bytes = new Uint8Array(readFileSync(`${dir}/ratings.csv`));
      const r = ingestBytes(bytes);
      if (!r.ok) throw new Error(r.reason);
      // Likes counted from the text, independently of the reader.
      const lines = new TextDecoder().decode(bytes).trim().split('\n').slice(1);
      const likes = lines.filter((line) => Number(line.split(',')[2]) >= 4).length;
      // The log opens with one user rating alone: nobody else rated a movie until a day after its ratings, so they
      // can have no negatives (4 each); rejection sampling misses a few more (under 10 here).
      const times = lines.map((line) => Number(line.split(',')[3]));
      const t0 = Math.min(...times);
      const opening = lines.filter((_, k) => times[k] <= t0 + 86_400).map((line) => line.split(',')[0]);
      expect(new Set(opening).size).toBe(1);
      const { log, stats, note } = convert(r.dataset);
      checkShape(r.dataset, log, 4);
      const clicks = log.click.reduce((a, v) => a + v, 0);
      expect([clicks, log.conversion.reduce((a, v) => a + v, 0)]).toEqual([100_836, likes]);
      expect(stats.short - 4 * opening.length).toBeGreaterThanOrEqual(0);
      expect(stats.short - 4 * opening.length).toBeLessThan(10);
      expect(log.user.length).toBe(5 * 100_836 - stats.short);
      expect(note).toContain('A conversion is a rating of 4 or more.');
    },
  );
});
