/**
 * Non-clicked impressions for logs that hold only clicks (an event log of views and purchases, MovieLens ratings):
 * for each click, `perClick` items drawn by popularity among the items clicked in a window around its time (what
 * was on show then), seeded. Drawing a uniformly random click of the window and taking its item is exactly a draw
 * ∝ the items' click counts in the window, O(1) after a binary search for the window.
 *
 * A window is only ever widened into the past, and a draw never reaches beyond its end: an item first clicked
 * later than that was not on show yet. (Drawing from the whole log let a movie released years later be a
 * non-click long before anyone could rate it; models then learned "new movie → no click" and scored the test
 * time's new releases, its real clicks, below its old ones: click AUC under 0.5 on a time split.)
 */
import { byUserInTime, type ImpressionColumnsIn } from './log';
import { createRng } from '../util/rng';
import { err, ok, type Result } from '../util/result';

export interface NegativeSampling {
  /** Sampled non-clicked impressions per click. Default 4. */
  perClick?: number;
  /** Half-width of the window around a click whose clicks give the popularity, seconds. Default 1 day. */
  windowSeconds?: number;
  /**
   * A window with fewer clicks by other users than this is widened into the past, doubling its reach back, until it
   * has them (or reaches the log's start). Default 100.
   */
  minWindowClicks?: number;
  seed?: number;
  /**
   * Items a negative may not be: 'user-items', any item the user clicked at any time (MovieLens: an unrated movie);
   * 'same-time', an item the user clicked at that same time (an event log, where a later click of a shown item is
   * real and excluding it would give the repeat indicator away). The click's own item is never a negative.
   */
  exclude?: 'user-items' | 'same-time';
}

export type ResolvedNegativeSampling = Required<NegativeSampling>;

/** How the sampling went (the summary's note). */
export interface SamplingStats {
  clicks: number;
  negatives: number;
  /**
   * Negatives that could not be drawn (no eligible item after 32 tries in the window and 32 over every click up to
   * the window's end).
   */
  short: number;
  /** Clicks whose window was widened to hold minWindowClicks. */
  widened: number;
}

/** Clicks (one row each) with their conversion, in any order; negatives are added around them. */
export type ClicksIn = Omit<ImpressionColumnsIn, 'click' | 'negatives' | 'negativesPerClick'>;

const TRIES = 32;

export function resolveSampling(s: NegativeSampling = {}): Result<ResolvedNegativeSampling, 'bad-config'> {
  const r: ResolvedNegativeSampling = {
    perClick: s.perClick ?? 4,
    windowSeconds: s.windowSeconds ?? 86_400,
    minWindowClicks: s.minWindowClicks ?? 100,
    seed: s.seed ?? 1,
    exclude: s.exclude ?? 'same-time',
  };
  if (!(Number.isInteger(r.perClick) && r.perClick >= 0))
    return err('bad-config', `perClick = ${r.perClick}: a whole number of negatives ≥ 0`);
  if (!(r.windowSeconds > 0)) return err('bad-config', `windowSeconds = ${r.windowSeconds}: must be positive`);
  if (!(Number.isInteger(r.minWindowClicks) && r.minWindowClicks >= 1))
    return err('bad-config', `minWindowClicks = ${r.minWindowClicks}: a whole number ≥ 1`);
  if (!Number.isInteger(r.seed)) return err('bad-config', `seed = ${r.seed}: must be an integer`);
  if (r.exclude !== 'user-items' && r.exclude !== 'same-time')
    return err('bad-config', `exclude = ${String(r.exclude)}: 'user-items' or 'same-time'`);
  return ok(r);
}

/** First index k of sorted a[from, to) with a[k] ≥ x (lower) or > x (upper); `to` if none. */
function bound(a: Float64Array, x: number, upper: boolean, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m] < x || (upper && a[m] === x)) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * The clicks plus `perClick` sampled negatives each, grouped by user in time order (each click at a random place
 * among its negatives, which share its time and context), ready for buildImpressionLog.
 */
export function withSampledNegatives(
  c: ClicksIn,
  sampling: ResolvedNegativeSampling,
): { columns: ImpressionColumnsIn; stats: SamplingStats } {
  const { perClick: k, windowSeconds, minWindowClicks, exclude } = sampling;
  const rng = createRng(sampling.seed);
  const P = c.user.length;
  // The pool: every click's item in time order; the clicks grouped by user, in time order within a user.
  const nUsers = c.userIds.length;
  const { order, start, byTime } = byUserInTime(c.user, c.time, nUsers);
  const poolTime = new Float64Array(P);
  const poolItem = new Int32Array(P);
  for (let j = 0; j < P; j++) {
    poolTime[j] = c.time[byTime[j]];
    poolItem[j] = c.item[byTime[j]];
  }
  // The times of the clicks grouped by user (sorted within a user): the user's own clicks in a window by two searches.
  const ownTime = Float64Array.from(order, (e) => c.time[e]);

  const n = P * (k + 1);
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const click = new Uint8Array(n);
  const conversion = new Uint8Array(n);
  const context = c.context ? new Int32Array(n) : undefined;
  // mark[i] = stamp when item i may not be drawn for the click at hand.
  const mark = new Int32Array(c.itemIds.length);
  let stamp = 0;
  const drawn = new Int32Array(k);
  const stats: SamplingStats = { clicks: P, negatives: 0, short: 0, widened: 0 };
  let out = 0;
  for (let u = 0; u < nUsers; u++) {
    const a = start[u];
    const b = start[u + 1];
    if (exclude === 'user-items') {
      stamp++;
      for (let j = a; j < b; j++) mark[c.item[order[j]]] = stamp;
    }
    for (let j = a; j < b; j++) {
      const e = order[j];
      const t = c.time[e];
      if (exclude === 'same-time' && (j === a || c.time[order[j - 1]] !== t)) {
        stamp++;
        for (let q = j; q < b && c.time[order[q]] === t; q++) mark[c.item[order[q]]] = stamp;
      }
      // [t - w, t + windowSeconds]: the end stays put, the start moves back until the window holds
      // minWindowClicks clicks by other users (the user's own are never eligible with 'user-items').
      const end = t + windowSeconds;
      const hi = bound(poolTime, end, true);
      let w = windowSeconds;
      let lo = bound(poolTime, t - w, false);
      const others = () => hi - lo - (bound(ownTime, end, true, a, b) - bound(ownTime, t - w, false, a, b));
      if (others() < minWindowClicks && lo > 0) stats.widened++;
      while (others() < minWindowClicks && lo > 0) {
        w *= 2;
        lo = bound(poolTime, t - w, false);
      }
      let got = 0;
      for (let m = 0; m < k; m++) {
        let pick = -1;
        for (let tries = 0; tries < 2 * TRIES && pick < 0; tries++) {
          // The window first, then every click up to its end.
          const i = tries < TRIES ? poolItem[lo + rng.int(hi - lo)] : poolItem[rng.int(hi)];
          if (mark[i] === stamp) continue;
          let dup = false;
          for (let q = 0; q < got; q++) if (drawn[q] === i) dup = true;
          if (!dup) pick = i;
        }
        if (pick < 0) stats.short++;
        else drawn[got++] = pick;
      }
      const at = rng.int(got + 1);
      for (let q = 0; q <= got; q++) {
        user[out] = u;
        time[out] = t;
        if (context) context[out] = c.context![e];
        if (q === at) {
          item[out] = c.item[e];
          click[out] = 1;
          conversion[out] = c.conversion[e];
        } else item[out] = drawn[q < at ? q : q - 1];
        out++;
      }
      stats.negatives += got;
    }
  }
  const cut = <T extends Int32Array | Float64Array | Uint8Array>(x: T): T => (out === n ? x : (x.slice(0, out) as T));
  return {
    columns: {
      userIds: c.userIds,
      itemIds: c.itemIds,
      user: cut(user),
      item: cut(item),
      time: cut(time),
      click: cut(click),
      conversion: cut(conversion),
      ...(context ? { context: cut(context), contextIds: c.contextIds } : {}),
      ...(c.itemCategory ? { itemCategory: c.itemCategory, categoryIds: c.categoryIds } : {}),
      negatives: 'sampled',
      negativesPerClick: k,
    },
    stats,
  };
}

/** The summary's sentence about the sampling. */
export function samplingNote(s: ResolvedNegativeSampling, st: SamplingStats): string {
  const days = s.windowSeconds / 86_400;
  const win = days >= 1 ? `${+days.toFixed(2)} day${days === 1 ? '' : 's'}` : `${s.windowSeconds} s`;
  return (
    `Negatives: ${s.perClick} per click (seed ${s.seed}), each an item clicked by someone within ±${win} of the click ` +
    `(popularity), the window reaching further back for ${st.widened} of ${st.clicks} clicks to hold ` +
    `${s.minWindowClicks} clicks by other users; never an item first clicked after the window, never ` +
    (s.exclude === 'user-items' ? 'an item the user ever clicked' : 'an item the user clicked at that same time') +
    (st.short > 0 ? `; ${st.short} could not be drawn (no eligible item)` : '') +
    '.'
  );
}
