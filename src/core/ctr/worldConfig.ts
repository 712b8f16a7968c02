/**
 * Configuration of the synthetic impression world (world.ts): one serialisable object, seed included, checked at the
 * edge with messages that name the bad field and value; and the presets the tests, benchmarks and app know by name.
 */
import { err, ok, type Result } from '../util/result';

const DAY = 86_400;

export interface CtrWorldConfig {
  seed: number;
  nUsers: number;
  nItems: number;
  /** Item categories (topics): each item has one, balanced. */
  nCategories: number;
  /** K, the hidden scenarios (e.g. business and leisure travel). */
  nScenarios: number;
  /** Expected number of impressions; the users' session rates are scaled so the expectation equals it. */
  targetImpressions: number;
  /** Start of the log, unix seconds. Default 2024-01-01T00:00:00Z (a midnight, so the log is whole days). */
  t0?: number;
  /** Length of the log in days (OTP's protocol needs 28). Default 28. */
  days?: number;
  /** π: the scenarios' shares, the first session's distribution and the one a switch draws from. Default uniform. */
  scenarioShares?: number[];
  /** P(a session keeps the previous session's scenario); otherwise it switches to another one drawn ∝ π. Default 0.8. */
  stay?: number;
  /**
   * ρ_k per scenario: P(the user is in repeat mode at a request), MuseNet's p_r (eq. 5). In repeat mode the user clicks
   * only items clicked before (each shown one with p = repeatClick); in explore mode only new items. Default
   * evenly from 0.1 to 0.4.
   */
  repeatIntent?: number[];
  /** Click probability of a shown, previously clicked item in repeat mode. Default 0.3. */
  repeatClick?: number;
  /** Logit boost of an item in one of the scenario's preferred categories (each scenario prefers its own block). Default 2. */
  scenarioBoost?: number;
  /** Standard deviation of a user's per-category taste logit (what the logging policy also knows). Default 0.8. */
  userTaste?: number;
  /** Standard deviation of an item's quality logit. Default 0.5. */
  itemQuality?: number;
  /** Logit weight of an item's standardised log-popularity in the click. Default 0.3. */
  popularityEffect?: number;
  /** Base logit of an explore-mode click. Default −4.6, chosen so that the presets have a CTR within 3-10%. */
  clickBias?: number;
  /** Base logit of a conversion given a click. Default −2.7, chosen for a CVR given click within 5-20%. */
  convBias?: number;
  /** Conversion logit boost of an item in the scenario's preferred categories. Default 0.8. */
  convScenario?: number;
  /** Conversion logit boost of a repeat (re-consumption) click. Default 1. */
  repeatConvBoost?: number;
  /** Standard deviation of an item's conversion logit. Default 0.5. */
  itemConversion?: number;
  /** Zipf exponent of item popularity, w(rank) ∝ (rank + q)^−s with q = max(1, nItems/50). Default 1. */
  zipfExponent?: number;
  /** Items shown per request. Default 4. */
  slate?: number;
  /** Mean requests per session (geometric, ≥ 1), one minute apart. Default 3. */
  requestsPerSession?: number;
  /** Logging policy: share of slots filled with a uniformly random item (exploration). Default 0.1. */
  explore?: number;
  /** Logging policy: share of slots filled from the user's clicked items, when there are any. Default 0.15. */
  policyRepeat?: number;
  /** Values of the observed context column (e.g. pages). Default nScenarios. */
  nContexts?: number;
  /** P(the observed context is the scenario's own page, s mod nContexts); otherwise uniform. Default 0.6. */
  contextFidelity?: number;
  /** Gamma shape of the per-user activity multiplier (mean 1). Default 1.5. */
  activityShape?: number;
}

export type ResolvedCtrWorldConfig = Required<CtrWorldConfig>;

/**
 * Named worlds. tiny: end-to-end tests of the page (a few hundred impressions, a run in seconds). small: tests
 * (~50k impressions, well under a second). 1m: the benchmarks (1M impressions, 4 scenarios).
 * high-repeat: small with users who mostly re-consume (MuseNet's OTP has 18.9% repeats, ADS 2.6%; this has more).
 * scenarios: small where the scenario can be read from what a model sees: sessions keep their scenario longer (stay
 * 0.95) and the page shows it more faithfully (0.8). In `small` the best rule from the page and the recent clicks
 * agrees with the true scenarios only to an adjusted Rand index near 0.37, so no learner can reach 0.5 there.
 */
export const CTR_WORLD_PRESETS = {
  small: {
    nUsers: 1_000,
    nItems: 400,
    nCategories: 16,
    nScenarios: 2,
    targetImpressions: 50_000,
    repeatIntent: [0.1, 0.35],
  },
  '1m': {
    nUsers: 20_000,
    nItems: 5_000,
    nCategories: 40,
    nScenarios: 4,
    targetImpressions: 1_000_000,
    repeatIntent: [0.05, 0.15, 0.3, 0.5],
  },
  'high-repeat': {
    nUsers: 1_000,
    nItems: 400,
    nCategories: 16,
    nScenarios: 2,
    targetImpressions: 50_000,
    repeatIntent: [0.5, 0.85],
    policyRepeat: 0.4,
  },
  scenarios: {
    nUsers: 1_000,
    nItems: 400,
    nCategories: 16,
    nScenarios: 2,
    targetImpressions: 50_000,
    repeatIntent: [0.1, 0.35],
    stay: 0.95,
    contextFidelity: 0.8,
  },
  tiny: {
    nUsers: 100,
    nItems: 100,
    nCategories: 4,
    nScenarios: 2,
    targetImpressions: 1_000,
    repeatIntent: [0.1, 0.35],
    // More clicks and conversions than the other worlds, and short sessions of small slates, so that a few hundred
    // impressions give both labels and dozens of users in the test time (the planner's rows).
    clickBias: -3,
    convBias: -1,
    slate: 2,
    requestsPerSession: 1,
  },
} as const satisfies Record<string, Omit<CtrWorldConfig, 'seed'>>;
export type CtrWorldPreset = keyof typeof CTR_WORLD_PRESETS;

export function ctrPresetConfig(name: CtrWorldPreset, seed = 1): CtrWorldConfig {
  const p = CTR_WORLD_PRESETS[name];
  return { ...p, repeatIntent: [...p.repeatIntent], seed };
}

/** Fills defaults and checks every field; the error names the bad field and value. */
export function resolveCtrWorldConfig(c: CtrWorldConfig): Result<ResolvedCtrWorldConfig, 'bad-config'> {
  const K = c.nScenarios;
  const r: ResolvedCtrWorldConfig = {
    t0: 1_704_067_200,
    days: 28,
    scenarioShares: Array.from({ length: Math.max(0, K) }, () => 1 / K),
    stay: 0.8,
    repeatIntent: Array.from({ length: Math.max(0, K) }, (_, k) => (K > 1 ? 0.1 + (0.3 * k) / (K - 1) : 0.2)),
    repeatClick: 0.3,
    scenarioBoost: 2,
    userTaste: 0.8,
    itemQuality: 0.5,
    popularityEffect: 0.3,
    clickBias: -4.6,
    convBias: -2.7,
    convScenario: 0.8,
    repeatConvBoost: 1,
    itemConversion: 0.5,
    zipfExponent: 1,
    slate: 4,
    requestsPerSession: 3,
    explore: 0.1,
    policyRepeat: 0.15,
    nContexts: K,
    contextFidelity: 0.6,
    activityShape: 1.5,
    ...(Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Partial<CtrWorldConfig>),
  } as ResolvedCtrWorldConfig;
  const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  const bad = (field: keyof CtrWorldConfig, why: string) =>
    err('bad-config' as const, `impression world config: ${field} = ${show(r[field])}: ${why}`);
  if (!Number.isInteger(r.seed)) return bad('seed', 'must be an integer');
  for (const f of ['nUsers', 'nItems', 'nCategories', 'nScenarios', 'slate', 'nContexts'] as const)
    if (!Number.isInteger(r[f]) || r[f] < 1) return bad(f, 'must be a positive integer');
  if (r.slate > r.nItems) return bad('slate', `must be at most nItems (${r.nItems}): a slate shows distinct items`);
  if (r.nCategories > r.nItems) return bad('nCategories', `must be at most nItems (${r.nItems})`);
  for (const f of ['targetImpressions', 'days', 'activityShape', 'zipfExponent'] as const)
    if (!(Number.isFinite(r[f]) && r[f] > 0)) return bad(f, 'must be a positive number');
  if (!(r.requestsPerSession >= 1)) return bad('requestsPerSession', 'must be at least 1');
  if (!Number.isFinite(r.t0)) return bad('t0', 'must be a finite unix time');
  for (const f of ['stay', 'repeatClick', 'explore', 'policyRepeat', 'contextFidelity'] as const)
    if (!(r[f] >= 0 && r[f] <= 1)) return bad(f, 'must lie in [0, 1]');
  for (const f of [
    'scenarioBoost',
    'userTaste',
    'itemQuality',
    'popularityEffect',
    'clickBias',
    'convBias',
    'convScenario',
    'repeatConvBoost',
    'itemConversion',
  ] as const)
    if (!Number.isFinite(r[f])) return bad(f, 'must be a finite number');
  if (r.repeatIntent.length !== K || !r.repeatIntent.every((x) => x >= 0 && x <= 1))
    return bad('repeatIntent', `needs one probability in [0, 1] per scenario (${K})`);
  const sum = r.scenarioShares.reduce((a, x) => a + x, 0);
  if (r.scenarioShares.length !== K || !r.scenarioShares.every((x) => x >= 0) || Math.abs(sum - 1) > 1e-9)
    return bad('scenarioShares', `needs one non-negative share per scenario (${K}), summing to 1`);
  if (K > 1 && r.stay < 1 && r.scenarioShares.filter((x) => x > 0).length < 2)
    return bad('scenarioShares', 'a switch needs a second scenario with a positive share');
  return ok(r);
}

/** Seconds in a day (the OTP protocol counts days). */
export const SECONDS_PER_DAY = DAY;
