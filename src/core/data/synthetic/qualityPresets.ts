import type { SynthConfig } from './config';

/**
 * Worlds for the quality benchmark (bench/quality.bench.ts): one base shaped like a small product log (1,400 users,
 * 240 items in 8 topics, ~50 events a user over three years, users who start and stop at different times, a 50-day
 * test window) and variations along what real logs vary: how many users leave, how focused users' topics are, how long
 * histories are, how often users re-consume. Seeds are given at use.
 */
export interface QualityPreset {
  name: string;
  /** What the preset varies, for the tables. */
  what: string;
  config: Omit<SynthConfig, 'seed'>;
  /** Test (and validation) window of the temporal split, seconds. */
  horizon: number;
}

const DAY = 86_400;
const BASE: Omit<SynthConfig, 'seed'> = { nUsers: 1400, nItems: 240, nTopics: 8, targetEvents: 70_000 };

const preset = (name: string, what: string, over: Partial<SynthConfig> = {}): QualityPreset => ({
  name,
  what,
  config: { ...BASE, ...over },
  horizon: 50 * DAY,
});

export const QUALITY_PRESETS: readonly QualityPreset[] = [
  preset('churn-none', 'nobody leaves (mean life 3,000 years)', { meanLifetime: 1000 }),
  preset('churn-moderate', 'mean life half the span (18 months): the base'),
  preset('churn-strong', 'mean life a tenth of the span (~110 days)', { meanLifetime: 0.1 }),
  preset('topics-focused', 'users on one or two topics (Dirichlet 0.05)', { topicConcentration: 0.05 }),
  preset('topics-broad', 'users spread over topics (Dirichlet 2)', { topicConcentration: 2 }),
  preset('history-short', '~10 events a user', { targetEvents: 14_000 }),
  preset('history-long', '~200 events a user', { targetEvents: 280_000 }),
  preset('repeat-high', 'half of all events re-consume a past item', { repeat: 0.5 }),
];
