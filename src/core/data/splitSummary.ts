/** A split of a dataset as the page shows it: Table S1 of the split and its config with the defaults filled in. */
import type { Dataset, SplitConfig, SplitStats } from './types';
import { makeSplit, resolveSplitConfig, splitSuggestion } from './split';
import { ok, type Result } from '../util/result';

export interface SplitSummary {
  /** The config as given, with the data-driven defaults resolved (what a run with it would use). */
  resolved: SplitConfig;
  /** The kind core/data/split suggests for this data. */
  suggested: SplitConfig['kind'];
  /** Why: the median user's span of events and the whole log's (seconds); a user split below a hundredth. */
  suggestedBecause: { medianUserSpan: number; logSpan: number };
  stats: SplitStats;
  warnings: string[];
}

/** Splits `d` with `config` (paper appendix D) and keeps only the summary; the split arrays are dropped. */
export function summariseSplit(d: Dataset, config: SplitConfig): Result<SplitSummary, string> {
  const resolved = resolveSplitConfig(d, config);
  if (!resolved.ok) return resolved;
  const s = makeSplit(d, config);
  if (!s.ok) return s;
  const { kind, medianUserSpan, logSpan } = splitSuggestion(d);
  return ok({
    resolved: resolved.data,
    suggested: kind,
    suggestedBecause: { medianUserSpan, logSpan },
    stats: s.data.stats,
    warnings: s.data.warnings ?? [],
  });
}
