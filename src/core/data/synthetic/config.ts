/** Configuration of a synthetic world: one serialisable object (STYLE habit 8), checked at the edge (habit 9). */
import { err, ok, type Result } from '../../util/result';

const DAY = 86_400;
const YEAR = 365.25 * DAY;

export interface SynthConfig {
  nUsers: number;
  nItems: number;
  /** Target total number of events; background rates are scaled so the expected total equals it exactly. */
  targetEvents: number;
  seed: number;
  /** Start of the world, unix seconds. Default 2000-01-01T00:00:00Z, so it looks like MovieLens. */
  t0?: number;
  /** Length of the world in seconds; no event at or after t0 + span. Default 3 years. */
  span?: number;
  /** Latent topics of the item model. Default clamp(round(√nItems / 2), 4, 32). */
  nTopics?: number;
  /** Branching weights of the short and long kernels, a_short + a_long < 1. Defaults 0.45 and 0.3. */
  aShort?: number;
  aLong?: number;
  /** Kernel time scales, seconds. Defaults 1 hour (a session) and 30 days (a habit). */
  scaleShort?: number;
  scaleLong?: number;
  /** Mean user lifetime (start → churn) as a fraction of span; lifetimes are exponential. Default 0.5. */
  meanLifetime?: number;
  /** Users start uniformly in [t0, t0 + startSpread · span): 1 = steady acquisition, 0 = one cohort at t0. Default 1. */
  startSpread?: number;
  /** Gamma shape of the per-user activity multiplier on μ (smaller = more unequal users). Default 1.5. */
  activityShape?: number;
  /** Dirichlet concentration of each user's topic mixture (smaller = more focused users). Default 0.3. */
  topicConcentration?: number;
  /** Zipf–Mandelbrot exponent of item popularity, w(rank) ∝ (rank + q)^−s with q = max(1, nItems/50). Default 1. */
  zipfExponent?: number;
  /** Weight of an item outside its own topic in that topic's distribution, relative to inside. Default 0.02. */
  offTopic?: number;
  /** ρ: probability that the next item is drawn from the topic of the user's last item (sequence signal). Default 0.2. */
  recency?: number;
  /**
   * Probability that an event re-consumes an item of the user's history, drawn uniformly over its past events (so in
   * proportion to how often each was consumed); otherwise the item comes from the topics as above. Default 0.
   */
  repeat?: number;
}

export type ResolvedSynthConfig = Required<SynthConfig>;

/** The sizes the app and the CLI know by name: the app's opening world, two MovieLens-shaped ones and a Netflix-shaped one. */
export const SYNTH_PRESETS = {
  small: { nUsers: 2_000, nItems: 500, targetEvents: 100_000 },
  /** MovieLens-1M: 6,040 users × 3,706 items, 1,000,209 ratings. */
  ml1m: { nUsers: 6_040, nItems: 3_706, targetEvents: 1_000_209 },
  /** MovieLens-10M: 69,878 users × 10,677 items, 10,000,054 ratings. */
  '10m': { nUsers: 69_878, nItems: 10_677, targetEvents: 10_000_054 },
  /** Netflix Prize: 480,189 users × 17,770 items, 100,480,507 ratings (the planner's scale world; see docs/scale.md). */
  netflix: { nUsers: 480_189, nItems: 17_770, targetEvents: 100_480_507 },
} as const;
export type SynthPreset = keyof typeof SYNTH_PRESETS;

export function presetConfig(name: SynthPreset, seed = 1): SynthConfig {
  return { ...SYNTH_PRESETS[name], seed };
}

/** Fills defaults and checks every field; the error names the bad field and value. */
export function resolveSynthConfig(c: SynthConfig): Result<ResolvedSynthConfig, 'bad-config'> {
  const r: ResolvedSynthConfig = {
    t0: 946_684_800,
    span: 3 * YEAR,
    nTopics: Math.min(32, Math.max(4, Math.round(Math.sqrt(c.nItems) / 2))),
    aShort: 0.45,
    aLong: 0.3,
    scaleShort: 3_600,
    scaleLong: 30 * DAY,
    meanLifetime: 0.5,
    startSpread: 1,
    activityShape: 1.5,
    topicConcentration: 0.3,
    zipfExponent: 1,
    offTopic: 0.02,
    recency: 0.2,
    repeat: 0,
    ...stripUndefined(c),
  } as ResolvedSynthConfig;
  const bad = (field: string, why: string) =>
    err(
      'bad-config' as const,
      `synthetic config: ${field} = ${String((r as unknown as Record<string, unknown>)[field])}: ${why}`,
    );
  for (const f of ['nUsers', 'nItems', 'nTopics'] as const) {
    if (!Number.isInteger(r[f]) || r[f] < 1) return bad(f, 'must be a positive integer');
  }
  if (!Number.isInteger(r.seed)) return bad('seed', 'must be an integer');
  for (const f of [
    'targetEvents',
    'span',
    'scaleShort',
    'scaleLong',
    'meanLifetime',
    'activityShape',
    'topicConcentration',
    'zipfExponent',
  ] as const) {
    if (!(Number.isFinite(r[f]) && r[f] > 0)) return bad(f, 'must be a positive number');
  }
  if (!Number.isFinite(r.t0)) return bad('t0', 'must be a finite unix time');
  for (const f of ['aShort', 'aLong', 'offTopic', 'recency', 'startSpread', 'repeat'] as const) {
    if (!(r[f] >= 0 && r[f] <= 1)) return bad(f, 'must lie in [0, 1]');
  }
  if (!(r.aShort + r.aLong < 1)) return bad('aLong', `aShort + aLong = ${r.aShort + r.aLong} must be < 1 (stationary)`);
  return ok(r);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
