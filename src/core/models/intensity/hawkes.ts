import type { Dataset, EvalSet } from '../../data/types';
import type { IntensityModel } from '../types';
import { err, ok, type Result } from '../../util/result';
import { lastTrainTime } from './history';
import { maximizeLinearIntensity } from './pointProcessSolver';

/**
 * Hawkes user intensity (paper section 3, "RNN-Hawkes"; rime's `Hawkes` over tick's HawkesSumExpKern).
 *
 * Time runs in units of the horizon, from each user's first event t₀. For a user with events t₀ < t₁ ≤ t₂ ≤ …,
 *   λ(t) = μ + Σ_r β_r φ_r(t − t₀) + Σ_r α_r Σ_{j≥1, t_j<t} φ_r(t − t_j),   φ_r(Δ) = exp(−Δ/s_r)/s_r,
 * with FIXED log-spaced scales s_r. The first event is the start-of-user channel (rime puts it on a control
 * dimension that excites the data dimension through `x_by_s`); later events self-excite through α (`x_by_x`).
 * Coefficients c = (μ, α, β) ≥ 0 maximise the point-process log-likelihood Σ_users [Σ_{j≥1} log λ(t_j) − ∫₀^end λ],
 * which is concave in c because λ is linear in c with fixed kernels: λ(t_j) = c · f_j and ∫λ = c · G; solved by
 * projected Newton (pointProcessSolver.ts). Kernel states come from the exponential recursion, O(events · R).
 */

/** Fitted coefficients, exported into run metadata. */
export interface HawkesCoefficients {
  /** Kernel scales s_r in horizons. */
  scales: number[];
  /** Baseline μ, events per horizon. */
  mu: number;
  /** Self-excitation α_r: expected extra events caused by one event through kernel r. */
  alpha: number[];
  /** Start-of-user excitation β_r: expected events caused by the user's first event through kernel r. */
  beta: number[];
  /** Log-likelihood at the solution (time in horizons), and its per-event mean. */
  logLik: number;
  logLikPerEvent: number;
  iterations: number;
  /** Training events modelled (every event after a user's first) and users with at least one event. */
  events: number;
  users: number;
}

export interface HawkesOptions {
  /** Prediction window ΔT in seconds; also the time unit of the model. */
  horizon: number;
  /**
   * End of each user's observed training window, unix seconds (per user, or one value for all). Default: the latest
   * training event over all users (the temporal cut). The likelihood integrates λ up to here.
   */
  observeEnd?: Float64Array | number;
  /** Kernel scales in horizons; default log-spaced from 1e-3 to 10× the longest training span, one per decade. */
  scales?: number[];
  /** Newton iterations at most per stage (default 50) and relative tolerance on the predicted gain (default 1e-10). */
  maxIter?: number;
  tol?: number;
}

/** A fitted Hawkes model bound to its dataset; `predict` gives the expected events in [T, T + horizon). */
export interface HawkesModel extends IntensityModel {
  readonly coefficients: HawkesCoefficients;
  /** Per row the feature vector g with predict = c · g; rows × (1 + 2R), row-major (layout: μ, α_1..R, β_1..R). */
  states(rows: EvalSet): Float64Array;
  /** λ(T) at each row's test start, events per horizon (rime's prediction; used to compare with a true intensity). */
  intensityAt(rows: EvalSet): Float64Array;
}

/** Log-spaced scales from 1e-3 horizons to 10× the longest span, at least 4, one per decade. */
export function defaultScales(maxSpanHorizons: number): number[] {
  const lo = 1e-3;
  const hi = Math.max(1, 10 * maxSpanHorizons);
  const n = Math.max(4, Math.ceil(Math.log10(hi / lo)) + 1);
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

export function fitHawkes(
  dataset: Dataset,
  trainEnd: Int32Array,
  opts: HawkesOptions,
): Result<HawkesModel, 'bad-option' | 'no-data'> {
  const h = opts.horizon;
  if (!(h > 0) || !Number.isFinite(h))
    return err('bad-option', `hawkes: horizon must be a positive number of seconds, got ${h}`);
  const { userOffsets: off, time } = dataset;
  const defaultEnd = lastTrainTime(dataset, trainEnd);
  const endOf = (u: number): number =>
    typeof opts.observeEnd === 'number' ? opts.observeEnd : opts.observeEnd ? opts.observeEnd[u] : defaultEnd;

  // Users with a history, their observation span (horizons) and the number of modelled events.
  let users = 0;
  let events = 0;
  let maxSpan = 0;
  for (let u = 0; u < dataset.nUsers; u++) {
    const n = trainEnd[u] - off[u];
    if (n <= 0) continue;
    users++;
    events += n - 1;
    const end = Math.max(endOf(u), time[trainEnd[u] - 1]);
    maxSpan = Math.max(maxSpan, (end - time[off[u]]) / h);
  }
  if (users === 0) return err('no-data', 'hawkes: no user has a training event');
  const scales = opts.scales ?? defaultScales(maxSpan);
  if (scales.length === 0 || scales.some((s) => !(s > 0)))
    return err('bad-option', `hawkes: scales must be positive, got ${scales}`);
  const R = scales.length;
  const K = 1 + 2 * R;
  const inv = scales.map((s) => 1 / s);

  // f: per modelled event its kernel features (μ: 1, α_r: Σ_{i≥1, t_i<t_j} φ_r, β_r: φ_r(t_j − t₀)); Float32 keeps
  // 1M events × 15 features at 60 MB. G: each coefficient's integral of λ over the windows.
  const f = new Float32Array(events * K);
  const G = new Float64Array(K);
  const acc = new Float64Array(R);
  const start = new Float64Array(R);
  let e = 0;
  for (let u = 0; u < dataset.nUsers; u++) {
    const a = off[u];
    const b = trainEnd[u];
    if (b - a <= 0) continue;
    const t0 = time[a];
    const end = (Math.max(endOf(u), time[b - 1]) - t0) / h;
    G[0] += end;
    for (let r = 0; r < R; r++) G[1 + R + r] += 1 - Math.exp(-end * inv[r]);
    // Exponential recursion over data events: acc_r = Σ_{i strictly before the current time} exp(−(t − t_i)/s_r).
    // One exp per scale per distinct event time: the same decay factor advances the α sums and the start kernel
    // (start_r = e^{−x/s_r}), and the α integral Σ_j (1 − e^{−(end − x_j)/s_r}) is read off the sums decayed to `end`.
    acc.fill(0);
    start.fill(1);
    let pending = 0;
    let prev = 0;
    for (let j = a + 1; j < b; j++, e++) {
      const x = (time[j] - t0) / h;
      if (x > prev) {
        const dt = x - prev;
        for (let r = 0; r < R; r++) {
          const decay = Math.exp(-dt * inv[r]);
          acc[r] = (acc[r] + pending) * decay;
          start[r] *= decay;
        }
        pending = 0;
        prev = x;
      }
      const row = e * K;
      f[row] = 1;
      for (let r = 0; r < R; r++) {
        f[row + 1 + r] = acc[r] * inv[r];
        f[row + 1 + R + r] = x > 0 ? start[r] * inv[r] : 0;
      }
      pending++;
    }
    for (let r = 0; r < R; r++) G[1 + r] += b - a - 1 - (acc[r] + pending) * Math.exp(-(end - prev) * inv[r]);
  }

  // Start: μ at half the event rate, the excitation coefficients small and positive.
  const init = new Float64Array(K);
  init[0] = Math.max(1e-9, (0.5 * events) / Math.max(1e-12, G[0]));
  for (let k = 1; k < K; k++) init[k] = G[k] > 0 ? (0.5 * Math.max(events, users)) / ((K - 1) * G[k]) : 0;
  const sol = maximizeLinearIntensity(f, K, G, init, { maxIter: opts.maxIter, tol: opts.tol });
  const c = { coef: sol.coef, logLik: sol.objective, iterations: sol.iterations };
  const coefficients: HawkesCoefficients = {
    scales: [...scales],
    mu: c.coef[0],
    alpha: Array.from(c.coef.subarray(1, 1 + R)),
    beta: Array.from(c.coef.subarray(1 + R)),
    logLik: c.logLik,
    logLikPerEvent: events > 0 ? c.logLik / events : 0,
    iterations: c.iterations,
    events,
    users,
  };
  return ok(hawkesModel(dataset, h, coefficients));
}

/**
 * Prediction. We return the expected events in the window [T, T + horizon) from the current state, i.e. λ integrated
 * over the window with the kernels decaying in closed form: μ + Σ_r (α_r Σ_j e^{−(T−t_j)/s_r} + β_r e^{−(T−t₀)/s_r})(1 − e^{−1/s_r}).
 * rime uses λ(T)·horizon instead; we prefer the integral because with scales far below the horizon λ(T)·horizon
 * counts a just-seen event up to 1/s_r times, while the integral counts it at most α_r (offspring of offspring are
 * left out in both). `intensityAt` gives λ(T) for comparison.
 */
function hawkesModel(dataset: Dataset, h: number, coefficients: HawkesCoefficients): HawkesModel {
  const { scales, mu, alpha, beta } = coefficients;
  const R = scales.length;
  const K = 1 + 2 * R;
  const coef = Float64Array.from([mu, ...alpha, ...beta]);
  const windowMass = scales.map((s) => -Math.expm1(-1 / s));

  /** Per row the kernel sums at T: decayed α sums and β term, scaled by `mult[r]` (window mass or 1/s_r). */
  const kernelStates = (rows: EvalSet, mult: number[]): Float64Array => {
    const n = rows.users.length;
    const out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      const row = i * K;
      out[row] = 1;
      const a = dataset.userOffsets[rows.users[i]];
      const b = rows.histEnd[i];
      if (b <= a) continue; // no history: baseline only (rime: end time at infinity)
      const t0 = dataset.time[a];
      const xT = (rows.testStart[i] - t0) / h;
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let j = a + 1; j < b; j++) s += Math.exp(-(xT - (dataset.time[j] - t0) / h) / scales[r]);
        out[row + 1 + r] = s * mult[r];
        out[row + 1 + R + r] = Math.exp(-xT / scales[r]) * mult[r];
      }
    }
    return out;
  };
  const dotRows = (states: Float64Array, n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += coef[k] * states[i * K + k];
      out[i] = s;
    }
    return out;
  };
  return {
    name: 'Hawkes',
    coefficients,
    states: (rows) => kernelStates(rows, windowMass),
    predict: (rows) => dotRows(kernelStates(rows, windowMass), rows.users.length),
    intensityAt: (rows) =>
      dotRows(
        kernelStates(
          rows,
          scales.map((s) => 1 / s),
        ),
        rows.users.length,
      ),
  };
}
