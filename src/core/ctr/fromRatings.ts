/**
 * MovieLens as paper 002's MMoE baseline uses it (the "finish-and-like pair"): an impression is a rated movie or a
 * sampled unrated one, a click is a rating, a conversion is a rating of `likeThreshold` (4) or more. The unrated
 * movies are drawn by popularity among the movies rated in a window around the rating's time (negatives.ts).
 */
import type { Dataset } from '../data/types';
import type { ImpressionLog } from './types';
import { buildImpressionLog } from './log';
import {
  resolveSampling,
  samplingNote,
  withSampledNegatives,
  type NegativeSampling,
  type SamplingStats,
} from './negatives';
import { err, ok, type Result } from '../util/result';

export interface FromRatingsOptions extends Omit<NegativeSampling, 'exclude'> {
  /** A rating at or above it is a conversion ("like"). Default 4. */
  likeThreshold?: number;
}

export function impressionsFromRatings(
  d: Dataset,
  options: FromRatingsOptions = {},
): Result<{ log: ImpressionLog; stats: SamplingStats; note: string }, 'bad-config' | 'empty'> {
  const s = resolveSampling({ ...options, exclude: 'user-items' });
  if (!s.ok) return s;
  const like = options.likeThreshold ?? 4;
  if (!Number.isFinite(like)) return err('bad-config', `likeThreshold = ${like}: a rating`);
  const n = d.user.length;
  if (n === 0) return err('empty', 'the dataset has no ratings');
  const conversion = new Uint8Array(n);
  // A missing rating (NaN) or a dataset without ratings is no like.
  if (d.value) for (let e = 0; e < n; e++) conversion[e] = d.value[e] >= like ? 1 : 0;
  const { columns, stats } = withSampledNegatives(
    { userIds: d.userIds, itemIds: d.itemIds, user: d.user, item: d.item, time: d.time, conversion },
    s.data,
  );
  const note =
    samplingNote(s.data, stats) +
    (d.value ? ` A conversion is a rating of ${like} or more.` : ' The data has no ratings: no conversions.');
  return ok({ log: buildImpressionLog(columns), stats, note });
}
